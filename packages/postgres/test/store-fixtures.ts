import type { TestBackend, TestDatabase } from '@section-sync/testing';
import type { Db } from '../src/index.js';

/**
 * A fresh migrated database whose post_section has a host column, `draft_body`: the section's
 * drafted content, owned by the host application, which no sync may lose or move.
 */
export async function openWithDraftColumn(backend: TestBackend): Promise<TestDatabase> {
  const t = await backend.open();
  await t.db.exec('ALTER TABLE post_section ADD COLUMN draft_body text');
  return t;
}

/** A post_section row as the tests compare them (no timestamps). */
export interface RowSnapshot {
  /** bigint: decimal text, as the adapters return int8. */
  id: string;
  post_id: number;
  section_order: number;
  section_heading: string;
  section_description: string;
  status: string;
}

/** Inserts a post with a master; the master -> sections trigger creates its rows. */
export async function createPost(db: Db, postId: number, master: string | null): Promise<void> {
  await db.query('INSERT INTO post_development (post_id, section_headings) VALUES ($1, $2)', [
    postId,
    master,
  ]);
}

/** A post's rows in order. */
export async function sectionRows(db: Db, postId: number): Promise<RowSnapshot[]> {
  const { rows } = await db.query<RowSnapshot>(
    `SELECT id, post_id::integer AS post_id, section_order, section_heading, section_description, status
     FROM post_section WHERE post_id = $1 ORDER BY section_order, id`,
    [postId],
  );
  return rows;
}

/**
 * Everything a write could change: masters, versions, rows (with updated_at) and the sync log
 * size. Two equal snapshots mean nothing changed.
 */
export async function databaseSnapshot(db: Db): Promise<unknown> {
  const { rows } = await db.query<{ snapshot: unknown }>(
    `SELECT jsonb_build_object(
       'posts', (SELECT jsonb_agg(to_jsonb(d) ORDER BY d.post_id) FROM post_development d),
       'sections', (SELECT jsonb_agg(to_jsonb(s) ORDER BY s.id) FROM post_section s),
       'log', (SELECT count(*) FROM section_sync.log)) AS snapshot`,
  );
  return rows[0]!.snapshot;
}

/**
 * Runs SQL with every user trigger off (`session_replication_role = replica`), to build posts
 * whose master and rows disagree, as a database written before section-sync was installed has.
 */
export async function withoutTriggers(db: Db, sql: string, params: unknown[] = []): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query("SELECT set_config('session_replication_role', 'replica', true)");
    await tx.query(sql, params);
  });
}

/**
 * A write's outcome as a dry run can reproduce it: no timestamps, no log id, and new sections'
 * ids replaced by 'new' (identity values are not rolled back, so a preview's new ids differ).
 */
export function comparableOutcome(
  outcome: { sections: { id: string; updatedAt: string | null }[] },
  knownIds: readonly string[],
): unknown {
  const {
    sections,
    logId: _logId,
    dryRun: _dryRun,
    section: _section,
    ...rest
  } = outcome as {
    sections: { id: string; updatedAt: string | null }[];
    logId?: number;
    dryRun?: boolean;
    section?: unknown;
  };
  return {
    ...rest,
    sections: sections.map(({ updatedAt: _updatedAt, id, ...s }) => ({
      ...s,
      id: knownIds.includes(id) ? id : 'new',
    })),
  };
}
