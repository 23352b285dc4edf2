import { performance } from 'node:perf_hooks';
import type { Db } from '@section-sync/core/postgres';
import { openPGlite, openPostgres, postgresUrl, type TestDatabase } from '@section-sync/testing';
import type { BenchResult, SuiteOptions } from './measure.js';

// The in-database sync (0003_sync.sql) against the physical floor of the same write:
//
// - master UPDATE: one `UPDATE post_development SET section_headings = ...` with a realistic
//   edit (one section renamed, one moved from position 2 to n-1, so most orders shift) through
//   the master -> rows trigger (parse, plan, apply, log). Floor: the same UPDATE plus one
//   set-based upsert of every row of the result, in one statement, on tables without triggers.
// - post_section statement: one UPDATE touching every row of a post through the rows -> master
//   statement trigger (renumber, render, write the master, log). Floor: the same UPDATE plus
//   one render written to the master, in one statement, on tables without triggers.
//
// The floor runs on twin tables (floor_development / floor_section: same columns, indexes and
// constraints, same rows and ids, no triggers) rather than with triggers switched off, because
// switching (ALTER TABLE, session_replication_role) flushes the plan caches of the other side.
// Every section carries a 1,200-character host column (its draft), which the log snapshots copy.

const SIZES = [10, 100, 500];

interface Item {
  order: number;
  heading: string;
  description: string;
  status: string;
}

function baseItems(size: number): Item[] {
  return Array.from({ length: size }, (_, i) => ({
    order: i + 1,
    heading: `Section ${i + 1}: what it covers`,
    description: `Notes for section ${i + 1}, a sentence or two of planning.`,
    status: i % 3 ? 'draft' : 'done',
  }));
}

/** The base list with one section renamed and one moved from position 2 to position n-1. */
function editedItems(size: number): Item[] {
  const items = baseItems(size).map((item) => ({ ...item }));
  const renamed = Math.floor(size / 3);
  items[renamed]!.heading = `${items[renamed]!.heading} (renamed)`;
  const [moved] = items.splice(1, 1);
  items.splice(size - 2, 0, moved!);
  return items.map((item, i) => ({ ...item, order: i + 1 }));
}

const median = (times: number[]): number => {
  const sorted = [...times].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/**
 * Median time of each of two calls, timed in turns (a, b, a, b, ...) so that a busy machine
 * slows both alike, after `warmup` untimed rounds.
 */
async function interleaved(
  fns: [() => Promise<unknown>, () => Promise<unknown>],
  warmup: number,
  samples: number,
): Promise<[number, number]> {
  const times: [number[], number[]] = [[], []];
  for (let round = 0; round < warmup + samples; round++) {
    for (const f of [0, 1] as const) {
      const t0 = performance.now();
      await fns[f]();
      if (round >= warmup) times[f].push(performance.now() - t0);
    }
  }
  return [median(times[0]), median(times[1])];
}

const SETUP_FLOOR = `
  CREATE TABLE floor_development (LIKE post_development INCLUDING ALL);
  CREATE TABLE floor_section (LIKE post_section INCLUDING ALL);
  ALTER TABLE floor_section ADD UNIQUE (post_id, section_order) DEFERRABLE INITIALLY DEFERRED;`;

const FLOOR_MASTER_UPSERT = `
  WITH m AS (
    UPDATE floor_development SET section_headings = $2 WHERE post_id = $1 RETURNING post_id
  )
  INSERT INTO floor_section (id, post_id, section_order, section_heading, section_description, status)
  SELECT x.id, $1, x."order", x.heading, x.description, x.status
  FROM jsonb_to_recordset($3::jsonb)
    AS x(id bigint, "order" int, heading text, description text, status text)
  ON CONFLICT (id) DO UPDATE SET
    section_order = EXCLUDED.section_order, section_heading = EXCLUDED.section_heading,
    section_description = EXCLUDED.section_description, status = EXCLUDED.status,
    updated_at = now()`;

const TOUCH_ALL = `
  UPDATE post_section SET status = CASE WHEN status = 'review' THEN 'draft' ELSE 'review' END
  WHERE post_id = $1`;

const FLOOR_TOUCH_ALL_RENDER = `
  WITH u AS (
    UPDATE floor_section SET status = CASE WHEN status = 'review' THEN 'draft' ELSE 'review' END
    WHERE post_id = $1
    RETURNING id, section_order, section_heading, section_description, status
  )
  UPDATE floor_development SET section_headings = section_sync.render((
    SELECT jsonb_agg(jsonb_build_object('id', id, 'order', section_order,
      'heading', section_heading, 'description', section_description, 'status', status)
      ORDER BY section_order) FROM u))
  WHERE post_id = $1`;

/** The rows (with ids) the trigger leaves for a master: what the floor writes directly. */
async function rowsAfter(db: Db, postId: number, master: string): Promise<string> {
  await db.query('UPDATE post_development SET section_headings = $2 WHERE post_id = $1', [
    postId,
    master,
  ]);
  const { rows } = await db.query<{ rows: unknown }>(
    `SELECT jsonb_agg(jsonb_build_object('id', id, 'order', section_order,
       'heading', section_heading, 'description', section_description, 'status', status)
       ORDER BY section_order) AS rows
     FROM post_section WHERE post_id = $1`,
    [postId],
  );
  return JSON.stringify(rows[0]!.rows);
}

async function logCount(db: Db, postId: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*) AS n FROM section_sync_log WHERE post_id = $1',
    [postId],
  );
  return Number(rows[0]!.n);
}

