import type { SyncStatus } from '@section-sync/core';
import type { Db, SectionStore } from '@section-sync/postgres';

/**
 * Posts per consistency page: one set-based query each. Each query has a fixed cost (it gathers
 * the post ids of both tables) of about what 1,000 posts cost to compare, so pages are large:
 * 100,000 posts check in ~10 s with 10,000 per page, ~60 s with 1,000.
 */
export const CHECK_PAGE_SIZE = 10_000;

/** Number of posts (post_development rows and post ids that only have sections). */
export async function countPosts(db: Db): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (
       SELECT post_id FROM post_development UNION SELECT post_id FROM post_section
     ) posts`,
  );
  return rows[0]?.n ?? 0;
}

/** Every post's consistency, page by page (or only the inconsistent ones). */
export async function* consistencyPages(
  store: SectionStore,
  options: { inconsistent?: boolean } = {},
): AsyncGenerator<SyncStatus[]> {
  let cursor = 0;
  for (;;) {
    const page = await store.listSyncStatus({
      cursor,
      limit: CHECK_PAGE_SIZE,
      ...(options.inconsistent ? { inconsistent: true } : {}),
    });
    if (page.items.length > 0) yield page.items;
    if (page.nextCursor === null) return;
    cursor = page.nextCursor;
  }
}

/** Master texts in post id order, `size` at a time (keyset pagination). */
export async function* masterPages(
  db: Db,
  size: number,
): AsyncGenerator<{ post_id: number; section_headings: string | null }[]> {
  let after = 0;
  for (;;) {
    const { rows } = await db.query<{ post_id: number; section_headings: string | null }>(
      `SELECT post_id, section_headings FROM post_development
       WHERE post_id > $1 ORDER BY post_id LIMIT $2`,
      [after, size],
    );
    if (rows.length > 0) yield rows;
    if (rows.length < size) return;
    after = rows.at(-1)!.post_id;
  }
}
