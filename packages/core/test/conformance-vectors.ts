// The conformance corpus (../conformance/*.json) as typed data, read by the TypeScript runners
// and the PL/pgSQL runner alike. The corpus is only read here, never derived.
import { readdirSync, readFileSync } from 'node:fs';
import type { PlannedSection } from '../src/plan/index.js';
import type { RenderableSection } from '../src/render/index.js';
import type {
  ChangeCounts,
  DesiredSection,
  ExistingSection,
  MasterFormat,
  PlanOperation,
  SectionLimits,
} from '../src/types.js';

export interface ExpectedError {
  code: string;
  line?: number;
  column?: number;
  index?: number;
  field?: string;
}

export interface ParseVector {
  name: string;
  input: string | null;
  limits?: Partial<SectionLimits>;
  format?: MasterFormat;
  sqlPosition?: false;
  expect: { items: DesiredSection[] } | { error: ExpectedError };
}

export interface PlanVector {
  name: string;
  existing: ExistingSection[];
  desired: DesiredSection[];
  expect: { operations: PlanOperation[]; changes: ChangeCounts; result: PlannedSection[] };
}

export interface RenderVector {
  name: string;
  sections: RenderableSection[];
  expect: string;
}

const dir = new URL('../conformance/', import.meta.url);

/** The vector files whose names start with `prefix` (`parse-`, `plan-`, `render-`), in name order. */
export function loadVectorFiles<T>(prefix: string): [file: string, vectors: T[]][] {
  return readdirSync(dir)
    .filter((file) => file.startsWith(prefix) && file.endsWith('.json'))
    .sort()
    .map((file) => [file, JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as T[]]);
}

/** Every vector of those files, as one list. */
export function loadVectors<T>(prefix: string): T[] {
  return loadVectorFiles<T>(prefix).flatMap(([, vectors]) => vectors);
}
