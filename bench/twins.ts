import type { Db } from '@section-sync/postgres';

// What the master -> rows and rows -> master suites share: the posts they edit, their rows, the
// twin tables the floor runs on, and the checks that every measured operation did its work.

/** A section as the benchmarks compare them. */
export interface Row {
  /** bigint as decimal text (what the wire and the core use). */
  id: string;
  order: number;
  heading: string;
  description: string;
  status: string;
}

/** A master item: an id when it names an existing section, none for a new one. */
export interface Item {
  id?: string;
  heading: string;
  description: string;
  status: string;
}

/** Every section carries a 1,200-character host column (its draft), as real posts do. */
export const DRAFT = `repeat('draft ', 200)`;

/** The twin tables: same columns, indexes, constraints (the deferred unique one too), no triggers. */
export const SETUP_TWINS = `
  ALTER TABLE post_section ADD COLUMN IF NOT EXISTS draft_body text;
  CREATE TABLE floor_development (LIKE post_development INCLUDING ALL);
  CREATE TABLE floor_section (LIKE post_section INCLUDING ALL);`;

/**
 * The floor pays for the same indexes and constraints as ours, deferrable ones as deferrable
 * (compared as sorted lists: the order the catalog returns them in is not part of the shape).
 */
export async function assertSameShape(db: Db): Promise<void> {
  const { rows } = await db.query<{ table: string; shape: string }>(
    `SELECT t.relname AS table,
            (SELECT string_agg(x.shape, ', ' ORDER BY x.shape)
             FROM (SELECT i.indisunique || ' ' ||
                            regexp_replace(pg_get_indexdef(i.indexrelid), '^.* USING ', '') AS shape
                   FROM pg_index i WHERE i.indrelid = t.oid) x) || ' | ' ||
            (SELECT coalesce(string_agg(x.shape, ', ' ORDER BY x.shape), '')
             FROM (SELECT c.contype::text || ' ' || c.condeferrable || ' ' || c.condeferred AS shape
                   FROM pg_constraint c WHERE c.conrelid = t.oid) x) AS shape
     FROM pg_class t
     WHERE t.relname IN ('post_section', 'floor_section') AND t.relnamespace = 'public'::regnamespace`,
  );
  if (rows.length !== 2 || rows[0]!.shape !== rows[1]!.shape) {
    throw new Error(`floor tables differ from ours: ${JSON.stringify(rows)}`);
  }
}

export function baseItems(size: number): Item[] {
  return Array.from({ length: size }, (_, i) => ({
    heading: `Section ${i + 1}: what it covers`,
    description: `Notes for section ${i + 1}, a sentence or two of planning.`,
    status: i % 3 ? 'draft' : 'done',
  }));
}

/** Master text of items, in the canonical key order (ids where items have them). */
export function masterOf(items: readonly Item[]): string {
  return JSON.stringify(
    items.map((item, i) => ({
      ...(item.id === undefined ? {} : { id: item.id }),
      order: i + 1,
      heading: item.heading,
      description: item.description,
      status: item.status,
    })),
  );
}

export const itemsOf = (rows: readonly Row[]): Item[] =>
  rows.map(({ id, heading, description, status }) => ({ id, heading, description, status }));

export async function rowsOf(db: Db, table: string, postId: number): Promise<Row[]> {
  const { rows } = await db.query<{ rows: Row[] | null }>(
    `SELECT jsonb_agg(jsonb_build_object('id', id::text, 'order', section_order,
       'heading', section_heading, 'description', section_description, 'status', status)
       ORDER BY section_order) AS rows
     FROM ${table} WHERE post_id = $1`,
    [postId],
  );
  return rows[0]!.rows ?? [];
}

/**
 * Post `postId` in our tables with `items` as its sections (each with a draft), its master the
 * canonical rendering of its rows, and the same post, same rows and ids, in the twin tables.
 */
export async function makePost(db: Db, postId: number, items: readonly Item[]): Promise<Row[]> {
  await db.query('INSERT INTO post_development (post_id, section_headings) VALUES ($1, $2)', [
    postId,
    masterOf(items),
  ]);
  await db.query(`UPDATE post_section SET draft_body = ${DRAFT} WHERE post_id = $1`, [postId]);
  const rows = await rowsOf(db, 'post_section', postId);
  await db.query('UPDATE post_development SET section_headings = $2 WHERE post_id = $1', [
    postId,
    masterOf(itemsOf(rows)),
  ]);
  await db.query(
    'INSERT INTO floor_development SELECT * FROM post_development WHERE post_id = $1',
    [postId],
  );
  await db.query('INSERT INTO floor_section SELECT * FROM post_section WHERE post_id = $1', [
    postId,
  ]);
  return rows;
}

export async function logCount(db: Db, postId: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM section_sync.log WHERE post_id = $1',
    [postId],
  );
  return rows[0]!.n;
}

const fields = (r: Row) => `${r.order}\u0000${r.heading}\u0000${r.description}\u0000${r.status}`;

/** Throws unless `actual` rows hold `expected` (orders, headings, descriptions, statuses). */
export function assertSameSections(what: string, actual: Row[], expected: readonly Row[]): void {
  const a = actual.map(fields).join('\n');
  const e = expected.map(fields).join('\n');
  if (a !== e) throw new Error(`${what}: sections differ from the expected ones`);
}

/** Throws unless every item that named a section's id still finds it at its position. */
export function assertIdsKept(what: string, actual: Row[], items: readonly Item[]): void {
  items.forEach((item, i) => {
    if (item.id !== undefined && actual[i]?.id !== item.id) {
      throw new Error(`${what}: section ${item.id} lost its id (position ${i + 1})`);
    }
  });
}

/** Alternates between two values, so every call of a flipping variant is the same edit. */
export function flipper<T>(a: T, b: T): { next(): T; calls: number; last: 'a' | 'b' | null } {
  const state = {
    calls: 0,
    last: null as 'a' | 'b' | null,
    next(): T {
      state.calls++;
      state.last = state.last === 'b' ? 'a' : 'b';
      return state.last === 'b' ? b : a;
    },
  };
  return state;
}
