// rows -> master has a fast path for plain-SQL UPDATEs of content only (section_sync.
// sync_content_only): these hold it to the full statement of sync_rows, which it must equal in
// everything a caller sees (master, version, rows, the log entry, the answer). Each random
// statement runs twice on the same post: first with the fast path off in a transaction that is
// rolled back, then as a writer would run it, and the two outcomes are compared. A failure
// prints the seed (SECTION_SYNC_SEED=<n> replays it).

import { backends, type TestDatabase } from '@section-sync/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/index.js';

const seed = Number(process.env.SECTION_SYNC_SEED ?? Math.floor(Math.random() * 2 ** 31));
const POSTS = 40;
const STATEMENTS_PER_POST = 4;

/** What a caller can see of one post after a write. */
async function outcome(db: Db, postId: number) {
  const { rows } = await db.query<{ outcome: unknown }>(
    `SELECT jsonb_build_object(
       'post', (SELECT jsonb_build_object('master', d.section_headings,
                                          'version', d.section_sync_version)
                FROM post_development d WHERE d.post_id = $1),
       'rows', (SELECT jsonb_agg(jsonb_build_object('id', s.id, 'order', s.section_order,
                  'heading', s.section_heading, 'description', s.section_description,
                  'status', s.status) ORDER BY s.section_order, s.id)
                FROM post_section s WHERE s.post_id = $1),
       'log', (SELECT jsonb_agg(jsonb_build_object('direction', l.direction, 'origin', l.origin,
                  'outcome', l.outcome, 'changes', l.changes, 'before', l.before,
                  'after', l.after) ORDER BY l.id)
               FROM section_sync.log l WHERE l.post_id = $1),
       'lastResult', nullif(current_setting('section_sync.last_result', true), '')::jsonb
         - 'logId') AS outcome`,
    [postId],
  );
  return rows[0]!.outcome;
}

class RolledBack extends Error {}

/** Values a plain-SQL writer may set: same, new, padded, blank, NULL, what NULL renders as. */
const heading = fc.constantFrom('Intro', 'Setup', '  Padded  ', 'Ünïcode ✓', ' ', null, 'New one');
const description = fc.constantFrom(null, '', 'how', 'a "quoted"\nline');
const status = fc.constantFrom(null, 'draft', 'done', ' review ');

interface Assignment {
  rows: number[];
  heading?: string | null;
  description?: string | null;
  status?: string | null;
  order?: number;
}

const assignment: fc.Arbitrary<Assignment> = fc.record(
  {
    rows: fc.uniqueArray(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 3 }),
    heading,
    description,
    status,
    // Rarely: a statement that moves a row, which the fast path must leave to the full one.
    order: fc.integer({ min: 1, max: 6 }),
  },
  { requiredKeys: ['rows'] },
);

function statement(postId: number, a: Assignment): { sql: string; params: unknown[] } {
  const params: unknown[] = [postId, a.rows];
  const sets: string[] = [];
  const set = (column: string, value: unknown) => {
    params.push(value);
    sets.push(`${column} = $${params.length}`);
  };
  if (a.heading !== undefined) set('section_heading', a.heading);
  if (a.description !== undefined) set('section_description', a.description);
  if (a.status !== undefined) set('status', a.status);
  if (a.order !== undefined && a.rows.length === 1 && a.rows[0]! % 3 === 0) {
    set('section_order', a.order);
  }
  if (sets.length === 0) set('section_heading', 'Only heading');
  return {
    sql: `UPDATE post_section SET ${sets.join(', ')}
          WHERE post_id = $1 AND section_order = ANY ($2::int[])`,
    params,
  };
}

