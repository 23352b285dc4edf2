import { createStore, type Db } from '@section-sync/postgres';
import { installSeedBaselines, seedAppSync, seedSchemas } from './baselines/index.js';
import { BENCH_MAX_SECTIONS, openBenchDatabase } from './database.js';
import { type BenchResult, interleaved, rowsOf, type SuiteOptions } from './measure.js';

// The sync of one post, both directions, against the original design's algorithms and the
// physical floor of the same write, all measured in turns in one run:
//
// - master -> rows: the master is rewritten with a realistic edit (one section renamed, one
//   moved from position 2 to n-1, so most orders shift), alternately to the edited list and
//   back, so every call is the same edit.
//     ours, API path      store.writeMaster (one statement: lock, write, trigger, read-back)
//     ours, trigger       a plain UPDATE of the master (parse, plan, apply, log in the trigger)
//     baseline app sync   the seed's Python: UPDATE the master, DELETE every row, one INSERT
//                         per row (round trip each), in one transaction
//     baseline trigger    the seed's primary trigger: a PL/pgSQL loop, one SELECT and one
//                         UPDATE/INSERT per item, matched by position
//     floor               the same UPDATE plus one set-based upsert of the resulting rows, one
//                         statement, on tables without triggers
// - rows -> master: one UPDATE touching every row of a post.
//     ours                the statement trigger (renumber, one render, log)
//     baseline            the seed's FOR EACH ROW triggers (a full re-render per row)
//     floor               the same UPDATE plus one render written to the master, one statement
//
// The floor runs on twin tables (floor_development / floor_section: same columns, indexes and
// constraints, the deferred unique one included, same rows and ids, no triggers), the baselines on their own tables in their own
// schemas (baselines/), rather than with triggers switched off, because switching (ALTER TABLE,
// session_replication_role) flushes the plan caches of the other side. Every section carries a
// 1,200-character host column (its draft), which the log snapshots copy.

const SIZES = [10, 100, 1000];

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
export function editedItems(size: number): Item[] {
  const items = baseItems(size).map((item) => ({ ...item }));
  const renamed = Math.floor(size / 3);
  items[renamed]!.heading = `${items[renamed]!.heading} (renamed)`;
  const [moved] = items.splice(1, 1);
  items.splice(size - 2, 0, moved!);
  return items.map((item, i) => ({ ...item, order: i + 1 }));
}

export { baseItems };

const SETUP_FLOOR = `
  CREATE TABLE floor_development (LIKE post_development INCLUDING ALL);
  CREATE TABLE floor_section (LIKE post_section INCLUDING ALL);`;

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

