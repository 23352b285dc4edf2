import type { BulkSyncResponse, ChangeCounts, SyncDirection } from '@section-sync/core';
import type { SectionStore } from '@section-sync/postgres';
import type { Progress } from '../progress.js';
import { addChanges, noChanges } from './report.js';

type BulkItem = BulkSyncResponse['results'][number];

export interface BulkRun {
  succeeded: number;
  failed: BulkItem[];
  changes: ChangeCounts;
  results: BulkItem[];
}

/**
 * Syncs `postIds` through the store's bulk sync, `batchSize` posts per transaction, a few
 * thousand ids per call so memory stays flat on large databases.
 */
export async function syncInBatches(
  store: SectionStore,
  postIds: readonly number[],
  options: { direction: SyncDirection; batchSize: number; dryRun: boolean; progress: Progress },
): Promise<BulkRun> {
  const run: BulkRun = { succeeded: 0, failed: [], changes: noChanges(), results: [] };
  if (postIds.length === 0) return run;
  const chunk = Math.max(options.batchSize * 10, 1000);
  options.progress.update(0, postIds.length);
  for (let start = 0; start < postIds.length; start += chunk) {
    const ids = postIds.slice(start, start + chunk);
    const outcome = await store.bulkSync({
      postIds: ids,
      direction: options.direction,
      batchSize: options.batchSize,
      dryRun: options.dryRun,
      origin: 'cli',
      onProgress: (done) => options.progress.update(start + done, postIds.length),
    });
    for (const item of outcome.results) {
      run.results.push(item);
      if (item.status === 'success') {
        run.succeeded++;
        addChanges(run.changes, item.changes);
      } else {
        run.failed.push(item);
      }
    }
  }
  options.progress.finish();
  return run;
}

export function failureLine(item: BulkItem): string {
  return `post ${String(item.postId).padEnd(8)} ${item.error?.message ?? 'failed'}`;
}
