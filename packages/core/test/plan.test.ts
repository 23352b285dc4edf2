import { describe, expect, it } from 'vitest';
import { InvalidOperationError } from '../src/errors.js';
import { applyPlan, matchSections, normalizeHeading, plan } from '../src/plan/index.js';
import type { DesiredSection, ExistingSection, SyncPlan } from '../src/types.js';

const section = (id: string, order: number, heading: string): ExistingSection => ({
  id,
  order,
  heading,
  description: `about ${heading}`,
  status: 'draft',
});

describe('plan', () => {
  it('takes existing sections by their order, whatever the array order', () => {
    const existing = [section('2', 2, 'Setup'), section('1', 1, 'Intro')];
    const result = plan(existing, [
      { order: 1, heading: 'Intro' },
      { order: 2, heading: 'Setup' },
    ]);
    expect(result.operations).toEqual([]);
    expect(result.changes.unchanged).toBe(2);
  });

  it('pairs leftovers (step 4) in existing order even when the array is unsorted', () => {
    const existing = [section('2', 2, 'B'), section('1', 1, 'A')];
    const result = plan(existing, [
      { order: 1, heading: 'X' },
      { order: 2, heading: 'Y' },
    ]);
    expect(result.operations.map((op) => op.type === 'update' && [op.id, op.heading])).toEqual([
      ['1', 'X'],
      ['2', 'Y'],
    ]);
  });

  it('places the k-th desired item at order k, whatever its own order field says', () => {
    const result = plan([], [{ order: 7, heading: 'Only' }]);
    expect(result.operations).toEqual([
      { type: 'create', order: 1, heading: 'Only', description: '', status: 'draft' },
    ]);
  });

  it('does not modify its inputs', () => {
    const existing = [section('1', 1, 'A'), section('2', 2, 'B')];
    const desired: DesiredSection[] = [
      { order: 1, heading: 'B', description: 'new' },
      { order: 2, heading: 'C' },
    ];
    const before = structuredClone({ existing, desired });
    plan(existing, desired);
    expect({ existing, desired }).toEqual(before);
  });

  it('treats a null description, status or id like an absent one (JSON callers)', () => {
    const existing = [{ ...section('1', 1, 'A'), status: 'done' }];
    const desired = [
      { order: 1, heading: 'A', description: null, status: null, id: null },
    ] as unknown as DesiredSection[];
    expect(plan(existing, desired).operations).toEqual([]);
  });

  it('keeps a section id through a reorder plus rename of every other section', () => {
    const existing = [section('10', 1, 'Intro'), section('11', 2, 'Body'), section('12', 3, 'End')];
    const result = applyPlan(
      existing,
      plan(existing, [
        { order: 1, heading: 'End' },
        { order: 2, heading: 'Preface' },
        { order: 3, heading: 'Intro' },
      ]),
    );
    expect(result.map((s) => [s.id, s.heading, s.description])).toEqual([
      ['12', 'End', 'about End'],
      ['11', 'Preface', 'about Body'],
      ['10', 'Intro', 'about Intro'],
    ]);
  });
});

describe('applyPlan', () => {
  it('keeps sections the plan does not mention and gives new sections a null id', () => {
    const existing = [section('1', 1, 'A')];
    expect(
      applyPlan(
        existing,
        plan(existing, [
          { order: 1, heading: 'A' },
          { order: 2, heading: 'B' },
        ]),
      ),
    ).toEqual([
      { id: '1', order: 1, heading: 'A', description: 'about A', status: 'draft' },
      { id: null, order: 2, heading: 'B', description: '', status: 'draft' },
    ]);
  });

  it('rejects a plan that names a section not among existing', () => {
    const stray: SyncPlan = {
      operations: [{ type: 'delete', id: '99', from: 1 }],
      changes: { created: 0, updated: 0, moved: 0, deleted: 1, unchanged: 0 },
    };
    expect(() => applyPlan([section('1', 1, 'A')], stray)).toThrow(InvalidOperationError);
  });

  it('rejects a plan whose result would not have orders 1..n', () => {
    const existing = [section('1', 1, 'A'), section('2', 2, 'B')];
    const clash: SyncPlan = {
      operations: [{ type: 'move', id: '2', from: 2, order: 1 }],
      changes: { created: 0, updated: 0, moved: 1, deleted: 0, unchanged: 1 },
    };
    expect(() => applyPlan(existing, clash)).toThrow(/orders must be 1\.\.2/);
  });
});

describe('normalizeHeading (step 3 key)', () => {
  it.each([
    ['  The\t  INTRO ', 'the intro'],
    ['\tSummary\n', 'summary'],
    ['Über ALLES', 'Über alles'],
    ['ÄRGER', 'Ärger'],
    ['Big\u00a0Idea', 'big\u00a0idea'],
    ['', ''],
    ['   ', ''],
  ])('%j -> %j', (heading, key) => {
    expect(normalizeHeading(heading)).toBe(key);
  });
});

describe('matchSections', () => {
  it('reports the partner of every item on both sides, -1 for creates and deletes', () => {
    const match = matchSections(
      [section('1', 1, 'Intro'), section('2', 2, 'Gone'), section('3', 3, 'Old')],
      [
        { order: 1, heading: 'intro' },
        { order: 2, heading: 'Old' },
      ],
    );
    expect([...match.existingOf]).toEqual([0, 2]);
    expect([...match.desiredOf]).toEqual([0, -1, 1]);
  });
});
