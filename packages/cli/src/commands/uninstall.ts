import {
  describeLock,
  planUninstall,
  UninstallBlockedError,
  type UninstallPlan,
  uninstall,
} from '@section-sync/postgres';
import { type CommandContext, DatabaseSetupError } from '../context.js';
import { schemaOptions, setupFailure } from './migrate.js';

function script(plan: UninstallPlan): string {
  const lines = ['BEGIN;'];
  for (const s of plan.statements) {
    for (const lock of s.locks) lines.push(`-- lock: ${describeLock(lock)}`);
    lines.push(`${s.sql};`);
  }
  lines.push('COMMIT;');
  return lines.join('\n');
}

function keptText(plan: UninstallPlan): string[] {
  if (plan.kept.length === 0) return [];
  return [
    '',
    "Kept on the host's tables (they hold data or guard it; --drop-host-additions drops them too):",
    ...plan.kept.map((k) => `  ${k}`),
  ];
}

/**
 * `section-sync uninstall`: drops section-sync's triggers on the host's tables, then its schema
 * (functions, sync log, bookkeeping, migration records), in one transaction. The host's tables and
 * rows stay. `--dry-run` prints the exact SQL first; without it, `--yes` is required.
 */
export async function uninstallCommand(ctx: CommandContext): Promise<number> {
  const options = {
    ...schemaOptions(ctx),
    dropHostAdditions: ctx.options.dropHostAdditions,
  };
  let plan: UninstallPlan;
  try {
    plan = ctx.options.dryRun
      ? await planUninstall(ctx.db, options)
      : await uninstall(ctx.db, options);
  } catch (error) {
    if (error instanceof UninstallBlockedError) throw new DatabaseSetupError(error.message);
    setupFailure('Uninstall', error);
  }
  if (!ctx.options.dryRun && plan.blockers.length > 0) {
    throw new DatabaseSetupError(new UninstallBlockedError(plan.blockers).message);
  }
  if (ctx.options.json) {
    ctx.out(
      JSON.stringify({
        status: plan.blockers.length > 0 ? 'blocked' : 'success',
        dryRun: ctx.options.dryRun,
        nothingInstalled: plan.nothingInstalled,
        statements: plan.statements,
        kept: plan.kept,
        blockers: plan.blockers,
      }),
    );
    return plan.blockers.length > 0 ? 3 : 0;
  }
  if (plan.nothingInstalled && plan.statements.length === 0) {
    ctx.out('Nothing to uninstall: section-sync is not installed in this database.');
    return 0;
  }
  const lines: string[] = [];
  if (ctx.options.dryRun) {
    lines.push('section-sync uninstall would run, in one transaction:', '', script(plan));
    if (plan.blockers.length > 0) {
      lines.push(
        '',
        'It would refuse: objects outside section-sync use it (drop or change them first):',
      );
      lines.push(...plan.blockers.map((b) => `  ${b}`));
    }
    lines.push(...keptText(plan), '', 'Dry run: nothing was changed. Run it with --yes.');
  } else {
    lines.push(
      `Uninstalled section-sync: ${plan.statements.length} statements; the host's tables and rows are untouched.`,
      ...keptText(plan),
    );
  }
  ctx.out(lines.join('\n'));
  return plan.blockers.length > 0 ? 3 : 0;
}
