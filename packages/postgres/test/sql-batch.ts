// Batched calls of the PL/pgSQL port (sql/functions/10_pure.sql): one round trip runs a whole
// list of cases, so the conformance and differential tests stay fast on PGlite.

import type { SectionLimits } from '@section-sync/core';
import type { Db } from '../src/index.js';

/** What `section_sync.parse_result` returns: the items, or the error of SQLSTATE SS001. */
export type SqlParseResult =
  | { items: Record<string, unknown>[] }
  | {
      error: {
        code: string;
        message: string;
        line?: number;
        column?: number;
        index?: number;
        field?: string;
      };
    };

export interface ParseCase {
  input: string | null;
  limits?: Partial<SectionLimits>;
}

export interface PlanCase {
  existing: readonly object[];
  desired: readonly object[];
}

async function batch<T>(db: Db, call: string, cases: readonly unknown[]): Promise<T[]> {
  const { rows } = await db.query<{ results: T[] }>(
    `SELECT coalesce(jsonb_agg(${call} ORDER BY x.n), '[]'::jsonb) AS results
     FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(c, n)`,
    [JSON.stringify(cases)],
  );
  const results = rows[0]!.results;
  if (results.length !== cases.length) throw new Error('batch lost cases');
  return results;
}

/** `section_sync.parse_result` of every case, in order. */
export function sqlParse(db: Db, cases: readonly ParseCase[]): Promise<SqlParseResult[]> {
  return batch(db, "section_sync.parse_result(x.c ->> 'input', x.c -> 'limits')", cases);
}

/** `section_sync.plan` of every case, in order. */
export function sqlPlan(db: Db, cases: readonly PlanCase[]): Promise<unknown[]> {
  return batch(db, "section_sync.plan(x.c -> 'existing', x.c -> 'desired')", cases);
}

/** `section_sync.render` of every list of sections, in order. */
export function sqlRender(db: Db, cases: readonly (readonly object[])[]): Promise<string[]> {
  return batch(db, 'to_jsonb(section_sync.render(x.c))', cases);
}

/** `render_section` over the rows of every list (the trigger path), in order. */
export function sqlRenderRows(db: Db, cases: readonly (readonly object[])[]): Promise<string[]> {
  return batch(
    db,
    `to_jsonb((
       SELECT '[' || coalesce(string_agg(
         section_sync.render_section(r.id, r."order", r.heading, r.description, r.status),
         ',' ORDER BY r.n), '') || ']'
       FROM ROWS FROM (jsonb_to_recordset(x.c)
         AS (id bigint, "order" bigint, heading text, description text, status text))
         WITH ORDINALITY AS r(id, "order", heading, description, status, n)
     ))`,
    cases,
  );
}

/**
 * Whether PostgreSQL `text` can hold the string: no U+0000 and no lone UTF-16 surrogate (the
 * driver would fail or write U+FFFD). Such inputs are out of the SQL port's domain.
 */
export function representable(text: string | null): boolean {
  return text === null || !UNREPRESENTABLE.test(text);
}

// With the `u` flag a class of surrogates matches only unpaired ones.
const UNREPRESENTABLE = /[\u0000\u{d800}-\u{dfff}]/u;

/**
 * JSON text of a value with every object's keys sorted: equal for equal values whatever the key
 * order (jsonb reorders keys) and with `-0` as `0`, as JSON has it.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
