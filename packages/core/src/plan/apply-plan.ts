import { InvalidOperationError } from '../errors.js';
import type { ExistingSection, SectionId, SyncPlan } from '../types.js';

/** A section after applying a plan. A section the plan creates has no id yet (`null`). */
export interface PlannedSection {
  id: SectionId | null;
  order: number;
  heading: string;
  description: string;
  status: string;
}

/**
 * The sections that result from applying `plan` to `existing`, in order (orders 1..n).
 * Sections the plan does not mention keep their values. Pure: nothing is written anywhere.
 * Throws `InvalidOperationError` (code `invalid_plan`) when the plan does not fit `existing`
 * (an unknown id, or resulting orders that are not exactly 1..n).
 *
 * @example
 * const existing = [{ id: 7, order: 1, heading: 'Intro', description: 'Hi', status: 'done' }];
 * applyPlan(existing, plan(existing, [{ order: 1, heading: 'Setup' }, { order: 2, heading: 'Intro' }]));
 * // [{ id: null, order: 1, heading: 'Setup', description: '', status: 'draft' },
 * //  { id: 7, order: 2, heading: 'Intro', description: 'Hi', status: 'done' }]
 */
export function applyPlan(
  existing: readonly ExistingSection[],
  plan: Readonly<SyncPlan>,
): PlannedSection[] {
  const byId = new Map<SectionId, PlannedSection>();
  for (const s of existing) {
    byId.set(s.id, {
      id: s.id,
      order: s.order,
      heading: s.heading,
      description: s.description,
      status: s.status,
    });
  }
  const created: PlannedSection[] = [];
  for (const op of plan.operations) {
    if (op.type === 'create') {
      const { order, heading, description, status } = op;
      created.push({ id: null, order, heading, description, status });
      continue;
    }
    const section = byId.get(op.id);
    if (section === undefined) {
      throw new InvalidOperationError(
        'invalid_plan',
        `The plan ${op.type}s section ${op.id}, which is not among the existing sections`,
      );
    }
    if (op.type === 'delete') {
      byId.delete(op.id);
    } else if (op.type === 'move') {
      section.order = op.order;
    } else {
      section.order = op.order;
      section.heading = op.heading;
      section.description = op.description;
      section.status = op.status;
    }
  }

  // Place each section at its order: linear, and it proves the orders are exactly 1..n.
  const result = new Array<PlannedSection>(byId.size + created.length);
  const place = (section: PlannedSection): void => {
    const slot = section.order - 1;
    if (!Number.isInteger(slot) || slot < 0 || slot >= result.length || result[slot]) {
      throw new InvalidOperationError(
        'invalid_plan',
        `Applying the plan would put a section at order ${section.order}; orders must be 1..${result.length} without repeats`,
      );
    }
    result[slot] = section;
  };
  for (const section of byId.values()) place(section);
  for (const section of created) place(section);
  return result;
}
