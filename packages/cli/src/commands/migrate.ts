import { isUnavailableError, type MigrateResult, migrate } from '@section-sync/postgres';
import { type CommandContext, DatabaseSetupError } from '../context.js';

/** `section-sync migrate`: applies the migrations this version ships. */
export async function migrateCommand(ctx: CommandContext): Promise<number> {
  const started = Date.now();
  let result: MigrateResult;
  try {
    result = await migrate(ctx.db);
  } catch (error) {
    // A failed migration (edited file, missing privileges) is the operator's to fix: exit 3.
    if (isUnavailableError(error)) throw error;
    throw new DatabaseSetupError(`Migration failed: ${(error as Error).message}`);
  }
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
