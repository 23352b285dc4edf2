import { existsSync } from 'node:fs';
import {
  currentMigrationVersion,
  type Db,
  expectedMigrationVersion,
  fromPg,
  withProductSchema,
} from '@section-sync/postgres';
import pg from 'pg';
import type { CliOptions } from './args.js';
import { openPGliteDir } from './pglite-dir.js';
import { createProgress, type Progress, type ProgressStream } from './progress.js';

/** What a command runs with: the database, where to write, and how. */
export interface CommandContext {
  db: Db;
  options: CliOptions;
  /** Human output, or the JSON document with `--json`. */
  out: (text: string) => void;
  err: ProgressStream;
  progress: (label: string, unit: string) => Progress;
}

/** A database problem the operator must fix first: exit code 3. */
export class DatabaseSetupError extends Error {
  override readonly name = 'DatabaseSetupError';
}

/** migrate or uninstall gave up waiting for a lock (nothing half-done): exit code 4, try later. */
export class LockWaitError extends Error {
  override readonly name = 'LockWaitError';
}

export interface OpenedDatabase {
  db: Db;
  close(): Promise<void>;
}

/** Opens the database the options name (`--pglite <dir>`, `--database-url` or DATABASE_URL). */
export async function openCliDatabase(options: CliOptions): Promise<OpenedDatabase> {
  if (options.pglite) {
    // PGlite would create an empty database in a missing directory: only `migrate` may do that.
    if ((options.command !== 'migrate' || options.dryRun) && !existsSync(options.pglite)) {
      throw new DatabaseSetupError(`No PGlite data directory at ${options.pglite}`);
    }
    const opened = await openPGliteDir(
      options.pglite,
      options.command ?? 'migrate',
      (message) => new DatabaseSetupError(message),
    );
    return { ...opened, db: withProductSchema(opened.db, options.productSchema) };
  }
  if (!options.databaseUrl) {
    throw new DatabaseSetupError(
      'No database: set DATABASE_URL, or pass --database-url <url> or --pglite <dir>',
    );
  }
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 2 });
  pool.on('error', () => {}); // a dropped idle connection surfaces on the next query instead
  return { db: withProductSchema(fromPg(pool), options.productSchema), close: () => pool.end() };
}

/** Refuses to work on a database that `migrate` has not brought up to date. */
export async function requireMigrated(db: Db): Promise<void> {
  const current = await currentMigrationVersion(db);
  const expected = await expectedMigrationVersion();
  if (current < expected) {
    throw new DatabaseSetupError(
      current === 0
        ? 'section-sync is not installed in this database: run `section-sync migrate` first'
        : `The database is at migration ${current} of ${expected}: run \`section-sync migrate\` first`,
    );
  }
}

export function progressFactory(
  err: ProgressStream,
  options: CliOptions,
): (label: string, unit: string) => Progress {
  return (label, unit) => createProgress(label, unit, err, { quiet: options.quiet });
}
