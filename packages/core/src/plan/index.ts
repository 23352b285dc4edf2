// Filled by the plan work: plan(existing, desired) and applyPlan(existing, plan).
import type { DesiredSection, ExistingSection, SyncPlan } from '../types.js';

export function plan(
  _existing: readonly ExistingSection[],
  _desired: readonly DesiredSection[],
): SyncPlan {
  throw new Error('plan: not implemented yet');
}
