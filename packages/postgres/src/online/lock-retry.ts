import type { Db } from '../db.js';

/** How migrate waits for the locks a step needs. */
export interface LockRetryOptions {
  /**
   * Longest one lock request may wait (`lock_timeout`). While it waits, every host write that
   * queues behind it waits too, so this bounds the stall a migration can cause; past it the step
   * rolls back and is tried again later.
   * @default 500
   */
  lockTimeoutMs?: number;
  /**
   * Tries of a step whose lock request timed out (a long host transaction holding the table).
   * @default 40
   */
  lockRetries?: number;
  /**
   * Upper bound of the pause between tries, in milliseconds; it doubles from 100 ms, with jitter.
   * @default 5000
   */
  lockRetryMaxDelayMs?: number;
  /** Called before each retry (the CLI shows it). */
  onLockRetry?: (event: { attempt: number; delayMs: number; error: Error }) => void;
}

/** lock_not_available (55P03), possibly wrapped by the adapters as DatabaseUnavailableError. */
export function isLockTimeout(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if ((e as { code?: unknown }).code === '55P03') return true;
  }
  return false;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `step` in a transaction whose lock requests wait at most `lockTimeoutMs`; when one times
 * out (a host transaction holds the table), the transaction rolls back, releasing the queue of
 * writers behind it, and the step is tried again after a backoff.
 *
 * @example
 * await withLockRetry(db, (tx) => tx.exec('ALTER TABLE post_section ADD COLUMN x int'));
 */
export async function withLockRetry<T>(
  db: Db,
  step: (tx: Db) => Promise<T>,
  options: LockRetryOptions = {},
): Promise<T> {
  const timeout = options.lockTimeoutMs ?? 500;
  const retries = options.lockRetries ?? 40;
  const maxDelay = options.lockRetryMaxDelayMs ?? 5000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(async (tx) => {
        await tx.query(`SELECT set_config('lock_timeout', $1, true)`, [`${timeout}ms`]);
        return step(tx);
      });
    } catch (error) {
      if (!isLockTimeout(error) || attempt > retries) throw error;
      const delayMs = Math.round(
        Math.min(maxDelay, 100 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2),
      );
      options.onLockRetry?.({ attempt, delayMs, error: error as Error });
      await sleep(delayMs);
    }
  }
}
