import { performance } from 'node:perf_hooks';
import { createStore, type Db } from '@section-sync/postgres';
import { installSeedBaselines, seedSchemas, seedSyncEndpoint } from './baselines/index.js';
import { BENCH_MAX_SECTIONS, openBenchDatabase } from './database.js';
import { type BenchResult, type BenchSuite, median, rowsOf, type SuiteOptions } from './measure.js';

// Throughput over many posts: posts whose master holds 20 sections and that have no rows yet
// (a fresh import, or a repair after the rows were lost) are synced master -> rows in batches.
//
//   ours       store.bulkSync({ direction: 'to_sections', batchSize: 100 }): one statement per
//              batch (locks, then each post in its own subtransaction: parse, plan, apply, log)
//   baseline   the seed's endpoint per post: read the master, DELETE, one INSERT per section,
//              commit (24 round trips per post)
//   floor      one INSERT ... SELECT per 100 posts straight from the masters' JSON, no triggers
//
// The posts are made with set-based SQL (generate_series), with section-sync's guard set so
// the triggers leave them alone, in tables that already hold as many other posts' rows.
// Chunks of posts are timed in turns (ours, floor, baseline); every chunk syncs posts not
// synced before, so every call does the same work.

const SECTIONS = 20;
const BATCH = 100;

const generateMasters = (table: string) => `
  INSERT INTO ${table} (post_id, section_headings)
  SELECT p, (
    SELECT jsonb_agg(jsonb_build_object(
      'order', s, 'heading', format('Section %s of post %s', s, p),
      'description', format('What section %s covers, a sentence or two.', s),
      'status', 'draft') ORDER BY s)
    FROM generate_series(1, ${SECTIONS}) s)::text
  FROM generate_series(1, $1::int) p`;

const EXISTING = 1_000_000;

/** Rows of `posts` posts that are not part of the sync (ids from EXISTING up). */
const generateRows = (table: string) => `
  INSERT INTO ${table} (post_id, section_order, section_heading, section_description, status)
  SELECT ${EXISTING} + p, s, format('Section %s of post %s', s, p),
         format('What section %s covers, a sentence or two.', s), 'draft'
  FROM generate_series(1, $1::int) p, generate_series(1, ${SECTIONS}) s`;

const FLOOR_BATCH = `
  INSERT INTO floor_section (post_id, section_order, section_heading, section_description, status)
  SELECT d.post_id, x."order", x.heading, x.description, x.status
  FROM floor_development d,
    jsonb_to_recordset(d.section_headings::jsonb)
      AS x("order" int, heading text, description text, status text)
  WHERE d.post_id = ANY ($1::bigint[])`;

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

async function count(db: Db, table: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0]!.n;
}

/**
 * Posts per second of a bulk master -> rows sync: 10,000 posts x 20 sections (quick: 1,000).
 *
 * @example
 * const rows = await runThroughputBench({ quick: true });
 */
export async function runThroughputBench(options: SuiteOptions): Promise<BenchResult[]> {
  const posts = options.quick ? 1_000 : 10_000;
  const chunk = options.quick ? 250 : 1_000;
  const baselineChunk = options.quick ? 25 : 100;
  const chunks = posts / chunk;
  const bench = await openBenchDatabase();
  const { db } = bench;
  const store = createStore(db, { limits: { maxSections: BENCH_MAX_SECTIONS } });
  try {
    await installSeedBaselines(db);
    await db.exec(`
      CREATE TABLE floor_development (LIKE post_development INCLUDING ALL);
      CREATE TABLE floor_section (LIKE post_section INCLUDING ALL);`);
    // The guard: our triggers see our own write and stay out (rows come from the bulk sync).
    await db.exec(`SELECT set_config('section_sync.applying', 'on', false)`);
    await db.query(generateMasters('post_development'), [posts]);
    await db.query(generateMasters('floor_development'), [posts]);
    await db.query(generateMasters(`${seedSchemas.app}.post_development`), [
      chunks * baselineChunk,
    ]);
    // The new posts join a database that already holds posts with rows: without them the
    // statistics would say post_section is empty, and the cached plans of every variant would
    // scan the whole (growing) table for each post.
    for (const table of ['post_section', 'floor_section', `${seedSchemas.app}.post_section`]) {
      await db.query(generateRows(table), [posts]);
    }
    await db.exec(`SELECT set_config('section_sync.applying', '', false)`);
    await db.exec('ANALYZE');

    const times: [number[], number[], number[]] = [[], [], []];
    const variants = [
      async (c: number) => {
        const outcome = await store.bulkSync({
          postIds: range(c * chunk + 1, chunk),
          direction: 'to_sections',
          batchSize: BATCH,
        });
        if (outcome.failed > 0) throw new Error(`bulk sync: ${outcome.failed} posts failed`);
        return chunk;
      },
      async (c: number) => {
        for (let b = 0; b < chunk; b += BATCH) {
          await db.query(FLOOR_BATCH, [range(c * chunk + b + 1, Math.min(BATCH, chunk - b))]);
        }
        return chunk;
      },
      async (c: number) => {
        for (const postId of range(c * baselineChunk + 1, baselineChunk)) {
          await seedSyncEndpoint(db, postId);
        }
        return baselineChunk;
      },
    ];
    for (let c = 0; c < chunks; c++) {
      for (let k = 0; k < variants.length; k++) {
        const i = (c + k) % variants.length;
        const t0 = performance.now();
        const done = await variants[i]!(c);
        times[i as 0 | 1 | 2].push((performance.now() - t0) / done);
      }
    }
    const expected = posts * SECTIONS * 2;
    const made = await count(db, 'post_section');
    if (made !== expected) throw new Error(`bulk sync made ${made} rows, not ${expected}`);

    const [ours, floor, baseline] = times.map(median) as [number, number, number];
    const rate = (msPerPost: number) =>
      `${Math.round(1000 / msPerPost).toLocaleString('en-US')} posts/s`;
    return rowsOf(`bulk master -> rows, ${SECTIONS} sections per post (ms per post)`, posts, [
      {
        variant: 'floor: one INSERT ... SELECT per 100 posts, no triggers',
        medianMs: floor,
        floor: true,
        note: rate(floor),
      },
      {
        variant: `ours: store.bulkSync, batches of ${BATCH}`,
        medianMs: ours,
        baseline: 'baseline: seed endpoint per post (read, delete, insert per row)',
        note: `${rate(ours)}; median of ${chunks} chunks of ${chunk} posts`,
      },
      {
        variant: 'baseline: seed endpoint per post (read, delete, insert per row)',
        medianMs: baseline,
        note: `${rate(baseline)}; ${chunks} chunks of ${baselineChunk} posts`,
      },
    ]).map((r) => ({ ...r, note: `${r.note}; ${bench.backend}` }));
  } finally {
    await bench.close();
  }
}

export const throughputSuite: BenchSuite = { name: 'throughput', run: runThroughputBench };

// Alone: `node --import tsx bench/throughput.ts [--quick]`.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.table(await runThroughputBench({ quick: process.argv.includes('--quick') }));
}
