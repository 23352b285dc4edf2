import { migrate } from '@section-sync/core/postgres';
import type { CommandContext } from '../context.js';

/** `section-sync migrate`: applies the migrations this version ships. */
export async function migrateCommand(ctx: CommandContext): Promise<number> {
  const started = Date.now();
  const result = await migrate(ctx.db);
  const elapsedMs = Date.now() - started;
  if (ctx.options.json) {
    ctx.out(JSON.stringify({ status: 'success', ...result, elapsedMs }));
  } else if (result.applied.length === 0) {
    ctx.out(`Up to date: section-sync migration ${result.version} is installed.`);
  } else {
    ctx.out(
      `Applied ${result.applied.length} migration${result.applied.length === 1 ? '' : 's'} in ${(elapsedMs / 1000).toFixed(1)} s: ${result.applied.join(', ')}.`,
    );
  }
  return 0;
}
