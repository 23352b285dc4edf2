import type { SyncLogEntry } from '@section-sync/core';
import { PostNotFoundError } from '@section-sync/core';
import { toStoreError } from './errors.js';
import type { StoreContext } from './transaction.js';

interface SqlSyncLog {
  exists: boolean;
  entries: (Omit<SyncLogEntry, 'message'> & { message: string | null })[];
}

/**
 * A post's sync log entries, newest first, `limit` of them (default 20) with ids below `before`.
 *
 * @example
 * const [latest] = await getSyncLog(context, 42, { limit: 1 });
 */
export async function getSyncLog(
  context: StoreContext,
  postId: number,
  options: { limit?: number; before?: number } = {},
): Promise<SyncLogEntry[]> {
  let log: SqlSyncLog;
  try {
    const { rows } = await context.db.query<{ log: SqlSyncLog }>(
      'SELECT section_sync.store_sync_log($1::bigint, $2::int, $3::bigint) AS log',
      [postId, options.limit ?? 20, options.before ?? null],
    );
    log = rows[0]!.log;
  } catch (error) {
    throw toStoreError(error, postId);
  }
  if (!log.exists) throw new PostNotFoundError(postId);
  return log.entries.map(({ message, ...entry }) =>
    message === null ? entry : { ...entry, message },
  );
}
