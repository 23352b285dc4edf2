import { performance } from 'node:perf_hooks';
import { createStore, type Db } from '@section-sync/postgres';
import { seedCheckPost } from './baselines/index.js';
import { openBenchDatabase } from './database.js';
import { type BenchResult, type BenchSuite, median, rowsOf, type SuiteOptions } from './measure.js';

// The consistency check of a whole database: 100,000 posts x 8 sections (quick: 10,000), one
// post in 1,000 edited behind the sync's back so there is something to find.
//
//   ours       store.listSyncStatus page by page (10,000 posts a page, as `section-sync check`):
//              one set-based query per page comparing every field of every section
//   baseline   what the seed design does: one query per post from the app, its "Check data
//              consistency" query (counts only). Timed over a sample of posts, scaled to all.
//   ours, per post   store.checkPost in the same loop (GET /posts/:id/sync-status): what the
//              check would cost done post by post with our comparison (sampled, scaled).
//
// The data is made with set-based SQL (generate_series), with section-sync's guard set so the
// triggers leave it alone; every master is the canonical render of its rows.

const SECTIONS = 8;
const PAGE = 10_000;

const GENERATE = [
  `SELECT set_config('section_sync.applying', 'on', false)`,
  `INSERT INTO post_section (post_id, section_order, section_heading, section_description, status)
   SELECT p, s, format('Section %s of post %s', s, p), format('What section %s covers.', s),
          CASE WHEN s % 3 = 0 THEN 'done' ELSE 'draft' END
   FROM generate_series(1, $1::int) p, generate_series(1, ${SECTIONS}) s`,
  `INSERT INTO post_development (post_id, section_headings)
   SELECT post_id, section_sync.render(jsonb_agg(jsonb_build_object('id', id,
            'order', section_order, 'heading', section_heading,
            'description', section_description, 'status', status) ORDER BY section_order))
   FROM post_section GROUP BY post_id`,
  `UPDATE post_section SET section_heading = section_heading || ' (edited in psql)'
   WHERE post_id % 1000 = 0 AND section_order = 3`,
  `SELECT set_config('section_sync.applying', '', false)`,
  'ANALYZE',
];

async function generate(db: Db, posts: number): Promise<void> {
  for (const statement of GENERATE) {
    await db.query(statement, statement.includes('$1') ? [posts] : []);
  }
}

/**
 * The set-based consistency check against the seed's per-post loop, in one run.
 *
 * @example
 * const rows = await runConsistencyBench({ quick: true });
 */
export async function runConsistencyBench(options: SuiteOptions): Promise<BenchResult[]> {
  const posts = options.quick ? 10_000 : 100_000;
  const rounds = 3;
  const loopSample = options.quick ? 600 : 3_000; // posts per round
  const ourLoopSample = options.quick ? 6 : 8;
  const bench = await openBenchDatabase();
  const { db } = bench;
  const store = createStore(db);
  try {
    const t0 = performance.now();
    await generate(db, posts);
    const generatedIn = performance.now() - t0;

    const ours: number[] = [];
    const loop: number[] = [];
    const ourLoop: number[] = [];
    const step = Math.floor(posts / (loopSample * rounds));
    const stepOurs = Math.floor(posts / (ourLoopSample * rounds));
    for (let round = 0; round < rounds; round++) {
      let t = performance.now();
      let inconsistent = 0;
      let checked = 0;
      for (let cursor: number | null = 0; cursor !== null; ) {
        const page = await store.listSyncStatus({ cursor, limit: PAGE });
        checked += page.items.length;
        inconsistent += page.items.filter((s) => s.status !== 'OK').length;
        cursor = page.nextCursor;
      }
      ours.push(performance.now() - t);
      if (checked !== posts || inconsistent !== Math.floor(posts / 1000)) {
        throw new Error(`checked ${checked} posts, ${inconsistent} inconsistent`);
      }

      // Spread over the ids (each round its own posts), so no page of the table is favoured.
      t = performance.now();
      for (let i = 0; i < loopSample; i++) {
        await seedCheckPost(db, 'public', (i * rounds + round) * step + 1);
      }
      loop.push(((performance.now() - t) / loopSample) * posts);

      t = performance.now();
      for (let i = 0; i < ourLoopSample; i++) {
        await store.checkPost((i * rounds + round) * stepOurs + 1);
      }
      ourLoop.push(((performance.now() - t) / ourLoopSample) * posts);
    }

    const note = (extra: string) => `${extra}; ${bench.backend}`;
    return rowsOf(`consistency check, ${SECTIONS} sections per post (whole database)`, posts, [
      {
        variant: `ours: set-based, store.listSyncStatus pages of ${PAGE.toLocaleString('en-US')}`,
        medianMs: median(ours),
        baseline: 'baseline: per-post loop, seed query (counts only)',
        note: note(
          `${rounds} runs; data made in ${(generatedIn / 1000).toFixed(1)} s with generate_series`,
        ),
      },
      {
        variant: 'baseline: per-post loop, seed query (counts only)',
        medianMs: median(loop),
        note: note(`${loopSample} posts a run, scaled to ${posts.toLocaleString('en-US')}`),
      },
      {
        variant: 'ours, per post: store.checkPost in a loop',
        medianMs: median(ourLoop),
        baseline: 'baseline: per-post loop, seed query (counts only)',
        note: note(`${ourLoopSample} posts a run, scaled to ${posts.toLocaleString('en-US')}`),
      },
    ]);
  } finally {
    await bench.close();
  }
}

export const consistencySuite: BenchSuite = { name: 'consistency', run: runConsistencyBench };

// Alone: `node --import tsx bench/consistency.ts [--quick]`.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.table(await runConsistencyBench({ quick: process.argv.includes('--quick') }));
}
