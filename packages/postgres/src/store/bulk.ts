import type { BulkSyncResponse, ChangeCounts, SyncDirection } from '@section-sync/core';
import { SectionSyncError } from '@section-sync/core';
import type { BulkSyncOptions, BulkSyncOutcome } from '../store-types.js';
import { toStoreError } from './errors.js';
import { inOneStatement, type StoreContext, writeSettings } from './transaction.js';

type BulkSyncItem = BulkSyncResponse['results'][number];

/** One post's result as `section_sync.store_bulk_sync` reports it. */
type SqlBulkItem =
  | { postId: number; status: 'success'; version: number; changes: ChangeCounts }
  | { postId: number; status: 'error'; sqlstate: string; message: string; detail: string | null };

/** A failed post's error in the words the API uses for the same failure on one post. */
function toBulkItem(item: SqlBulkItem): BulkSyncItem {
  if (item.status === 'success') return item;
  const error = toStoreError(
    { code: item.sqlstate, message: item.message, detail: item.detail ?? undefined },
    item.postId,
  );
  return {
    postId: item.postId,
    status: 'error',
    error:
      error instanceof SectionSyncError
        ? { code: error.code, message: error.message }
        : { code: 'sync_failed', message: item.message },
  };
}

async function analyzeFirstFill(context: StoreContext, postId: number): Promise<void> {
  try {
    await context.db.query('SELECT section_sync.analyze_first_fill()');
  } catch (error) {
    throw toStoreError(error, postId);
  }
}

async function allPostIds(context: StoreContext): Promise<number[]> {
  const { rows } = await context.db.query<{ ids: number[] }>(
    'SELECT section_sync.store_post_ids() AS ids',
  );
  return rows[0]!.ids;
}

/**
 * Syncs many posts (the given ids, or every post) in batches of `batchSize` (default 100): each
 * batch is one statement (so one transaction) that locks its posts in post id order and syncs
 * each post in its own subtransaction, so one unparsable master fails that post only.
 * `onProgress(done, total)` runs after each batch. A dry run rolls every batch back.
 *
 * @example
 * const { failed, results } = await bulkSync(context, { direction: 'to_sections', batchSize: 50 });
 */
export async function bulkSync(
  context: StoreContext,
  options: BulkSyncOptions = {},
): Promise<BulkSyncOutcome> {
  const direction: SyncDirection = options.direction ?? 'both';
  const dryRun = options.dryRun === true;
  const batchSize = Math.max(1, options.batchSize ?? 100);
  const settings = writeSettings(context, options.origin);
  const postIds = options.postIds
    ? [...new Set(options.postIds)].sort((a, b) => a - b)
    : await allPostIds(context);

  const results: BulkSyncItem[] = [];
  for (let start = 0; start < postIds.length; start += batchSize) {
    const batch = postIds.slice(start, start + batchSize);
    const items = await inOneStatement(context, batch[0]!, dryRun, async (tx) => {
      const { rows } = await tx.query<{ results: SqlBulkItem[] }>(
        'SELECT section_sync.store_bulk_sync($1::jsonb, $2, $3::jsonb) AS results',
        [JSON.stringify(batch), direction, settings],
      );
      return rows[0]!.results;
    });
    results.push(...items.map(toBulkItem));
    // A first sync into an empty post_section: statistics now, not when autovacuum gets to it.
    if (start === 0 && !dryRun) await analyzeFirstFill(context, batch[0]!);
    options.onProgress?.(results.length, postIds.length);
  }
  const failed = results.filter((r) => r.status === 'error').length;
  return {
    direction,
    dryRun,
    total: results.length,
    succeeded: results.length - failed,
    failed,
    results,
  };
}
