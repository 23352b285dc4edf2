// The whole conformance corpus (packages/core/conformance/*.json, the specification's vectors,
// read through core's own loader: one corpus, never copied) against the PL/pgSQL port, on PGlite always
// and on PostgreSQL when DATABASE_URL is set. The TypeScript runners check the same vectors
// against the specification (conformance-parse / conformance-plan tests).

import type { SyncPlan } from '@section-sync/core';
import { applyPlan } from '@section-sync/core';
import { backends, type TestDatabase } from '@section-sync/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ExpectedError,
  loadVectors,
  type ParseVector,
  type PlanVector,
  type RenderVector,
} from '../../core/test/conformance-vectors.js';
import {
  canonicalJson,
  representable,
  type SqlParseResult,
  sqlParse,
  sqlPlan,
  sqlRender,
  sqlRenderRows,
} from './sql-batch.js';

const parseVectors = loadVectors<ParseVector>('parse-');
const planVectors = loadVectors<PlanVector>('plan-');
const renderVectors = loadVectors<RenderVector>('render-');

/**
 * What the port must reproduce of an expected error: the code and every listed position, but
 * only the line where the position comes from a JSON parser (PostgreSQL reports no column).
 */
function comparableError(vector: ParseVector, error: ExpectedError): ExpectedError {
  if (vector.sqlPosition !== false) return error;
  return error.line === undefined ? { code: error.code } : { code: error.code, line: error.line };
}

/** The SQL result in the vector's terms: items, or the error's code and position fields. */
function observed(vector: ParseVector, result: SqlParseResult): unknown {
  if ('items' in result) return { items: result.items };
  const { message: _message, ...error } = result.error;
  return { error: comparableError(vector, error) };
}

function expected(vector: ParseVector): unknown {
  if ('items' in vector.expect) return { items: vector.expect.items };
  return { error: comparableError(vector, vector.expect.error) };
}

describe('conformance corpus for the SQL port', () => {
  it('has vectors of every kind, all representable in PostgreSQL text', () => {
    expect(parseVectors.length).toBeGreaterThan(200);
    expect(planVectors.length).toBeGreaterThan(50);
    expect(renderVectors.length).toBeGreaterThan(10);
    // The corpus promises no raw NUL and no lone surrogate in inputs: those cannot reach SQL.
    expect(parseVectors.filter((v) => !representable(v.input)).map((v) => v.name)).toEqual([]);
  });
});

describe.each(backends)('SQL port conformance on $name', (backend) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await backend.open();
  });
  afterAll(() => t?.close());

  it(`parse: ${parseVectors.length} vectors`, async () => {
    const results = await sqlParse(
      t.db,
      parseVectors.map((v) => ({ input: v.input, ...(v.limits ? { limits: v.limits } : {}) })),
    );
    const mismatches = parseVectors.flatMap((vector, i) => {
      const got = observed(vector, results[i]!);
      const want = expected(vector);
      return canonicalJson(got) === canonicalJson(want) ? [] : [{ name: vector.name, got, want }];
    });
    // One assertion over all vectors: a failure lists every vector that differs, by name.
    expect(mismatches).toEqual([]);
  });

  it('parse errors carry a message naming the problem and the place', async () => {
    const results = await sqlParse(t.db, [
      { input: 'A\nB\u0007C' },
      // jsonb cannot hold \u0000: the message still names the character the text has.
      { input: '[{"heading":"A","description":"x\\u0000y"}]' },
      { input: '[{"heading":"A","status":" draft "}]', limits: { maxStatusLength: 4 } },
    ]);
    expect(results).toEqual([
      {
        error: {
          code: 'control_character',
          line: 2,
          column: 2,
          message: 'Line 2, column 2: control character U+0007 is not allowed in a heading',
        },
      },
      {
        error: {
          code: 'control_character',
          index: 0,
          field: 'description',
          message:
            'Item 1 (index 0): control character U+0000 is not allowed in a description (character 2)',
        },
      },
      {
        error: {
          code: 'status_too_long',
          index: 0,
          field: 'status',
          message: 'Item 1 (index 0): "status" has 5 characters, the limit is 4',
        },
      },
    ]);
  });

  it('parse raises SQLSTATE SS001 with the position as JSON in DETAIL', async () => {
    await expect(
      t.db.query(`SELECT section_sync.parse('[{"heading":"A"},{"heading":5}]')`),
    ).rejects.toMatchObject({
      code: 'SS001',
      message: 'Item 2 (index 1): "heading" must be a string, got number',
      detail: '{"code": "invalid_item", "field": "heading", "index": 1}',
    });
  });

  it('parse reads limits from p_limits, else from the section_sync.* settings', async () => {
    const { rows } = await t.db.transaction(async (tx) => {
      await tx.query(`SELECT set_config('section_sync.max_sections', '2', true)`);
      return tx.query<{ fromSetting: unknown; fromArgument: unknown }>(
        `SELECT section_sync.parse_result(E'A\\nB\\nC') -> 'error' ->> 'code' AS "fromSetting",
                jsonb_array_length(section_sync.parse(E'A\\nB\\nC', '{"maxSections":3}')) AS "fromArgument"`,
      );
    });
    expect(rows).toEqual([{ fromSetting: 'too_many_sections', fromArgument: 3 }]);
  });

  it(`plan: ${planVectors.length} vectors`, async () => {
    const results = (await sqlPlan(
      t.db,
      planVectors.map((v) => ({ existing: v.existing, desired: v.desired })),
    )) as SyncPlan[];
    const mismatches = planVectors.flatMap((vector, i) => {
      const got = results[i]!;
      const want = { operations: vector.expect.operations, changes: vector.expect.changes };
      const same =
        canonicalJson(got) === canonicalJson(want) &&
        canonicalJson(applyPlan(vector.existing, got)) === canonicalJson(vector.expect.result);
      return same ? [] : [{ name: vector.name, got, want }];
    });
    expect(mismatches).toEqual([]);
  });

  it(`render: ${renderVectors.length} vectors, from jsonb and from rows`, async () => {
    const sections = renderVectors.map((v) => v.sections);
    const fromJson = await sqlRender(t.db, sections);
    const fromRows = await sqlRenderRows(t.db, sections);
    const want = renderVectors.map((v) => v.expect);
    expect(fromJson).toEqual(want);
    expect(fromRows).toEqual(want);
  });
});
