import { createStore } from '@section-sync/postgres';
import { parsePostId } from '../args.js';
import type { CommandContext } from '../context.js';
import { describeChanges } from './report.js';

const DIRECTION_WORDS = {
  to_sections: 'master → sections',
  to_development: 'sections → master',
  both: 'both ways',
} as const;

/** `section-sync sync <postId> --direction ...`: syncs one post. */
export async function syncCommand(ctx: CommandContext): Promise<number> {
  const postId = parsePostId(ctx.options.args[0]!);
  const direction = ctx.options.direction ?? 'both';
  const store = createStore(ctx.db, { origin: 'cli', limits: ctx.options.limits });
  const outcome = await store.sync(postId, direction, {
    dryRun: ctx.options.dryRun,
    origin: 'cli',
  });
  if (ctx.options.json) {
    ctx.out(JSON.stringify({ status: 'success', direction, ...outcome }));
  } else {
    const verb = ctx.options.dryRun ? 'would sync' : 'synced';
    ctx.out(
      `Post ${postId} ${verb} ${DIRECTION_WORDS[direction]}: ${describeChanges(outcome.changes)} (version ${outcome.version}, ${outcome.sections.length} sections).`,
    );
  }
  return 0;
}