describe.each(backends)('rows -> master content fast path on $name', (backend) => {
  let t: TestDatabase;
  let db: Db;
  beforeAll(async () => {
    t = await backend.open();
    db = t.db;
    // A host's table may allow NULL where the product schema does not: the syncs read NULL as
    // what it renders as, and both paths must agree on that too.
    await db.exec(`ALTER TABLE post_section ALTER COLUMN section_heading DROP NOT NULL,
                     ALTER COLUMN section_description DROP NOT NULL,
                     ALTER COLUMN status DROP NOT NULL`);
  });
  afterAll(() => t?.close());

  it('applies to a content UPDATE of a post in order, and not to one with a gap', async () => {
    await db.query(`INSERT INTO post_development (post_id, section_headings)
                    VALUES (1, '["A", "B", "C"]'), (2, '["A", "B", "C"]')`);
    const attempt = (postId: number) =>
      db
        .transaction(async (tx) => {
          await tx.query(`SELECT set_config('section_sync.applying', 'on', true)`);
          // A gap, as a writer with the triggers off could leave it.
          if (postId === 2) {
            await tx.query(
              'UPDATE post_section SET section_order = 4 WHERE post_id = 2 AND section_order = 3',
            );
          }
          const { rows } = await tx.query<{ ids: string[]; old_rows: unknown }>(
            `SELECT array_agg(id) AS ids, jsonb_agg(to_jsonb(s)) AS old_rows
           FROM post_section s WHERE post_id = $1 AND section_order = 1`,
            [postId],
          );
          await tx.query(
            `UPDATE post_section SET section_heading = 'A2' WHERE post_id = $1 AND section_order = 1`,
            [postId],
          );
          const { rows: result } = await tx.query<{ result: Record<string, unknown> | null }>(
            `SELECT section_sync.sync_content_only($1, (SELECT section_headings FROM post_development
             WHERE post_id = $1), $2::bigint[], $3::jsonb, 'to_development') AS result`,
            [postId, rows[0]!.ids, JSON.stringify(rows[0]!.old_rows)],
          );
          throw Object.assign(new RolledBack(), { result: result[0]!.result });
        })
        .catch((error: unknown) => {
          if (error instanceof RolledBack)
            return (error as RolledBack & { result: unknown }).result;
          throw error;
        });
    expect(await attempt(1)).toMatchObject({
      '1': {
        changes: { created: 0, updated: 1, moved: 0, deleted: 0, unchanged: 2 },
        masterWritten: true,
      },
    });
    expect(await attempt(2)).toBeNull();
  });

  it('leaves everything as the full statement leaves it, for random writes', async () => {
    const cases = fc.sample(
      fc.record({
        rows: fc.array(fc.record({ heading, description, status }), {
          minLength: 1,
          maxLength: 6,
        }),
        writes: fc.array(assignment, {
          minLength: STATEMENTS_PER_POST,
          maxLength: STATEMENTS_PER_POST,
        }),
      }),
      { numRuns: POSTS, seed },
    );
    for (const [i, c] of cases.entries()) {
      const postId = 100 + i;
      // Rows inserted by plain SQL, NULLs and padding included (the rules trigger trims).
      for (const [k, row] of c.rows.entries()) {
        await db.query(
          `INSERT INTO post_section (post_id, section_order, section_heading, section_description, status)
           VALUES ($1, $2, $3, $4, $5)`,
          [postId, k + 1, row.heading, row.description, row.status],
        );
      }
      for (const write of c.writes) {
        const { sql, params } = statement(postId, write);
        const full = await db
          .transaction(async (tx) => {
            await tx.query(`SELECT set_config('section_sync.content_fast_path', 'off', true)`);
            await tx.query(sql, params);
            throw Object.assign(new RolledBack(), { outcome: await outcome(tx, postId) });
          })
          .catch((error: unknown) => {
            if (error instanceof RolledBack)
              return (error as RolledBack & { outcome: unknown }).outcome;
            throw error;
          });
        const fast = await db.transaction(async (tx) => {
          await tx.query(sql, params);
          return outcome(tx, postId);
        });
        expect(fast, `seed ${seed}, post ${postId}: ${sql} ${JSON.stringify(params)}`).toEqual(
          full,
        );
      }
    }
  });
});
