import { translateDatabaseError } from '../database-errors.js';
import type { Db } from '../db.js';

/** Syncs and section changes of one (direction, origin, outcome), counted since install. */
export interface SyncTotal {
  direction: string;
  /** `api`, `cli`, `trigger`, or what a writer set in `section_sync.origin`. */
  origin: string;
  outcome: string;
  syncs: number;
  created: number;
  updated: number;
  moved: number;
  deleted: number;
}

/** What the last whole-database consistency check (`section-sync check`) found. */
export interface CheckSummary {
  checkedAt: string;
  checkedPosts: number;
  inconsistentPosts: number;
}

export interface SyncTotals {
  totals: SyncTotal[];
  check: CheckSummary | null;
}

/**
 * Every sync the database has logged (API, CLI, and plain SQL through the triggers), as totals
 * that only grow: the folded totals plus the counts each log insert queued since the last prune
 * (a rolled-back sync never). Only reads, so it works on a read replica; `pruneSyncLog` folds
 * the queue. Every app instance reads the same numbers.
 *
 * @example
 * const { totals, check } = await readSyncTotals(db);
 */
export async function readSyncTotals(db: Db): Promise<SyncTotals> {
  try {
    const { rows } = await db.query<{ t: SyncTotals }>('SELECT section_sync.log_totals() AS t');
    return rows[0]!.t;
  } catch (error) {
    throw translateDatabaseError(error);
  }
}

/**
 * Records the result of a whole-database consistency check, for the `inconsistent posts` metric.
 *
 * @example
 * await recordCheck(db, { checkedPosts: 1200, inconsistentPosts: 0 });
 */
export async function recordCheck(
  db: Db,
  check: { checkedPosts: number; inconsistentPosts: number },
): Promise<void> {
  try {
    await db.query('SELECT section_sync.record_check($1::bigint, $2::bigint)', [
      check.checkedPosts,
      check.inconsistentPosts,
    ]);
  } catch (error) {
    throw translateDatabaseError(error);
  }
}
