import type { ChangeCounts } from '../schemas/domain.js';
import {
  DEFAULT_STATUS,
  type DesiredSection,
  type ExistingSection,
  type PlanOperation,
  type SyncPlan,
} from '../types.js';
import type { SectionMatch } from './match.js';

/**
 * Turns a match into the canonical operation list and its counts. The k-th desired item
 * (1-based) goes to order k. Operations come in ascending target order (create, update or
 * move), then deletes in ascending existing order, so two implementations compare equal.
 */
export function buildOperations(
  existing: readonly ExistingSection[],
  desired: readonly DesiredSection[],
  match: SectionMatch,
): SyncPlan {
  const operations: PlanOperation[] = [];
  const changes: ChangeCounts = { created: 0, updated: 0, moved: 0, deleted: 0, unchanged: 0 };

  for (let d = 0; d < desired.length; d++) {
    const item = desired[d]!;
    const order = d + 1;
    const e = match.existingOf[d]!;
    if (e === -1) {
      operations.push({
        type: 'create',
        order,
        heading: item.heading,
        description: item.description ?? '',
        status: item.status ?? DEFAULT_STATUS,
      });
      changes.created++;
      continue;
    }
    const section = existing[e]!;
    // An absent field keeps the section's value: a string item never wipes a description.
    const description = item.description ?? section.description;
    const status = item.status ?? section.status;
    const moved = section.order !== order;
    if (moved) changes.moved++;
    if (
      item.heading !== section.heading ||
      description !== section.description ||
      status !== section.status
    ) {
      operations.push({
        type: 'update',
        id: section.id,
        from: section.order,
        order,
        heading: item.heading,
        description,
        status,
      });
      changes.updated++;
    } else if (moved) {
      operations.push({ type: 'move', id: section.id, from: section.order, order });
    } else {
      changes.unchanged++;
    }
  }

  for (let e = 0; e < existing.length; e++) {
    if (match.desiredOf[e] !== -1) continue;
    const section = existing[e]!;
    operations.push({ type: 'delete', id: section.id, from: section.order });
    changes.deleted++;
  }
  return { operations, changes };
}
