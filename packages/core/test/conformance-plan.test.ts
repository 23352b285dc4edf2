import { describe, expect, it } from 'vitest';
import { applyPlan, plan } from '../src/plan/index.js';
import { render } from '../src/render/index.js';
import { loadVectorFiles, type PlanVector, type RenderVector } from './conformance-vectors.js';

const planFiles = loadVectorFiles<PlanVector>('plan-');
const renderFiles = loadVectorFiles<RenderVector>('render-');

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
