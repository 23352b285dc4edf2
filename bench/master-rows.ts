import { createStore } from '@section-sync/postgres';
import { BENCH_MAX_SECTIONS, openBenchDatabase } from './database.js';
import {
  type BenchResult,
  type BenchSuite,
  interleavedSpread,
  rowsOf,
  type SuiteOptions,
} from './measure.js';
import {
  assertIdsKept,
  assertSameSections,
  assertSameShape,
  baseItems,
  flipper,
  type Item,
  itemsOf,
  logCount,
  makePost,
  masterOf,
  type Row,
  rowsOf as readRows,
  SETUP_TWINS,
} from './twins.js';

// master -> rows: a post's master is rewritten with an edit, alternately to the edited list and
// back, so every call is the same edit (and its mirror). Masters are canonical JSON with the
// sections' ids, as the API and the UI write them. Three variants, timed in turns:
//
//   floor     the same master UPDATE plus ONE set-based statement writing only the rows that
//             change (an UPDATE; with an INSERT / DELETE folded in for shapes that need them),
//             on twin tables without triggers: same columns, indexes, constraints, rows, ids
//   trigger   the same master UPDATE, as plain SQL, through our trigger (parse, plan, apply, log)
//   store     store.writeMaster: the API path (settings, lock, version, write, read-back)
//
// Afterwards each side is checked: the rows hold the edited list, every section an item named
// by id kept its id, and every call logged one entry.

/** An edit of a post's rows: the items of the edited master. */
type Edit = (rows: readonly Row[]) => Item[];

const revised = (r: Row): Item => ({ ...itemsOf([r])[0]!, heading: `${r.heading} (revised)` });

const EDITS: Record<string, Edit> = {
  'every heading changed': (rows) => rows.map(revised),
  'one heading changed': (rows) =>
    rows.map((r, i) => (i === rows.length >> 1 ? revised(r) : itemsOf([r])[0]!)),
  'reverse order': (rows) => itemsOf(rows).reverse(),
  'insert at the head': (rows) => [
    { heading: 'A new first section', description: '', status: 'draft' },
    ...itemsOf(rows),
  ],
  'delete from the middle': (rows) => itemsOf(rows).filter((_, i) => i !== rows.length >> 1),
  // No ids and nothing in common: the plan pairs them with the sections in order (renames).
  'all-new headings (no ids)': (rows) =>
    rows.map((r, i) => ({
      heading: `Topic ${i + 1}, written from scratch`,
      description: 'Fresh notes.',
      status: r.status,
    })),
};

/** Which edits run at which sizes (the goals: every heading and one heading; the rest: shapes). */
function cases(quick: boolean): { edit: string; size: number }[] {
  const shapes = Object.keys(EDITS).slice(2);
  return [
    { edit: 'every heading changed', size: 100 },
    { edit: 'every heading changed', size: 1000 },
    { edit: 'one heading changed', size: 100 },
    { edit: 'one heading changed', size: 1000 },
    { edit: 'one heading changed', size: 5000 },
    ...shapes.flatMap((edit) => (quick ? [1000] : [100, 1000]).map((size) => ({ edit, size }))),
  ];
}

const FLOOR_UPDATE = `
  WITH m AS (UPDATE floor_development SET section_headings = $2 WHERE post_id = $1)
  UPDATE floor_section s
  SET section_order = x."order", section_heading = x.heading,
      section_description = x.description, status = x.status, updated_at = now()
  FROM jsonb_to_recordset($3::jsonb)
    AS x(id bigint, "order" int, heading text, description text, status text)
  WHERE s.id = x.id AND s.post_id = $1`;

const FLOOR_UPSERT = `
  WITH m AS (UPDATE floor_development SET section_headings = $2 WHERE post_id = $1),
  d AS (DELETE FROM floor_section WHERE post_id = $1 AND id = ANY ($4::bigint[]))
  INSERT INTO floor_section (id, post_id, section_order, section_heading, section_description, status)
  SELECT x.id, $1, x."order", x.heading, x.description, x.status
  FROM jsonb_to_recordset($3::jsonb)
    AS x(id bigint, "order" int, heading text, description text, status text)
  ON CONFLICT (id) DO UPDATE SET
    section_order = EXCLUDED.section_order, section_heading = EXCLUDED.section_heading,
    section_description = EXCLUDED.section_description, status = EXCLUDED.status,
    updated_at = now()`;

/** The floor's statement from rows `from` to rows `to`: only what changes. */
function floorStep(postId: number, master: string, from: readonly Row[], to: readonly Row[]) {
  const before = new Map(from.map((r) => [r.id, r]));
  const kept = new Set(to.map((r) => r.id));
  const changed = to.filter((r) => {
    const b = before.get(r.id);
    return (
      !b ||
      b.order !== r.order ||
      b.heading !== r.heading ||
      b.description !== r.description ||
      b.status !== r.status
    );
  });
  const deleted = from.filter((r) => !kept.has(r.id)).map((r) => r.id);
  const created = changed.some((r) => !before.has(r.id));
  const text = deleted.length > 0 || created ? FLOOR_UPSERT : FLOOR_UPDATE;
  const params: unknown[] = [postId, master, JSON.stringify(changed)];
  if (text === FLOOR_UPSERT) params.push(deleted);
  return { text, params, changed: changed.length };
}

