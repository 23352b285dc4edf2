import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyPlan, type PlannedSection, plan } from '../src/plan/index.js';
import type { ChangeCounts, DesiredSection, ExistingSection } from '../src/types.js';

// Headings from a small pool so duplicates, case and white-space variants (steps 2-3) are common,
// plus arbitrary strings now and then.
const heading = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom('Intro', 'intro', 'INTRO', ' Intro ', 'The  Plan') },
  { weight: 5, arbitrary: fc.constantFrom('the plan', 'Setup', 'Ärger', 'ärger', 'A', 'B', 'C') },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
);
const text = fc.constantFrom('', 'one', 'two', 'Two ');
const status = fc.constantFrom('draft', 'review', 'done', '');

const existingArb: fc.Arbitrary<ExistingSection[]> = fc
  .uniqueArray(fc.integer({ min: 1, max: 40 }).map(String), { maxLength: 12 })
  .chain((ids) =>
    fc.tuple(
      fc.constant(ids),
      fc.array(fc.record({ heading, description: text, status }), {
        minLength: ids.length,
        maxLength: ids.length,
      }),
      fc.array(fc.integer({ min: 0, max: 2 }), { minLength: ids.length, maxLength: ids.length }),
    ),
  )
  .map(([ids, rows, gaps]) => {
    let order = 0;
    // Orders ascend, sometimes with gaps (rows written by hand in SQL).
    return ids.map((id, i) => {
      order += 1 + gaps[i]!;
      return { id, order, ...rows[i]! };
    });
  });

/** Desired items; ids come from existing (sometimes repeated) or are foreign (another post). */
const desiredArb = (existing: readonly ExistingSection[]): fc.Arbitrary<DesiredSection[]> => {
  const id = fc.oneof(
    fc.integer({ min: 1, max: 50 }).map(String),
    ...(existing.length > 0 ? [fc.constantFrom(...existing.map((s) => s.id))] : []),
  );
  return fc
    .array(fc.record({ heading, description: text, status, id }, { requiredKeys: ['heading'] }), {
      maxLength: 12,
    })
    .map((items) => items.map((item, i) => ({ order: i + 1, ...item })));
};

const scenario = existingArb.chain((existing) =>
  fc.tuple(fc.constant(existing), desiredArb(existing)),
);
const scenarioWithoutIds = existingArb.chain((existing) =>
  fc.tuple(
    fc.constant(existing),
    desiredArb(existing).map((items) => items.map(({ id: _, ...item }) => item)),
  ),
);

