import {
  describeLock,
  isLockTimeout,
  isUnavailableError,
  type MigrateEvent,
  type MigrateResult,
  type MigrationPlan,
  migrate,
  migrationScript,
  planMigrations,
} from '@section-sync/postgres';
import { type CommandContext, DatabaseSetupError, LockWaitError } from '../context.js';
import { seconds } from './report.js';

/** Options of migrate, plan and uninstall that go to @section-sync/postgres. */
export function schemaOptions(ctx: CommandContext) {
  const { options } = ctx;
  return {
    ...(options.schema === undefined ? {} : { schema: options.schema }),
    ...(options.lockTimeoutMs === undefined ? {} : { lockTimeoutMs: options.lockTimeoutMs }),
  };
}

/** A database error of migrate or uninstall as the exit code it deserves. */
export function setupFailure(what: string, error: unknown): never {
  if (isLockTimeout(error)) {
    throw new LockWaitError(
      `${what} gave up waiting for a lock: a long transaction holds a table it needs. Nothing is half-done; run it again later (or raise --lock-timeout).`,
    );
  }
  // A failed migration (edited file, missing privileges) is the operator's to fix: exit 3.
  if (isUnavailableError(error)) throw error;
  throw new DatabaseSetupError(`${what} failed: ${(error as Error).message}`);
}

function firstLine(sql: string): string {
  const code = sql
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('--'));
  const line = code[0] ?? '';
  return line.length > 90 ? `${line.slice(0, 89)}…` : line;
}

/** Progress of a migration on stderr: one line per step that takes time or waits. */
function progressLine(event: MigrateEvent): string | null {
  switch (event.type) {
    case 'file':
      return `migrate: ${event.name} (${event.transactional ? 'one transaction' : `${event.statements} statements, each on its own`})`;
    case 'statement': {
      const locks =
        event.statement.locks.map(describeLock).join('; ') || 'no lock on existing tables';
      return `migrate:   ${event.index + 1}. ${firstLine(event.statement.sql)}  [${locks}]`;
    }
    case 'batch':
      return `migrate:      batch ${event.batch}: ${event.rows} rows`;
    case 'skipped':
      return `migrate:   ${event.index + 1}. skipped (already done)`;
    case 'lock-retry':
      return `migrate:   waiting for a lock (try ${event.attempt} timed out; again in ${event.delayMs} ms): ${event.message}`;
  }
}

function planText(plan: MigrationPlan): string {
  const lines = [
    `Database at migration ${plan.currentVersion} of ${plan.targetVersion} (host schema ${plan.schema}, product schema ${plan.productSchema}).`,
    '',
  ];
  for (const m of plan.migrations) {
    const when = m.appliedAt ? `  applied ${m.appliedAt.toISOString()}` : '';
    const how =
      m.status === 'pending'
        ? `  ${m.transactional ? 'one transaction' : 'statement by statement'}; locks: ${m.locks.map(describeLock).join('; ') || 'none on existing tables'}`
        : '';
    lines.push(`  ${m.status.padEnd(8)} ${m.name}${when}${how}`);
  }
  lines.push(
    plan.functions.reason === null
      ? '  applied  function files (up to date)'
      : `  pending  function files: ${plan.functions.reason}; one transaction; locks: ${
          [...new Set(plan.functions.files.flatMap((f) => f.locks).map(describeLock))].join('; ') ||
          'none'
        }`,
  );
  return lines.join('\n');
}

/**
 * `section-sync migrate`: applies the migrations this version ships, printing each step as it
 * goes. `--dry-run` (or `section-sync plan`) prints which migrations are applied and pending and
 * the exact SQL, with the lock each step takes, and changes nothing.
 */
export async function migrateCommand(ctx: CommandContext): Promise<number> {
  const started = Date.now();
  if (ctx.options.dryRun) {
    let plan: MigrationPlan;
    try {
      plan = await planMigrations(ctx.db, schemaOptions(ctx));
    } catch (error) {
      setupFailure('Planning the migration', error);
    }
    if (ctx.options.json) {
      ctx.out(
        JSON.stringify({ status: 'success', dryRun: true, ...plan, script: migrationScript(plan) }),
      );
    } else {
      ctx.out(`${planText(plan)}\n\n${migrationScript(plan)}\nDry run: nothing was changed.`);
    }
    return 0;
  }
  let result: MigrateResult;
  try {
    result = await migrate(ctx.db, {
      ...schemaOptions(ctx),
      onProgress: (event) => {
        if (ctx.options.quiet) return;
        const line = progressLine(event);
        if (line) ctx.err.write(`${line}\n`);
      },
    });
  } catch (error) {
    setupFailure('Migration', error);
  }
  const elapsedMs = Date.now() - started;
  if (ctx.options.json) {
    ctx.out(JSON.stringify({ status: 'success', ...result, elapsedMs }));
  } else if (result.applied.length === 0) {
    ctx.out(`Up to date: section-sync migration ${result.version} is installed.`);
  } else {
    ctx.out(
      `Applied ${result.applied.length} migration${result.applied.length === 1 ? '' : 's'} in ${seconds(elapsedMs)}: ${result.applied.join(', ')}.`,
    );
  }
  return 0;
}
