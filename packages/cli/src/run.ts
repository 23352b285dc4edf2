import { readFileSync } from 'node:fs';
import { SectionFormatError, SectionSyncError } from '@section-sync/core';
import { isUnavailableError } from '@section-sync/postgres';
import { type CliOptions, type CommandName, parseCli, UsageError } from './args.js';
import { checkCommand } from './commands/check.js';
import { migrateCommand } from './commands/migrate.js';
import { normalizeCommand } from './commands/normalize.js';
import { pruneCommand } from './commands/prune.js';
import { repairCommand } from './commands/repair.js';
import { syncCommand } from './commands/sync.js';
import { uninstallCommand } from './commands/uninstall.js';
import {
  type CommandContext,
  DatabaseSetupError,
  LockWaitError,
  openCliDatabase,
  progressFactory,
  requireMigrated,
} from './context.js';
import { helpText } from './help.js';
import type { ProgressStream } from './progress.js';

/** Exit codes, documented in `--help`. */
export const EXIT = { ok: 0, problems: 1, usage: 2, database: 3, lockWait: 4 } as const;

const COMMANDS: Record<CommandName, (ctx: CommandContext) => Promise<number>> = {
  migrate: migrateCommand,
  plan: migrateCommand,
  uninstall: uninstallCommand,
  check: checkCommand,
  repair: repairCommand,
  normalize: normalizeCommand,
  sync: syncCommand,
  prune: pruneCommand,
};

export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: { write(text: string): unknown };
  stderr: ProgressStream;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return String(pkg.version);
}

/** An error as the sentence the operator reads (with the place, for a bad master). */
function describe(error: unknown): string {
  if (error instanceof SectionFormatError) {
    const where =
      error.line !== undefined && !/^Line \d/.test(error.message)
        ? `Line ${error.line}${error.column === undefined ? '' : `, column ${error.column}`}: `
        : '';
    return `The master cannot be parsed. ${where}${error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}

function fail(io: CliIo, options: CliOptions | undefined, code: string, message: string): void {
  if (options?.json) io.stdout.write(`${JSON.stringify({ status: 'error', code, message })}\n`);
  io.stderr.write(`section-sync: ${message}\n`);
}

/**
 * Runs the `section-sync` command line and returns its exit code.
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), process);
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let options: CliOptions;
  try {
    options = parseCli(argv, io.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`section-sync: ${error.message}\nRun \`section-sync --help\` for usage.\n`);
    return EXIT.usage;
  }
  if (options.version) {
    io.stdout.write(`${version()}\n`);
    return EXIT.ok;
  }
  if (options.help || !options.command) {
    (options.help ? io.stdout : io.stderr).write(helpText(options.command));
    return options.help ? EXIT.ok : EXIT.usage;
  }

  let opened: Awaited<ReturnType<typeof openCliDatabase>> | undefined;
  try {
    opened = await openCliDatabase(options);
    // migrate, plan and uninstall work on any database; the others need it up to date.
    if (!['migrate', 'plan', 'uninstall'].includes(options.command)) {
      await requireMigrated(opened.db);
    }
    return await COMMANDS[options.command]({
      db: opened.db,
      options,
      out: (text) => io.stdout.write(`${text}\n`),
      err: io.stderr,
      progress: progressFactory(io.stderr, options),
    });
  } catch (error) {
    if (error instanceof UsageError) {
      fail(io, options, 'usage', error.message);
      return EXIT.usage;
    }
    if (error instanceof DatabaseSetupError) {
      fail(io, options, 'database_setup', error.message);
      return EXIT.database;
    }
    if (error instanceof LockWaitError) {
      fail(io, options, 'lock_wait', error.message);
      return EXIT.lockWait;
    }
    if (isUnavailableError(error)) {
      fail(io, options, 'database_unavailable', describe(error));
      return EXIT.database;
    }
    if (error instanceof SectionSyncError) {
      fail(io, options, error.code, describe(error));
      return EXIT.problems;
    }
    throw error;
  } finally {
    await opened?.close().catch(() => {});
  }
}