describe('plan properties', () => {
  it('applying the plan yields exactly the desired headings, and given fields, in order', () => {
    fc.assert(
      fc.property(scenario, ([existing, desired]) => {
        const result = applyPlan(existing, plan(existing, desired));
        expect(result.map((s) => s.heading)).toEqual(desired.map((d) => d.heading));
        expect(result.map((s) => s.order)).toEqual(desired.map((_, i) => i + 1));
        const byId = new Map(existing.map((s) => [s.id, s]));
        result.forEach((s, i) => {
          const wanted = desired[i]!;
          const kept = s.id === null ? undefined : byId.get(s.id);
          expect(s.description).toBe(wanted.description ?? kept?.description ?? '');
          expect(s.status).toBe(wanted.status ?? kept?.status ?? 'draft');
        });
      }),
    );
  });

  it('never deletes a section whose id is still desired, and never creates and deletes at once', () => {
    fc.assert(
      fc.property(scenario, ([existing, desired]) => {
        const { operations } = plan(existing, desired);
        const desiredIds = new Set(desired.map((d) => d.id));
        const deletes = operations.filter((op) => op.type === 'delete');
        for (const op of deletes) expect(desiredIds.has(op.id)).toBe(false);
        // A create next to a delete would be a lost identity: step 4 turns it into a rename.
        if (deletes.length > 0) expect(operations.some((op) => op.type === 'create')).toBe(false);
      }),
    );
  });

  it('without ids, never deletes a section whose exact heading is still desired as often', () => {
    fc.assert(
      fc.property(scenarioWithoutIds, ([existing, desired]) => {
        const { operations } = plan(existing, desired);
        const headingOf = new Map(existing.map((s) => [s.id, s.heading]));
        const count = (list: readonly { heading: string }[], h: string) =>
          list.filter((s) => s.heading === h).length;
        for (const op of operations) {
          if (op.type !== 'delete') continue;
          const h = headingOf.get(op.id)!;
          // Only surplus copies of a heading can go.
          expect(count(existing, h)).toBeGreaterThan(count(desired, h));
        }
      }),
    );
  });

  it('planning again after applying gives an empty plan', () => {
    fc.assert(
      fc.property(scenario, ([existing, desired]) => {
        const applied = applyPlan(existing, plan(existing, desired));
        // New sections get ids no desired item or existing row uses, as a database would.
        let nextId = 1000;
        const rows = applied.map((s) => ({ ...s, id: s.id ?? String(nextId++) }));
        expect(plan(rows, desired).operations).toEqual([]);
      }),
    );
  });

  it('counts equal the operations, and operations come in canonical order', () => {
    fc.assert(
      fc.property(scenario, ([existing, desired]) => {
        const { operations, changes } = plan(existing, desired);
        const of = (type: string) => operations.filter((op) => op.type === type);
        const moved = operations.filter(
          (op) => op.type === 'move' || (op.type === 'update' && op.from !== op.order),
        ).length;
        const kept = desired.length - changes.created;
        expect(changes).toEqual({
          created: of('create').length,
          updated: of('update').length,
          moved,
          deleted: of('delete').length,
          unchanged: kept - of('update').length - of('move').length,
        });
        expect(kept + changes.deleted).toBe(existing.length);
        const targets = operations.flatMap((op) => (op.type === 'delete' ? [] : [op.order]));
        const sources = operations.flatMap((op) => (op.type === 'delete' ? [op.from] : []));
        expect(targets).toEqual([...targets].sort((a, b) => a - b));
        expect(sources).toEqual([...sources].sort((a, b) => a - b));
        expect(operations.slice(targets.length).every((op) => op.type === 'delete')).toBe(true);
      }),
    );
  });

  it('agrees with a direct, quadratic reading of the README rules', () => {
    fc.assert(
      fc.property(scenario, ([existing, desired]) => {
        const expected = referencePlan(existing, desired);
        const actual = plan(existing, desired);
        expect(applyPlan(existing, actual)).toEqual(expected.result);
        expect(actual.changes).toEqual(expected.changes);
      }),
      { numRuns: 500 },
    );
  });
});

/**
 * The README's matching rules written as plainly as possible (linear scans, no Maps), to check
 * the optimised implementation against.
 */
function referencePlan(
  existingInput: readonly ExistingSection[],
  desired: readonly DesiredSection[],
): { result: PlannedSection[]; changes: ChangeCounts } {
  const existing = [...existingInput].sort((a, b) => a.order - b.order);
  const partnerOf: (number | undefined)[] = desired.map(() => undefined);
  const taken = existing.map(() => false);
  const take = (d: number, e: number) => {
    partnerOf[d] = e;
    taken[e] = true;
  };
  desired.forEach((item, d) => {
    const e = existing.findIndex((s, i) => !taken[i] && s.id === item.id);
    if (e >= 0) take(d, e);
  });
  const exact = (h: string) => h;
  const loose = (h: string) =>
    h
      .replace(/[ \t\n\r\v\f]+/g, ' ')
      .replace(/^ | $/g, '')
      .replace(/[A-Z]/g, (c) => c.toLowerCase());
  for (const key of [exact, loose]) {
    desired.forEach((item, d) => {
      if (partnerOf[d] !== undefined) return;
      const e = existing.findIndex((s, i) => !taken[i] && key(s.heading) === key(item.heading));
      if (e >= 0) take(d, e);
    });
  }
  desired.forEach((_, d) => {
    if (partnerOf[d] !== undefined) return;
    const e = taken.indexOf(false);
    if (e >= 0) take(d, e);
  });

  const changes = {
    created: 0,
    updated: 0,
    moved: 0,
    deleted: taken.filter((t) => !t).length,
    unchanged: 0,
  };
  const result = desired.map((item, d): PlannedSection => {
    const e = partnerOf[d];
    if (e === undefined) {
      changes.created++;
      return {
        id: null,
        order: d + 1,
        heading: item.heading,
        description: item.description ?? '',
        status: item.status ?? 'draft',
      };
    }
    const s = existing[e]!;
    const next = {
      id: s.id,
      order: d + 1,
      heading: item.heading,
      description: item.description ?? s.description,
      status: item.status ?? s.status,
    };
    const edited =
      next.heading !== s.heading || next.description !== s.description || next.status !== s.status;
    if (edited) changes.updated++;
    if (s.order !== d + 1) changes.moved++;
    if (!edited && s.order === d + 1) changes.unchanged++;
    return next;
  });
  return { result, changes };
}