const writeMasterSql = 'UPDATE post_development SET section_headings = $2 WHERE post_id = $1';

/**
 * master -> rows against its floor, for every edit and size of {@link cases}.
 *
 * @example
 * const rows = await runMasterRowsBench({ quick: true });
 */
export async function runMasterRowsBench(options: SuiteOptions): Promise<BenchResult[]> {
  const bench = await openBenchDatabase();
  const { db } = bench;
  const store = createStore(db, { limits: { maxSections: BENCH_MAX_SECTIONS } });
  const results: BenchResult[] = [];
  try {
    await db.exec(SETUP_TWINS);
    await assertSameShape(db);
    let nextPost = 1;
    for (const { edit, size } of cases(options.quick)) {
      const triggerPost = nextPost++;
      const storePost = nextPost++;
      const items = baseItems(size);
      const triggerRows = await makePost(db, triggerPost, items);
      const storeRows = await makePost(db, storePost, items);
      const editOf = EDITS[edit]!;
      const triggerA = masterOf(itemsOf(triggerRows));
      const triggerItemsB = editOf(triggerRows);
      const triggerB = masterOf(triggerItemsB);
      const storeA = masterOf(itemsOf(storeRows));
      const storeItemsB = editOf(storeRows);
      const storeB = masterOf(storeItemsB);

      // The rows the edit leaves (as the trigger writes them): what the floor writes directly.
      await db.query(writeMasterSql, [triggerPost, triggerB]);
      const rowsB = await readRows(db, 'post_section', triggerPost);
      await db.query(writeMasterSql, [triggerPost, triggerA]);
      const forward = floorStep(triggerPost, triggerB, triggerRows, rowsB);
      const backward = floorStep(triggerPost, triggerA, rowsB, triggerRows);
      const logsBefore = [await logCount(db, triggerPost), await logCount(db, storePost)];

      const floor = flipper(backward, forward);
      const trigger = flipper(triggerA, triggerB);
      const storeFlip = flipper(storeA, storeB);
      const variants = [
        {
          name: 'floor',
          call: () => {
            const step = floor.next();
            return db.query(step.text, step.params);
          },
        },
        { name: 'trigger', call: () => db.query(writeMasterSql, [triggerPost, trigger.next()]) },
        { name: 'store', call: () => store.writeMaster(storePost, storeFlip.next()) },
      ];
      const big = size >= 1000;
      const samples = options.quick ? (size >= 5000 ? 5 : big ? 9 : 15) : size >= 5000 ? 15 : 31;
      const warmup = options.quick ? 2 : 6;
      const [floorMs, triggerMs, storeMs] = await interleavedSpread(variants, warmup, samples);

      // Leave every side on the edited list, then check that each did the whole edit.
      if (floor.last !== 'b') await variants[0]!.call();
      if (trigger.last !== 'b') await variants[1]!.call();
      if (storeFlip.last !== 'b') await variants[2]!.call();
      const what = `master -> rows, ${edit}, ${size}`;
      const oursB = await readRows(db, 'post_section', triggerPost);
      assertSameSections(`${what}, trigger`, oursB, rowsB);
      assertIdsKept(`${what}, trigger`, oursB, triggerItemsB);
      assertSameSections(`${what}, floor`, await readRows(db, 'floor_section', triggerPost), rowsB);
      const storeAfter = await readRows(db, 'post_section', storePost);
      assertSameSections(`${what}, store`, storeAfter, rowsB);
      assertIdsKept(`${what}, store`, storeAfter, storeItemsB);
      const logged = [
        (await logCount(db, triggerPost)) - logsBefore[0]!,
        (await logCount(db, storePost)) - logsBefore[1]!,
      ];
      if (logged[0] !== trigger.calls || logged[1] !== storeFlip.calls) {
        throw new Error(
          `${what}: ${logged.join(' / ')} log entries for ${trigger.calls} / ${storeFlip.calls} writes`,
        );
      }

      const note = `floor writes ${forward.changed} rows; ${bench.backend}`;
      results.push(
        ...rowsOf(`master -> rows: ${edit}`, size, [
          {
            variant: 'floor: master UPDATE + one statement on the rows that change, no triggers',
            ...floorMs!,
            floor: true,
            note,
          },
          {
            variant: 'ours: master UPDATE through the trigger',
            ...triggerMs!,
            note: bench.backend,
          },
          { variant: 'ours: store.writeMaster', ...storeMs!, note: bench.backend },
        ]),
      );
    }
    return results;
  } finally {
    await bench.close();
  }
}

export const masterRowsSuite: BenchSuite = { name: 'master-rows', run: runMasterRowsBench };

// Alone: `node --import tsx bench/master-rows.ts [--quick]`.
if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await runMasterRowsBench({ quick: process.argv.includes('--quick') });
  console.table(rows.map((r) => ({ ...r, ratioToFloor: r.ratioToFloor?.toFixed(2) })));
}
