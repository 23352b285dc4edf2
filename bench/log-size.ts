import type { Db } from '@section-sync/postgres';
import { openPGlite, openPostgres, postgresUrl } from '@section-sync/testing';

// Bytes one section_sync.log entry takes (pg_column_size of the whole row, as stored: after
// lz4/pglz compression, TOAST pointers counted at their size) for the two edits an operator
// sees most: one section renamed, and every heading rewritten. Every section carries a drafted
// body of ~1,200 characters in a host column, as a real post would.
//
//   npm run log-size -w @section-sync/bench      (PostgreSQL when DATABASE_URL is set)

const SIZES = [10, 100, 500];

function items(size: number, suffix: string, renamed?: number): string {
  return JSON.stringify(
    Array.from({ length: size }, (_, i) => ({
      heading:
        renamed === undefined || renamed === i
          ? `Section ${i + 1}: what it covers${suffix}`
          : `Section ${i + 1}: what it covers`,
      description: `Notes for section ${i + 1}, a sentence or two of planning.`,
      status: i % 3 ? 'draft' : 'done',
    })),
  );
}

async function lastEntryBytes(db: Db, postId: number): Promise<number> {
  const { rows } = await db.query<{ bytes: number }>(
    `SELECT pg_column_size(l.*) AS bytes FROM section_sync.log l
     WHERE post_id = $1 ORDER BY id DESC LIMIT 1`,
    [postId],
  );
  return Number(rows[0]!.bytes);
}

/** `[size, one renamed, all rewritten]` per post size, in bytes. */
export async function measureLogSizes(db: Db): Promise<[number, number, number][]> {
  await db.exec('ALTER TABLE post_section ADD COLUMN IF NOT EXISTS draft_body text');
  const out: [number, number, number][] = [];
  for (const size of SIZES) {
    const postId = size;
    await db.query('INSERT INTO post_development (post_id, section_headings) VALUES ($1, $2)', [
      postId,
      items(size, ''),
    ]);
    // Drafted prose: md5 text compresses about as badly as real writing does.
    await db.query(
      `UPDATE post_section SET draft_body =
         (SELECT string_agg(md5(id::text || '-' || g::text), ' ') FROM generate_series(1, 36) g)
       WHERE post_id = $1`,
      [postId],
    );
    const write = (master: string) =>
      db.query('UPDATE post_development SET section_headings = $2 WHERE post_id = $1', [
        postId,
        master,
      ]);
    await write(items(size, ' (renamed)', Math.floor(size / 2)));
    const one = await lastEntryBytes(db, postId);
    await write(items(size, ' (rewritten)'));
    const all = await lastEntryBytes(db, postId);
    out.push([size, one, all]);
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const t = postgresUrl ? await openPostgres() : await openPGlite();
  try {
    const rows = await measureLogSizes(t.db);
    console.log(`bytes per section_sync.log entry (${t.backend})\n`);
    console.log('| sections | one section renamed | every heading rewritten |');
    console.log('|---:|---:|---:|');
    for (const [size, one, all] of rows) console.log(`| ${size} | ${one} | ${all} |`);
  } finally {
    await t.close();
  }
}
