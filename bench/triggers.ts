import { performance } from 'node:perf_hooks';
import type { Db } from '@section-sync/core/postgres';
import { openPGlite, openPostgres, postgresUrl, type TestDatabase } from '@section-sync/testing';
import type { BenchResult, SuiteOptions } from './measure.js';

// The in-database sync (0003_sync.sql) against the physical floor of the same write:
//
// - master UPDATE: one `UPDATE post_development SET section_headings = ...` with a realistic
//   edit (one section renamed, one moved from near the start to near the end, so most orders
//   shift), through the master -> rows trigger (parse, plan, apply, log). Floor: the same
//   UPDATE with the triggers disabled plus one set-based upsert of every row of the result,
//   in one statement.
// - post_section statement: one UPDATE touching every row of a post, through the rows ->
//   master statement trigger (renumber, render, write the master, log). Floor: the same
//   UPDATE with the triggers disabled plus one render written to the master, in one statement.

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
 * Median time of each of `fns`, timed in turns (a, b, a, b, ...) so a busy machine slows both
 * alike, after `warmup` untimed rounds.
 */
async function interleaved(
  fns: [() => Promise<unknown>, () => Promise<unknown>],
  warmup: number,
  samples: number,
): Promise<[number, number]> {
  const times = fns.map(() => [] as number[]);
  for (let round = 0; round < warmup + samples; round++) {
    for (let f = 0; f < fns.length; f++) {
      const t0 = performance.now();
      await fns[f]!();
      if (round >= warmup) times[f]!.push(performance.now() - t0);
    }
  }
  return [median(times[0]!), median(times[1]!)];
}

const literal = (text: string): string => `'${text.replaceAll("'", "''")}'`;

// Each call is one round trip and one transaction. The floor runs with every trigger off
// (session_replication_role = replica, transaction-local); the trigger variant in the same
// wrapper with the triggers on, so both pay the same statements around the measured one.
async function run(db: Db, sql: string, triggers: boolean): Promise<void> {
  await db.exec(
    `BEGIN; SET LOCAL session_replication_role = ${triggers ? 'origin' : 'replica'}; ${sql}; COMMIT;`,
  );
}

const floorMasterUpsert = (postId: number, master: string, rows: string) => `
  WITH m AS (
    UPDATE post_development SET section_headings = ${literal(master)} WHERE post_id = ${postId}
    RETURNING post_id
  )
  INSERT INTO post_section (id, post_id, section_order, section_heading, section_description, status)
  SELECT x.id, ${postId}, x."order", x.heading, x.description, x.status
  FROM jsonb_to_recordset(${literal(rows)}::jsonb)
    AS x(id bigint, "order" int, heading text, description text, status text)
  ON CONFLICT (id) DO UPDATE SET
    section_order = EXCLUDED.section_order, section_heading = EXCLUDED.section_heading,
    section_description = EXCLUDED.section_description, status = EXCLUDED.status,
    updated_at = now()`;

const touchAll = (postId: number) => `
  UPDATE post_section SET status = CASE WHEN status = 'review' THEN 'draft' ELSE 'review' END
  WHERE post_id = ${postId}`;

const floorTouchAllRender = (postId: number) => `
  WITH u AS (
    UPDATE post_section SET status = CASE WHEN status = 'review' THEN 'draft' ELSE 'review' END
    WHERE post_id = ${postId}
    RETURNING id, section_order, section_heading, section_description, status
  )
  UPDATE post_development SET section_headings = section_sync.render((
    SELECT jsonb_agg(jsonb_build_object('id', id, 'order', section_order,
      'heading', section_heading, 'description', section_description, 'status', status)
      ORDER BY section_order) FROM u))
  WHERE post_id = ${postId}`;

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
  const samples = options.quick ? 7 : 41;
  const warmup = options.quick ? 2 : 8;
  const results: BenchResult[] = [];
  try {
    await db.exec('ALTER TABLE post_section ADD COLUMN draft_body text');
    for (const size of SIZES) {
      const triggerPost = 1000 + size;
      const floorPost = 2000 + size;
      const base = JSON.stringify(baseItems(size));
      const edited = JSON.stringify(editedItems(size));
      for (const postId of [triggerPost, floorPost]) {
        await db.query('INSERT INTO post_development (post_id, section_headings) VALUES ($1, $2)', [
          postId,
          base,
        ]);
        await db.query(
          `UPDATE post_section SET draft_body = repeat('draft ', 200) WHERE post_id = $1`,
          [postId],
        );
      }

      // The floor writes the rows the trigger arrives at, with their ids, computed up front.
      const rowsFor = async (master: string) => {
        await db.query('UPDATE post_development SET section_headings = $2 WHERE post_id = $1', [
          floorPost,
          master,
        ]);
        const { rows } = await db.query<{ rows: unknown }>(
          `SELECT jsonb_agg(jsonb_build_object('id', id, 'order', section_order,
             'heading', section_heading, 'description', section_description, 'status', status)
             ORDER BY section_order) AS rows
           FROM post_section WHERE post_id = $1`,
          [floorPost],
        );
        return JSON.stringify(rows[0]!.rows);
      };
      const editedRows = await rowsFor(edited);
      const baseRows = await rowsFor(base);

      // master UPDATE: each call flips between the two lists, so every call is the same edit.
      let triggerFlip = false;
      let floorFlip = false;
      const [triggerMs, floorMs] = await interleaved(
        [
          () => {
            triggerFlip = !triggerFlip;
            return run(
              db,
              `UPDATE post_development SET section_headings = ${literal(triggerFlip ? edited : base)}
               WHERE post_id = ${triggerPost}`,
              true,
            );
          },
          () => {
            floorFlip = !floorFlip;
            return run(
              db,
              floorMasterUpsert(
                floorPost,
                floorFlip ? edited : base,
                floorFlip ? editedRows : baseRows,
              ),
              false,
            );
          },
        ],
        warmup,
        samples,
      );

      const [touchMs, touchFloorMs] = await interleaved(
        [
          () => run(db, touchAll(triggerPost), true),
          () => run(db, floorTouchAllRender(floorPost), false),
        ],
        warmup,
        samples,
      );

      // One statement, one render: the log grows by one entry per statement, whatever N is.
      const before = await logCount(db, triggerPost);
      await db.query(touchAll(triggerPost));
      const renders = (await logCount(db, triggerPost)) - before;
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
          benchmark: `post_section UPDATE of all ${size} rows`,
          size,
          variant: `floor: UPDATE + one render, no triggers (${where})`,
          medianMs: touchFloorMs,
          ratio: 1,
        },
        {
          benchmark: `post_section UPDATE of all ${size} rows`,
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

async function logCount(db: Db, postId: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*) AS n FROM section_sync_log WHERE post_id = $1',
    [postId],
  );
  return Number(rows[0]!.n);
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
