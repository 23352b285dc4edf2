import { DatabaseBusyError, type SectionLimits, type SyncOrigin } from '@section-sync/core';
import { isRetryableTransactionError, translateDatabaseError } from '../database-errors.js';
import type { Db } from '../db.js';
import { toStoreError } from './errors.js';

/** What every part of the store shares. */
export interface StoreContext {
  db: Db;
  origin: SyncOrigin;
  limits: Partial<SectionLimits>;
  maxRetries: number;
}

/** Carries a dry run's result out of `db.transaction`, which rolls back on any throw. */
class DryRunRollback<T> {
  constructor(readonly result: T) {}
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The transaction-local settings of a write, as `section_sync.store_begin` applies them:
 * origin, and the limits the store was created with (the parser reads them when called
 * without explicit limits).
 */
export function writeSettings(context: StoreContext, origin?: SyncOrigin): string {
  return JSON.stringify({ origin: origin ?? context.origin, ...limitSettings(context) });
}

/**
 * The store's limits as `section_sync.*` settings (`{max_sections: '600', ...}`), empty when it
 * uses the defaults: what a read that parses (the consistency check) applies first.
 */
export function limitSettings(context: StoreContext): Record<string, string> {
  const { limits } = context;
  const settings: Record<string, string> = {};
  if (limits.maxSections !== undefined) settings.max_sections = String(limits.maxSections);
  if (limits.maxHeadingLength !== undefined) {
    settings.max_heading_length = String(limits.maxHeadingLength);
  }
  if (limits.maxDescriptionLength !== undefined) {
    settings.max_description_length = String(limits.maxDescriptionLength);
  }
  if (limits.maxStatusLength !== undefined) {
    settings.max_status_length = String(limits.maxStatusLength);
  }
  return settings;
}

/**
 * Runs `attempt` again (whole) after a deadlock or serialization failure, up to `maxRetries`
 * times with a short jittered pause; still failing, it is `DatabaseBusyError` (503, retry
 * later). Database errors become the store's errors; `field` names the request field a refused
 * value came from.
 */
async function withRetries<T>(
  context: StoreContext,
  postId: number,
  attempt: () => Promise<T>,
  field?: string,
): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await attempt();
    } catch (error) {
      if (error instanceof DryRunRollback) return error.result as T;
      if (isRetryableTransactionError(error)) {
        if (retry < context.maxRetries) {
          // Jitter so two transactions that deadlocked do not meet again at the same moment.
          await sleep(5 * 2 ** retry + Math.random() * 20);
          continue;
        }
        throw new DatabaseBusyError(
          `The database stayed busy (${(error as { code: string }).code}, ${retry + 1} attempts) for post ${postId}: try again`,
          { cause: error },
        );
      }
      // Translated again: PGlite's own transaction() throws 'PGlite is closed' untranslated.
      throw toStoreError(translateDatabaseError(error), postId, field);
    }
  }
}

/**
 * Runs `fn` in one transaction, retried after deadlocks and serialization failures; rolled back
 * at the end when `dryRun`, so a dry run is exactly the write and changes nothing.
 *
 * @example
 * const results = await inTransaction(context, postId, dryRun, (tx) => tx.query(...));
 */
export function inTransaction<T>(
  context: StoreContext,
  postId: number,
  dryRun: boolean,
  fn: (tx: Db) => Promise<T>,
  field?: string,
): Promise<T> {
  return withRetries(
    context,
    postId,
    () =>
      context.db.transaction(async (tx) => {
        const result = await fn(tx);
        if (dryRun) throw new DryRunRollback(result);
        return result;
      }),
    field,
  );
}

/**
 * Runs one statement that does a whole write: a statement is a transaction of its own, so no
 * BEGIN / COMMIT round trips are needed unless it is a dry run (which must be rolled back).
 */
export function inOneStatement<T>(
  context: StoreContext,
  postId: number,
  dryRun: boolean,
  statement: (db: Db) => Promise<T>,
  field?: string,
): Promise<T> {
  if (dryRun) return inTransaction(context, postId, true, statement, field);
  return withRetries(context, postId, () => statement(context.db), field);
}
