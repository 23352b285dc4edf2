import { translateDatabaseError } from '../database-errors.js';
import type { Db } from '../db.js';

/**
 * What the sync log keeps. An entry is pruned when it is not among its post's `keepLast` newest
 * and, when `olderThanDays` is given, older than that; give at least one of the two. A post's
 * newest entry is never pruned.
 */
export interface RetentionPolicy {
  /** Entries kept per post (at least 1). @default 1 when only `olderThanDays` is given */
  keepLast?: number;
  /** Only entries older than this many days may go. */
  olderThanDays?: number;
}

export interface PruneOptions {
  /** Most entries (and posts) per statement: each batch is its own short transaction. @default 5000 */
  batchSize?: number;
  /** Count what would go, delete nothing. */
  dryRun?: boolean;
  /** Called after each batch with the entries pruned (or found, in a dry run) so far. */
  onProgress?: (pruned: number) => void;
}

export interface PruneResult {
  /** Entries deleted (or that would be, in a dry run). */
  pruned: number;
  /** Statements run. */
  batches: number;
}

export const DEFAULT_PRUNE_BATCH_SIZE = 5000;

/** Checks a policy and turns it into the SQL function's arguments. */
export function retentionArguments(policy: RetentionPolicy): [number | null, string | null] {
  const { keepLast, olderThanDays } = policy;
  if (keepLast === undefined && olderThanDays === undefined) {
    throw new TypeError('A retention policy needs keepLast, olderThanDays or both');
  }
  if (keepLast !== undefined && (!Number.isInteger(keepLast) || keepLast < 1)) {
    throw new TypeError(`keepLast must be a whole number of at least 1, got ${keepLast}`);
  }
  if (olderThanDays !== undefined && !(Number.isFinite(olderThanDays) && olderThanDays >= 0)) {
    throw new TypeError(`olderThanDays must be a number of days, got ${olderThanDays}`);
  }
  return [keepLast ?? null, olderThanDays === undefined ? null : `${olderThanDays} days`];
}

/**
 * Deletes the sync log entries `policy` lets go, oldest first, in batches of `batchSize` entries,
 * each batch one statement (its own transaction), so no lock is held for long and writers never
 * wait on the prune. Rolling back a pruned entry then fails with `log_entry_pruned`.
 *
 * @example
 * const { pruned } = await pruneSyncLog(db, { keepLast: 100, olderThanDays: 30 });
 */
export async function pruneSyncLog(
  db: Db,
  policy: RetentionPolicy,
  options: PruneOptions = {},
): Promise<PruneResult> {
  const [keepLast, olderThan] = retentionArguments(policy);
  const batchSize = options.batchSize ?? DEFAULT_PRUNE_BATCH_SIZE;
  const result: PruneResult = { pruned: 0, batches: 0 };
  let after: number | null = 0;
  while (after !== null) {
    let batch: { deleted: number; next: number | null };
    try {
      const { rows } = await db.query<{ batch: typeof batch }>(
        'SELECT section_sync.prune_log($1::int, $2::interval, $3::int, $4::bigint, $5) AS batch',
        [keepLast, olderThan, batchSize, after, options.dryRun === true],
      );
      batch = rows[0]!.batch;
    } catch (error) {
      throw translateDatabaseError(error);
    }
    result.pruned += batch.deleted;
    result.batches++;
    after = batch.next;
    options.onProgress?.(result.pruned);
  }
  return result;
}
