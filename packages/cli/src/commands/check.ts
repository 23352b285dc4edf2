import type { SyncStatus } from '@section-sync/core';
import { createStore, recordCheck } from '@section-sync/postgres';
import type { CommandContext } from '../context.js';
import { count, listSome, seconds } from './report.js';
import { consistencyPages, countPosts } from './scan.js';

const DIFFERENCE_WORDS: Record<string, string> = {
  heading: 'heading differs',
  description: 'description differs',
  status: 'status differs',
  id: 'id differs',
  missing_in_master: 'only in the rows',
  missing_in_sections: 'only in the master',
};

function firstDifference(status: SyncStatus): string {
  const d = status.differences[0];
  if (!d) return '';
  const value = d.master ?? d.section;
  return `  #${d.order} ${DIFFERENCE_WORDS[d.field] ?? d.field}${value === null ? '' : `: ${JSON.stringify(value)}`}`;
}

/**
 * `section-sync check`: every post's consistency; exit 1 when any post is inconsistent. The
 * result is recorded in the database for the `section_sync_inconsistent_posts` metric.
 */
export async function checkCommand(ctx: CommandContext): Promise<number> {
  const started = Date.now();
  const store = createStore(ctx.db, { origin: 'cli', limits: ctx.options.limits });
  const total = await countPosts(ctx.db);
  const progress = ctx.progress('check', 'posts');
  progress.update(0, total);
  const byStatus: Record<string, number> = {};
  const inconsistent: SyncStatus[] = [];
  let done = 0;
  for await (const page of consistencyPages(store)) {
    for (const item of page) {
      byStatus[item.status] = (byStatus[item.status] ?? 0) + 1;
      if (item.status !== 'OK') inconsistent.push(item);
    }
    done += page.length;
    progress.update(done, Math.max(total, done));
  }
  progress.finish();
  // For the metrics (section_sync_inconsistent_posts), whichever server is scraped.
  await recordCheck(ctx.db, { checkedPosts: done, inconsistentPosts: inconsistent.length });
  const elapsedMs = Date.now() - started;
  const ok = done - inconsistent.length;

  if (ctx.options.json) {
    ctx.out(
      JSON.stringify({
        status: inconsistent.length === 0 ? 'ok' : 'inconsistent',
        total: done,
        ok,
        inconsistent: inconsistent.length,
        byStatus,
        elapsedMs,
        posts: inconsistent,
      }),
    );
  } else {
    const lines = [
      `Checked ${count(done, 'post')} in ${seconds(elapsedMs)}: ${ok.toLocaleString('en-US')} OK, ${inconsistent.length.toLocaleString('en-US')} inconsistent.`,
    ];
    if (inconsistent.length > 0) {
      for (const [status, n] of Object.entries(byStatus)) {
        if (status !== 'OK') lines.push(`  ${status.padEnd(18)} ${n.toLocaleString('en-US')}`);
      }
      lines.push('', 'Inconsistent posts:');
      lines.push(
        ...listSome(inconsistent, 20, (s) =>
          `post ${String(s.postId).padEnd(8)} ${s.status.padEnd(17)} master ${s.masterCount}, rows ${s.sectionCount}${firstDifference(s)}`.trimEnd(),
        ),
      );
      lines.push(
        '',
        'Repair them with `section-sync repair` (see first: `section-sync repair --dry-run`).',
      );
    }
    ctx.out(lines.join('\n'));
  }
  return inconsistent.length === 0 ? 0 : 1;
}