const touchAll = (schema: string) => `
  UPDATE ${schema}.post_section
  SET status = CASE WHEN status = 'review' THEN 'draft' ELSE 'review' END
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

const DRAFT = `repeat('draft ', 200)`;

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
    'SELECT count(*) AS n FROM section_sync.log WHERE post_id = $1',
    [postId],
  );
  return Number(rows[0]!.n);
}

/** The floor must pay for the same indexes as ours (LIKE ... INCLUDING ALL copies them all). */
async function sameIndexes(db: Db): Promise<void> {
  const { rows } = await db.query<{ table: string; n: number }>(
    `SELECT tablename AS table, count(*)::int AS n FROM pg_indexes
     WHERE schemaname = 'public' AND tablename IN ('post_section', 'floor_section')
     GROUP BY tablename`,
  );
  const [a, b] = rows.map((r) => r.n);
  if (rows.length !== 2 || a !== b)
    throw new Error(`floor indexes differ: ${JSON.stringify(rows)}`);
}

/** A post of the seed's tables with `items` as rows (set-based, triggers out of the way). */
async function seedPost(db: Db, schema: string, postId: number, items: Item[]): Promise<void> {
  await db.exec(`ALTER TABLE ${schema}.post_section DISABLE TRIGGER USER;
    ALTER TABLE ${schema}.post_development DISABLE TRIGGER USER`);
  await db.query(
    `INSERT INTO ${schema}.post_development (post_id, section_headings) VALUES ($1, $2)`,
    [postId, JSON.stringify(items)],
  );
  await db.query(
    `INSERT INTO ${schema}.post_section
       (post_id, section_order, section_heading, section_description, status, draft_body)
     SELECT $1, x."order", x.heading, x.description, x.status, ${DRAFT}
     FROM jsonb_to_recordset($2::jsonb) AS x("order" int, heading text, description text, status text)`,
    [postId, JSON.stringify(items)],
  );
  await db.exec(`ALTER TABLE ${schema}.post_section ENABLE TRIGGER USER;
    ALTER TABLE ${schema}.post_development ENABLE TRIGGER USER`);
}

/** Our post `postId` with `master`'s sections, each with a draft. */
async function ourPost(db: Db, postId: number, master: string): Promise<void> {
  await db.query('INSERT INTO post_development (post_id, section_headings) VALUES ($1, $2)', [
    postId,
    master,
  ]);
  await db.query(`UPDATE post_section SET draft_body = ${DRAFT} WHERE post_id = $1`, [postId]);
}

/**
 * Both directions of one post's sync at 10, 100 and 1,000 sections, on PostgreSQL when
 * `DATABASE_URL` is set, else on PGlite. The parser's section limit is raised for the run
 * (store option `limits.maxSections`, session setting `section_sync.max_sections`).
 *
 * @example
 * const rows = await runTriggerBench({ quick: true });
 */
export async function runTriggerBench(options: SuiteOptions): Promise<BenchResult[]> {
  const bench = await openBenchDatabase();
  const { db } = bench;
  const where = bench.backend;
  const store = createStore(db, { limits: { maxSections: BENCH_MAX_SECTIONS } });
  const masterRows: BenchResult[] = [];
  const rowsMaster: BenchResult[] = [];
  try {
    await db.exec('ALTER TABLE post_section ADD COLUMN draft_body text');
    await db.exec(SETUP_FLOOR);
    await sameIndexes(db);
    await installSeedBaselines(db);

    // Every post of every size first: the seed's tables get their rows with triggers disabled,
    // and that ALTER TABLE must not fall between measurements.
    const posts = [];
    for (const size of SIZES) {
      const base = JSON.stringify(baseItems(size));
      const edited = JSON.stringify(editedItems(size));
      const triggerPost = size;
      const storePost = 100_000 + size;
      await ourPost(db, triggerPost, base);
      await ourPost(db, storePost, base);
      const editedRows = await rowsAfter(db, triggerPost, edited);
      const baseRows = await rowsAfter(db, triggerPost, base);
      await db.query(
        'INSERT INTO floor_development SELECT * FROM post_development WHERE post_id = $1',
        [triggerPost],
      );
      await db.query('INSERT INTO floor_section SELECT * FROM post_section WHERE post_id = $1', [
        triggerPost,
      ]);
      for (const schema of Object.values(seedSchemas)) {
        await seedPost(db, schema, size, baseItems(size));
      }
      posts.push({ size, base, edited, baseRows, editedRows, triggerPost, storePost });
    }

    for (const { size, base, edited, baseRows, editedRows, triggerPost, storePost } of posts) {
      const big = size >= 1000;
      const samples = options.quick ? (big ? 5 : 9) : big ? 21 : 41;
      const warmup = options.quick ? 2 : big ? 4 : 8;
      // Each variant flips between the two lists, so every call is the same edit.
      const flipper = () => {
        let flip = false;
        return () => {
          flip = !flip;
          return flip;
        };
      };
      const [floorFlip, triggerFlip, storeFlip, appFlip, seedFlip] = Array.from(
        { length: 5 },
        flipper,
      );
      const [floorMs, triggerMs, storeMs, appMs, seedMs] = await interleaved(
        [
          {
            call: () => {
              const f = floorFlip!();
              return db.query(FLOOR_MASTER_UPSERT, [
                triggerPost,
                f ? edited : base,
                f ? editedRows : baseRows,
              ]);
            },
          },
          {
            call: () =>
              db.query('UPDATE post_development SET section_headings = $2 WHERE post_id = $1', [
                triggerPost,
                triggerFlip!() ? edited : base,
              ]),
          },
          { call: () => store.writeMaster(storePost, storeFlip!() ? edited : base) },
          { call: () => seedAppSync(db, size, appFlip!() ? edited : base) },
          {
            call: () =>
              db.query(
                `UPDATE ${seedSchemas.master}.post_development SET section_headings = $2 WHERE post_id = $1`,
                [size, seedFlip!() ? edited : base],
              ),
          },
        ],
        warmup,
        samples,
      );
      masterRows.push(
        ...rowsOf('master -> rows: rename one + move one', size, [
          {
            variant: 'floor: UPDATE + one set-based upsert, no triggers',
            medianMs: floorMs!,
            floor: true,
          },
          {
            variant: 'ours, API path: store.writeMaster',
            medianMs: storeMs!,
            baseline: 'baseline: app sync (delete all, insert per row)',
          },
          {
            variant: 'ours: UPDATE through the trigger (parse, plan, apply, log)',
            medianMs: triggerMs!,
            baseline: 'baseline: per-row positional trigger',
          },
          {
            variant: 'baseline: app sync (delete all, insert per row)',
            medianMs: appMs!,
            note: 'loses ids and drafts',
          },
          {
            variant: 'baseline: per-row positional trigger',
            medianMs: seedMs!,
            note: 'drafts stay at positions',
          },
        ]).map((r) => ({ ...r, note: [r.note, where].filter(Boolean).join('; ') })),
      );

      // rows -> master: one statement, every row. The seed's per-row triggers re-render the
      // whole post once per row (and grow the jsonb one element at a time): about 2 minutes
      // for one statement at 1,000 rows here, so it is timed once there, and not in quick runs.
      const seedRuns = big ? (options.quick ? 0 : 1) : size >= 100 ? 11 : samples;
      const [touchFloorMs, touchMs, touchSeedMs] = await interleaved(
        [
          { call: () => db.query(FLOOR_TOUCH_ALL_RENDER, [triggerPost]) },
          { call: () => db.query(touchAll('public'), [triggerPost]) },
          {
            call: () => db.query(touchAll(seedSchemas.rows), [size]),
            maxSamples: seedRuns,
            maxWarmup: big ? 0 : 2,
          },
        ],
        warmup,
        samples,
      );

      // One statement, one render: the log grows by one entry per statement, whatever N is.
      const before = await logCount(db, triggerPost);
      await db.query(touchAll('public'), [triggerPost]);
      const renders = (await logCount(db, triggerPost)) - before;
      if (renders !== 1) throw new Error(`one statement on ${size} rows logged ${renders} syncs`);

      const perRow = (ms: number) => `${((ms / size) * 1000).toFixed(0)} µs/row`;
      rowsMaster.push(
        ...rowsOf('rows -> master: one UPDATE of every row', size, [
          {
            variant: 'floor: UPDATE + one render, no triggers',
            medianMs: touchFloorMs!,
            floor: true,
            note: perRow(touchFloorMs!),
          },
          {
            variant: 'ours: statement trigger (renumber, one render, log)',
            medianMs: touchMs!,
            baseline: 'baseline: per-row triggers (one render per row)',
            note: perRow(touchMs!),
          },
          ...(seedRuns > 0
            ? [
                {
                  variant: 'baseline: per-row triggers (one render per row)',
                  medianMs: touchSeedMs!,
                  note: `${perRow(touchSeedMs!)}; ${seedRuns} run${seedRuns > 1 ? 's' : ''}`,
                },
              ]
            : []),
        ]).map((r) => ({ ...r, note: [r.note, where].filter(Boolean).join('; ') })),
      );
    }
    return [...masterRows, ...rowsMaster];
  } finally {
    await bench.close();
  }
}

// `node --import tsx bench/triggers.ts [--quick]` runs this suite alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.table(await runTriggerBench({ quick: process.argv.includes('--quick') }));
}
