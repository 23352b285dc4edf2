import { pruneSyncLog, type RetentionPolicy } from '@section-sync/postgres';
import type { CommandContext } from '../context.js';
import { count, seconds } from './report.js';

function describePolicy(policy: RetentionPolicy): string {
  const parts = [];
  if (policy.keepLast !== undefined) parts.push(`beyond the last ${policy.keepLast} of each post`);
  if (policy.olderThanDays !== undefined) parts.push(`older than ${policy.olderThanDays} days`);
  return parts.join(' and ');
}

/**
 * `section-sync prune`: deletes the sync log entries the retention policy lets go, in short
 * batches (never a post's newest entry). Counts them first, for the progress bar.
 */
export async function pruneCommand(ctx: CommandContext): Promise<number> {
  const started = Date.now();
  const { options } = ctx;
  const policy: RetentionPolicy = {
    ...(options.keepLast === undefined ? {} : { keepLast: options.keepLast }),
    ...(options.olderThanDays === undefined ? {} : { olderThanDays: options.olderThanDays }),
  };
  const batchSize = options.batchSize;
  const { pruned: total } = await pruneSyncLog(ctx.db, policy, { batchSize, dryRun: true });
  let pruned = total;
  if (!options.dryRun && total > 0) {
    const progress = ctx.progress('prune', 'entries');
    progress.update(0, total);
    const run = await pruneSyncLog(ctx.db, policy, {
      batchSize,
      onProgress: (done) => progress.update(done, Math.max(total, done)),
    });
    progress.finish();
    pruned = run.pruned;
  }
  const elapsedMs = Date.now() - started;

  if (options.json) {
    ctx.out(
      JSON.stringify({ status: 'success', dryRun: options.dryRun, policy, pruned, elapsedMs }),
    );
  } else {
    const verb = options.dryRun ? 'Would prune' : 'Pruned';
    ctx.out(
      `${verb} ${count(pruned, 'sync log entry', 'sync log entries')} ${describePolicy(policy)} in ${seconds(elapsedMs)}.${options.dryRun ? '\nDry run: nothing was changed.' : ''}`,
    );
  }
  return 0;
}
