import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyPlan, type PlannedSection, plan } from '../src/plan/index.js';
import { type RenderableSection, render } from '../src/render/index.js';
import type { ChangeCounts, DesiredSection, ExistingSection, PlanOperation } from '../src/types.js';

// The corpus is shared with the PL/pgSQL port: these tests only read it, they never derive it.
const dir = new URL('../conformance/', import.meta.url);

interface PlanVector {
  name: string;
  existing: ExistingSection[];
  desired: DesiredSection[];
  expect: { operations: PlanOperation[]; changes: ChangeCounts; result: PlannedSection[] };
}
interface RenderVector {
  name: string;
  sections: RenderableSection[];
  expect: string;
}

function load<T>(prefix: string): [file: string, vectors: T[]][] {
  return readdirSync(dir)
    .filter((file) => file.startsWith(prefix) && file.endsWith('.json'))
    .sort()
    .map((file) => [file, JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as T[]]);
}

const planFiles = load<PlanVector>('plan-');
const renderFiles = load<RenderVector>('render-');

describe.each(planFiles)('conformance %s', (_file, vectors) => {
  it.each(vectors.map((v) => [v.name, v] as const))('%s', (_name, vector) => {
    const result = plan(vector.existing, vector.desired);
    expect(result.operations).toStrictEqual(vector.expect.operations);
    expect(result.changes).toStrictEqual(vector.expect.changes);
    expect(applyPlan(vector.existing, result)).toStrictEqual(vector.expect.result);
  });
});

describe.each(renderFiles)('conformance %s', (_file, vectors) => {
  it.each(vectors.map((v) => [v.name, v] as const))('%s', (_name, vector) => {
    expect(render(vector.sections)).toBe(vector.expect);
  });
});

describe('conformance corpus', () => {
  it('names every vector uniquely, so a failing port can report which one', () => {
    const names = [...planFiles, ...renderFiles].flatMap(([, vectors]) =>
      vectors.map((v: { name: string }) => v.name),
    );
    expect(new Set(names).size).toBe(names.length);
  });
});