/**
 * Trigger benchmarks on PostgreSQL when `DATABASE_URL` is set, else on PGlite. Ratios are
 * against the floor of the same size (goal: within 1.5x at 100 and 500 sections).
 *
 * @example
 * const rows = await runTriggerBench({ quick: true });
 */
export async function runTriggerBench(options: SuiteOptions): Promise<BenchResult[]> {
  const t: TestDatabase = postgresUrl ? await openPostgres() : await openPGlite();
  const db = t.db;
  const where = t.backend;
  const samples = options.quick ? 9 : 41;
  const warmup = options.quick ? 3 : 8;
  const results: BenchResult[] = [];
  try {
    await db.exec('ALTER TABLE post_section ADD COLUMN draft_body text');
    await db.exec(SETUP_FLOOR);
    for (const size of SIZES) {
      const postId = size;
      const base = JSON.stringify(baseItems(size));
      const edited = JSON.stringify(editedItems(size));
      await db.query('INSERT INTO post_development (post_id, section_headings) VALUES ($1, $2)', [
        postId,
        base,
      ]);
      await db.query(
        `UPDATE post_section SET draft_body = repeat('draft ', 200) WHERE post_id = $1`,
        [postId],
      );
      const editedRows = await rowsAfter(db, postId, edited);
      const baseRows = await rowsAfter(db, postId, base);
      await db.query(
        `INSERT INTO floor_development SELECT * FROM post_development WHERE post_id = $1;`,
        [postId],
      );
      await db.query('INSERT INTO floor_section SELECT * FROM post_section WHERE post_id = $1', [
        postId,
      ]);

      // master UPDATE: each call flips between the two lists, so every call is the same edit.
      let triggerFlip = false;
      let floorFlip = false;
      const [triggerMs, floorMs] = await interleaved(
        [
          () => {
            triggerFlip = !triggerFlip;
            return db.query(
              'UPDATE post_development SET section_headings = $2 WHERE post_id = $1',
              [postId, triggerFlip ? edited : base],
            );
          },
          () => {
            floorFlip = !floorFlip;
            return db.query(FLOOR_MASTER_UPSERT, [
              postId,
              floorFlip ? edited : base,
              floorFlip ? editedRows : baseRows,
            ]);
          },
        ],
        warmup,
        samples,
      );

      const [touchMs, touchFloorMs] = await interleaved(
        [() => db.query(TOUCH_ALL, [postId]), () => db.query(FLOOR_TOUCH_ALL_RENDER, [postId])],
        warmup,
        samples,
      );

      // One statement, one render: the log grows by one entry per statement, whatever N is.
      const before = await logCount(db, postId);
      await db.query(TOUCH_ALL, [postId]);
      const renders = (await logCount(db, postId)) - before;
      if (renders !== 1) throw new Error(`one statement on ${size} rows logged ${renders} syncs`);

      results.push(
        {
          benchmark: 'master UPDATE, rename one + move one',
          size,
          variant: `floor: UPDATE + set-based upsert, no triggers (${where})`,
          medianMs: floorMs,
          ratio: 1,
        },
        {
          benchmark: 'master UPDATE, rename one + move one',
          size,
          variant: `trigger: parse, plan, apply, log (${where})`,
          medianMs: triggerMs,
          ratio: triggerMs / floorMs,
        },
        {
          benchmark: 'post_section UPDATE of every row',
          size,
          variant: `floor: UPDATE + one render, no triggers (${where})`,
          medianMs: touchFloorMs,
          ratio: 1,
        },
        {
          benchmark: 'post_section UPDATE of every row',
          size,
          variant: `statement trigger: renumber, one render, log (${where})`,
          medianMs: touchMs,
          ratio: touchMs / touchFloorMs,
        },
      );
    }
    return results;
  } finally {
    await t.close();
  }
}

// `node --import tsx bench/triggers.ts [--quick]` runs this suite alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await runTriggerBench({ quick: process.argv.includes('--quick') });
  for (const r of rows) {
    console.log(
      `| ${r.benchmark} | ${r.size} | ${r.variant} | ${r.medianMs.toFixed(2)} | ${r.ratio?.toFixed(2)}x |`,
    );
  }
}
