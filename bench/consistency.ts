import { performance } from 'node:perf_hooks';
import { parse } from '@section-sync/core';
import { createStore, type Db } from '@section-sync/postgres';
import { seedCheckPost } from './baselines/index.js';
import { BENCH_MAX_SECTIONS, openBenchDatabase } from './database.js';
import {
  type BenchResult,
  type BenchSuite,
  rowsOf,
  type SuiteOptions,
  spreadOf,
} from './measure.js';

// The consistency check of a whole database at 10, 100 and 1,000 sections a post (10,000,
// 1,000 and 100 posts: 100,000 rows each), one post in 100 edited behind the sync's back so
// there is something to find.
//
//   ours       store.listSyncStatus page by page (10,000 posts a page, what `section-sync check`
//              runs): one set-based query per page comparing in the database
//   baseline   a per-post read-and-compare loop in JS: one query per post (its master and rows),
//              then core's parse and a field-by-field comparison. Timed over a sample, scaled.
//   seed       the seed design's per-post "Check data consistency" query (counts only), sampled
//
// The data is made with set-based SQL (generate_series), with section-sync's guard set so the
// triggers leave it alone; every master is the canonical render of its rows.

const SHAPES = [
  { sections: 10, posts: 10_000 },
  { sections: 100, posts: 1_000 },
  { sections: 1000, posts: 100 },
];
const PAGE = 10_000;

const generate = (sections: number) => [
  `SELECT set_config('section_sync.applying', 'on', false)`,
  `TRUNCATE post_section, post_development`,
  `INSERT INTO post_section (post_id, section_order, section_heading, section_description, status)
   SELECT p, s, format('Section %s of post %s', s, p), format('What section %s covers.', s),
          CASE WHEN s % 3 = 0 THEN 'done' ELSE 'draft' END
   FROM generate_series(1, $1::int) p, generate_series(1, ${sections}) s`,
  `INSERT INTO post_development (post_id, section_headings)
   SELECT post_id, section_sync.render(jsonb_agg(jsonb_build_object('id', id,
            'order', section_order, 'heading', section_heading,
            'description', section_description, 'status', status) ORDER BY section_order))
   FROM post_section GROUP BY post_id`,
  `UPDATE post_section SET section_heading = section_heading || ' (edited in psql)'
   WHERE post_id % 100 = 0 AND section_order = 3`,
  `SELECT set_config('section_sync.applying', '', false)`,
  'ANALYZE',
];

async function generatePosts(db: Db, sections: number, posts: number): Promise<void> {
  for (const statement of generate(sections)) {
    await db.query(statement, statement.includes('$1') ? [posts] : []);
  }
}

const READ_POST = `
  SELECT d.section_headings AS master,
         coalesce((SELECT json_agg(json_build_object('id', s.id, 'order', s.section_order,
                     'heading', s.section_heading, 'description', s.section_description,
                     'status', s.status) ORDER BY s.section_order)
                   FROM post_section s WHERE s.post_id = d.post_id), '[]') AS sections
  FROM post_development d WHERE d.post_id = $1`;

/** The naive check of one post: read it, parse its master in JS, compare field by field. */
async function jsCheckPost(db: Db, postId: number): Promise<boolean> {
  const { rows } = await db.query<{ master: string | null; sections: Row[] }>(READ_POST, [postId]);
  const post = rows[0]!;
  const items = parse(post.master, { maxSections: BENCH_MAX_SECTIONS });
  return (
    items.length === post.sections.length &&
    items.every((item, i) => {
      const row = post.sections[i]!;
      return (
        row.order === i + 1 &&
        item.heading === row.heading &&
        (item.description === undefined || item.description === row.description) &&
        (item.status === undefined || item.status === row.status)
      );
    })
  );
}

interface Row {
  id: number;
  order: number;
  heading: string;
  description: string;
  status: string;
}

/**
 * The set-based consistency check against a per-post loop in JS, in one run, at three sizes.
 *
 * @example
 * const rows = await runConsistencyBench({ quick: true });
 */
export async function runConsistencyBench(options: SuiteOptions): Promise<BenchResult[]> {
  const rounds = 3;
  const bench = await openBenchDatabase();
  const { db } = bench;
  const store = createStore(db, { limits: { maxSections: BENCH_MAX_SECTIONS } });
  const results: BenchResult[] = [];
  try {
    for (const { sections, posts } of SHAPES) {
      const t0 = performance.now();
      await generatePosts(db, sections, posts);
      const generatedIn = performance.now() - t0;
      const loopSample = Math.floor(Math.min(posts / rounds, options.quick ? 200 : 1000));
      // The loop sees what ours sees: post 100 was edited behind the sync's back, post 1 not.
      if (!(await jsCheckPost(db, 1)) || (await jsCheckPost(db, 100))) {
        throw new Error('the JS loop misjudges posts 1 and 100');
      }
      const step = Math.floor(posts / (loopSample * rounds));
      const ours: number[] = [];
      const loop: number[] = [];
      const seed: number[] = [];
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
        if (checked !== posts || inconsistent !== Math.floor(posts / 100)) {
          throw new Error(`checked ${checked} posts, ${inconsistent} inconsistent`);
        }

        // Spread over the ids (each round its own posts), so no page of the table is favoured.
        t = performance.now();
        for (let i = 0; i < loopSample; i++) {
          await jsCheckPost(db, (i * rounds + round) * step + 1);
        }
        loop.push(((performance.now() - t) / loopSample) * posts);

        t = performance.now();
        for (let i = 0; i < loopSample; i++) {
          await seedCheckPost(db, 'public', (i * rounds + round) * step + 1);
        }
        seed.push(((performance.now() - t) / loopSample) * posts);
      }

      const note = (extra: string) => `${extra}; ${bench.backend}`;
      results.push(
        ...rowsOf(`consistency check, ${sections} sections per post (whole database)`, posts, [
          {
            variant: `ours: set-based, store.listSyncStatus pages of ${PAGE.toLocaleString('en-US')}`,
            ...spreadOf(ours),
            baseline: 'baseline: per-post read-and-compare loop in JS',
            note: note(
              `${rounds} runs; data made in ${(generatedIn / 1000).toFixed(1)} s with generate_series`,
            ),
          },
          {
            variant: 'baseline: per-post read-and-compare loop in JS',
            ...spreadOf(loop),
            note: note(`${loopSample} posts a run, scaled to ${posts.toLocaleString('en-US')}`),
          },
          {
            variant: 'seed: per-post loop, its query (counts only)',
            ...spreadOf(seed),
            baseline: 'baseline: per-post read-and-compare loop in JS',
            note: note(`${loopSample} posts a run, scaled`),
          },
        ]),
      );
    }
    return results;
  } finally {
    await bench.close();
  }
}

export const consistencySuite: BenchSuite = { name: 'consistency', run: runConsistencyBench };

// Alone: `node --import tsx bench/consistency.ts [--quick]`.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.table(await runConsistencyBench({ quick: process.argv.includes('--quick') }));
}
