import type { DesiredSection, ExistingSection, SyncPlan } from '../types.js';
import { matchSections } from './match.js';
import { buildOperations } from './operations.js';

export { applyPlan, type PlannedSection } from './apply-plan.js';
export { matchSections, normalizeHeading, type SectionMatch } from './match.js';

/**
 * The identity-preserving sync plan from the current sections of a post to its desired items
 * (see the README, "plan": five matching steps, then create / update / move / delete).
 * A section that is still wanted keeps its id, and so every column the host owns.
 * `existing` may come in any order (it is taken by `order`); the k-th desired item goes to
 * order k. A plan whose result equals `existing` has no operations.
 *
 * @example
 * const existing = [
 *   { id: 1, order: 1, heading: 'Intro', description: '', status: 'draft' },
 *   { id: 2, order: 2, heading: 'Setup', description: 'How', status: 'done' },
 * ];
 * plan(existing, [{ order: 1, heading: 'Setup' }, { order: 2, heading: 'Intro' }]);
 * // { operations: [{ type: 'move', id: 2, from: 2, order: 1 }, { type: 'move', id: 1, from: 1, order: 2 }],
 * //   changes: { created: 0, updated: 0, moved: 2, deleted: 0, unchanged: 0 } }
 */
export function plan(
  existing: readonly ExistingSection[],
  desired: readonly DesiredSection[],
): SyncPlan {
  const sorted = inSectionOrder(existing);
  return buildOperations(sorted, desired, matchSections(sorted, desired));
}

/** `existing` sorted by order (stable); the same array when it already is, as rows from SQL are. */
function inSectionOrder(existing: readonly ExistingSection[]): readonly ExistingSection[] {
  for (let i = 1; i < existing.length; i++) {
    if (existing[i - 1]!.order > existing[i]!.order) {
      return [...existing].sort((a, b) => a.order - b.order);
    }
  }
  return existing;
}
