import { type Db, pruneSyncLog, type RetentionPolicy } from '@section-sync/postgres';
import type { FastifyBaseLogger } from 'fastify';
import { DEFAULT_RETENTION_INTERVAL_MS, type RetentionTimerOptions } from '../options.js';

/**
 * Prunes the sync log every `intervalMs` with `policy`. The timer is unref'd (it never keeps the
 * process alive); a run still going when the next is due is skipped, not doubled. Returns the
 * stop function, which waits for a run under way.
 *
 * @example
 * const stop = startRetentionTimer(db, { keepLast: 100, intervalMs: 600_000 }, app.log);
 * app.addHook('onClose', stop);
 */
export function startRetentionTimer(
  db: Db,
  options: RetentionPolicy & RetentionTimerOptions,
  log: FastifyBaseLogger,
): () => Promise<void> {
  const { intervalMs = DEFAULT_RETENTION_INTERVAL_MS, batchSize, ...policy } = options;
  let running: Promise<void> | undefined;
  const run = () => {
    if (running) return;
    const started = performance.now();
    running = pruneSyncLog(db, policy, batchSize === undefined ? {} : { batchSize })
      .then(
        ({ pruned, batches }) =>
          log.info(
            { pruned, batches, durationMs: Math.round(performance.now() - started) },
            'section-sync pruned the sync log',
          ),
        (error: unknown) => log.warn({ err: error }, 'section-sync could not prune the sync log'),
      )
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
