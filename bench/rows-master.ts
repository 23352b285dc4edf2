import { render } from '@section-sync/core';
import type { Db } from '@section-sync/postgres';
import { installSeedBaselines, seedSchemas } from './baselines/index.js';
import { openBenchDatabase } from './database.js';
import {
  type BenchResult,
  type BenchSuite,
  interleavedSpread,
  rowsOf,
  type SuiteOptions,
} from './measure.js';
import {
  assertSameShape,
  baseItems,
  DRAFT,
  flipper,
  logCount,
  makePost,
  type Row,
  rowsOf as readRows,
  SETUP_TWINS,
} from './twins.js';

// rows -> master: ONE row UPDATE by plain SQL (the heading of the middle section, renamed and
// back), as a person in psql or a worker writing rows does. Timed in turns:
//
//   floor     the same UPDATE plus one master UPDATE (the new master, rendered beforehand), one
//             statement, on twin tables without triggers
//   ours      the same UPDATE through our statement trigger (renumber, render, write, log)
//   seed      the original design with both directions installed (primary + secondary
//             triggers): the row's trigger re-renders the master, whose trigger rewrites every
//             row by position, each of which re-renders the master again. Sampled less.
//
// Checked afterwards: our master is the canonical rendering of the rows, and every call logged
// one entry.

const SIZES = [100, 1000];

const rename = (table: string) => `UPDATE ${table} SET section_heading = $2 WHERE id = $1`;

const FLOOR = `
  WITH u AS (UPDATE floor_section SET section_heading = $2 WHERE id = $1)
  UPDATE floor_development SET section_headings = $4 WHERE post_id = $3`;

/** Post `postId` of the seed's tables with the same sections, set up with its triggers off. */
async function seedPost(db: Db, schema: string, postId: number, size: number): Promise<number> {
  const items = baseItems(size).map((item, i) => ({ order: i + 1, ...item }));
  await db.exec(`ALTER TABLE ${schema}.post_section DISABLE TRIGGER USER;
    ALTER TABLE ${schema}.post_development DISABLE TRIGGER USER`);
  await db.query(
    `INSERT INTO ${schema}.post_development (post_id, section_headings) VALUES ($1, $2)`,
    [postId, JSON.stringify(items)],
  );
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO ${schema}.post_section
       (post_id, section_order, section_heading, section_description, status, draft_body)
     SELECT $1, x."order", x.heading, x.description, x.status, ${DRAFT}
     FROM jsonb_to_recordset($2::jsonb) AS x("order" int, heading text, description text, status text)
     RETURNING id`,
    [postId, JSON.stringify(items)],
  );
  await db.exec(`ALTER TABLE ${schema}.post_section ENABLE TRIGGER USER;
    ALTER TABLE ${schema}.post_development ENABLE TRIGGER USER`);
  return Number(rows[size >> 1]!.id);
}

const renamed = (rows: readonly Row[], id: string, heading: string) =>
  render(rows.map((r) => (r.id === id ? { ...r, heading } : r)));

/**
 * One row UPDATE (rows -> master) against its floor and the seed's two-trigger design.
 *
 * @example
 * const rows = await runRowsMasterBench({ quick: true });
 */
export async function runRowsMasterBench(options: SuiteOptions): Promise<BenchResult[]> {
  const bench = await openBenchDatabase();
  const { db } = bench;
  const results: BenchResult[] = [];
  try {
    await db.exec(SETUP_TWINS);
    await assertSameShape(db);
    await installSeedBaselines(db);
    const seedIds = new Map<number, number>();
    // ALTER TABLE (the seed's set-up) flushes plan caches: every post first, then the timing.
    for (const size of SIZES) seedIds.set(size, await seedPost(db, seedSchemas.both, size, size));

    for (const size of SIZES) {
      const postId = size;
      const rows = await makePost(db, postId, baseItems(size));
      const target = rows[size >> 1]!;
      const headings = [target.heading, `${target.heading} (renamed in psql)`] as const;
      const masters = [
        renamed(rows, target.id, headings[0]),
        renamed(rows, target.id, headings[1]),
      ];
      const logsBefore = await logCount(db, postId);

      const floor = flipper(0, 1);
      const ours = flipper(0, 1);
      const seed = flipper(0, 1);
      const seedId = seedIds.get(size)!;
      // About two minutes a call at 1,000 sections: once there, and not at all in quick runs.
      const seedSamples = size >= 1000 ? (options.quick ? 0 : 1) : options.quick ? 3 : 7;
      const samples = options.quick ? 15 : 41;
      const [floorMs, oursMs, seedMs] = await interleavedSpread(
        [
          {
            call: () => {
              const k = floor.next();
              return db.query(FLOOR, [target.id, headings[k], postId, masters[k]]);
            },
          },
          { call: () => db.query(rename('post_section'), [target.id, headings[ours.next()]]) },
          {
            call: () =>
              db.query(rename(`${seedSchemas.both}.post_section`), [seedId, headings[seed.next()]]),
            maxSamples: seedSamples,
            maxWarmup: size >= 1000 ? 0 : 1,
          },
        ],
        options.quick ? 3 : 8,
        samples,
      );

      const what = `rows -> master, one row UPDATE, ${size}`;
      const now = await readRows(db, 'post_section', postId);
      const { rows: master } = await db.query<{ m: string }>(
        'SELECT section_headings AS m FROM post_development WHERE post_id = $1',
        [postId],
      );
      if (master[0]!.m !== render(now)) throw new Error(`${what}: master is not its rows' render`);
      if (now[size >> 1]!.heading !== headings[ours.last === 'b' ? 1 : 0]) {
        throw new Error(`${what}: the renamed row is not as written`);
      }
      const logged = (await logCount(db, postId)) - logsBefore;
      if (logged !== ours.calls)
        throw new Error(`${what}: ${logged} log entries, ${ours.calls} writes`);

      results.push(
        ...rowsOf('rows -> master: one row UPDATE (plain SQL)', size, [
          {
            variant: 'floor: the UPDATE + one master UPDATE, no triggers',
            ...floorMs!,
            floor: true,
            note: bench.backend,
          },
          {
            variant: 'ours: statement trigger (renumber, render, write, log)',
            ...oursMs!,
            baseline: 'baseline: seed primary + secondary triggers',
            note: bench.backend,
          },
          ...(seedSamples > 0
            ? [
                {
                  variant: 'baseline: seed primary + secondary triggers',
                  ...seedMs!,
                  note: `${seedMs!.samples} run${seedMs!.samples > 1 ? 's' : ''}; ${bench.backend}`,
                },
              ]
            : []),
        ]),
      );
    }
    return results;
  } finally {
    await bench.close();
  }
}

export const rowsMasterSuite: BenchSuite = { name: 'rows-master', run: runRowsMasterBench };

// Alone: `node --import tsx bench/rows-master.ts [--quick]`.
if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await runRowsMasterBench({ quick: process.argv.includes('--quick') });
  console.table(rows.map((r) => ({ ...r, ratioToFloor: r.ratioToFloor?.toFixed(2) })));
}
