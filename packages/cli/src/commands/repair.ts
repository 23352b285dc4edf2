import { createStore } from '@section-sync/postgres';
import type { CommandContext } from '../context.js';
import { failureLine, syncInBatches } from './bulk.js';
import { count, describeChanges, listSome, seconds } from './report.js';
import { consistencyPages } from './scan.js';

/** `section-sync repair`: syncs every inconsistent post (the master wins by default). */
export async function repairCommand(ctx: CommandContext): Promise<number> {
  const started = Date.now();
  const { options } = ctx;
  const direction = options.direction ?? 'both';
  const store = createStore(ctx.db, { origin: 'cli', limits: ctx.options.limits });
  const postIds: number[] = [];
  const statusOf = new Map<number, string>();
  for await (const page of consistencyPages(store, { inconsistent: true })) {
    for (const item of page) {
      postIds.push(item.postId);
      statusOf.set(item.postId, item.status);
    }
  }
  const run = await syncInBatches(store, postIds, {
    direction,
    batchSize: options.batchSize,
    dryRun: options.dryRun,
    progress: ctx.progress(options.dryRun ? 'repair (dry run)' : 'repair', 'posts'),
  });
  const elapsedMs = Date.now() - started;

  if (options.json) {
    ctx.out(
      JSON.stringify({
        status: run.failed.length === 0 ? 'success' : 'partial',
        dryRun: options.dryRun,
        direction,
        inconsistent: postIds.length,
        succeeded: run.succeeded,
        failed: run.failed.length,
        changes: run.changes,
        elapsedMs,
        results: run.results.map((r) => ({ ...r, before: statusOf.get(r.postId) })),
      }),
    );
  } else if (postIds.length === 0) {
    ctx.out('Nothing to repair: every post is consistent.');
  } else {
    const verb = options.dryRun ? 'Would repair' : 'Repaired';
    const lines = [
      `${verb} ${count(run.succeeded, 'post')} of ${count(postIds.length, 'inconsistent post')} in ${seconds(elapsedMs)} (direction ${direction}): ${describeChanges(run.changes)}.`,
    ];
    if (run.failed.length > 0) {
      lines.push(`${count(run.failed.length, 'post')} could not be repaired:`);
      lines.push(...listSome(run.failed, 20, failureLine));
    }
    if (options.dryRun) lines.push('Dry run: nothing was changed.');
    ctx.out(lines.join('\n'));
  }
  return run.failed.length === 0 ? 0 : 1;
}
