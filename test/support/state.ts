import type pg from 'pg';

/**
 * Everything a write could change about a post (master, version, every row with its host
 * column, the number of log entries): equal before and after means nothing changed.
 */
export async function postState(db: pg.Pool, postId: number): Promise<unknown> {
  const { rows } = await db.query(
    `SELECT (SELECT to_jsonb(d) FROM post_development d WHERE d.post_id = $1) AS post,
            (SELECT jsonb_agg(to_jsonb(s) ORDER BY s.id) FROM post_section s
             WHERE s.post_id = $1) AS sections,
            (SELECT count(*)::int FROM section_sync.log l WHERE l.post_id = $1) AS log_entries`,
    [postId],
  );
  return rows[0];
}

/** Headings of a post's rows in order. */
export async function headingsOf(db: pg.Pool, postId: number): Promise<string[]> {
  const { rows } = await db.query<{ section_heading: string }>(
    'SELECT section_heading FROM post_section WHERE post_id = $1 ORDER BY section_order',
    [postId],
  );
  return rows.map((r) => r.section_heading);
}

/** Polls `condition` every 10 ms until it holds (the test's own timeout bounds the wait). */
export async function waitUntil(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 10));
}
