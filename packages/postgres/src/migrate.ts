import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import type { Db } from './db.js';

/** Where the SQL files live, for `src` and `dist` alike. */
export const SQL_DIRECTORY = new URL('../sql/', import.meta.url);
const MIGRATIONS_DIRECTORY = new URL('migrations/', SQL_DIRECTORY);
const FUNCTIONS_DIRECTORY = new URL('functions/', SQL_DIRECTORY);

// Every migration run holds this transaction-level advisory lock, so two servers starting at
// once apply each file exactly once. The number is ours: 'ssmg' in ASCII.
const MIGRATION_LOCK_KEY = 0x73736d67;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export interface MigrateOptions {
  /** Schema of the host's `post_development` and `post_section`. @default 'public' */
  schema?: string;
}

/** One SQL file: a versioned migration (`NNNN_name.sql`) or a repeatable function file. */
export interface Migration {
  /** The migration's number; 0 for a repeatable file. */
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrateResult {
  /** Files applied by this call: versioned migrations, then the function files when any changed. */
  applied: string[];
  /** The highest migration version now recorded. */
  version: number;
}

/** Quotes a schema name taken from options after checking it is a plain identifier. */
export function quoteSchema(schema: string): string {
  if (!IDENTIFIER.test(schema)) {
    throw new TypeError(`Invalid schema name ${JSON.stringify(schema)}: use letters, digits and _`);
  }
  return `"${schema}"`;
}

/**
 * Reads the SQL files of a directory. `{{schema}}` becomes the host's schema as a quoted
 * identifier, `{{schema_literal}}` as a string literal (the name is a checked identifier).
 */
async function loadDirectory(
  directory: URL,
  pattern: RegExp,
  schema: string,
  versionOf: (file: string) => number,
): Promise<Migration[]> {
  const files = (await readdir(directory)).filter((f) => pattern.test(f)).sort();
  return Promise.all(
    files.map(async (file) => {
      const raw = await readFile(new URL(file, directory), 'utf8');
      return {
        version: versionOf(file),
        name: file,
        sql: raw
          .replaceAll('{{schema}}', quoteSchema(schema))
          .replaceAll('{{schema_literal}}', `'${schema}'`),
        checksum: createHash('sha256').update(raw).digest('hex'),
      };
    }),
  );
}

/**
 * The versioned migrations shipped with this version, in order (`sql/migrations/NNNN_name.sql`):
 * tables, indexes, constraints and data changes, each applied once and never edited after.
 */
export async function loadMigrations(options: MigrateOptions = {}): Promise<Migration[]> {
  const schema = options.schema ?? 'public';
  quoteSchema(schema);
  return loadDirectory(MIGRATIONS_DIRECTORY, /^\d{4}_.+\.sql$/, schema, (f) =>
    Number(f.slice(0, 4)),
  );
}

/**
 * The repeatable function files (`sql/functions/*.sql`, in name order): functions and triggers,
 * written to be run again. `migrate` re-applies all of them whenever any one changed.
 */
export async function loadFunctionFiles(options: MigrateOptions = {}): Promise<Migration[]> {
  const schema = options.schema ?? 'public';
  quoteSchema(schema);
  return loadDirectory(FUNCTIONS_DIRECTORY, /^.+\.sql$/, schema, () => 0);
}

/** The version `migrate` brings a database to (what readiness checks expect). */
export async function expectedMigrationVersion(): Promise<number> {
  const migrations = await loadMigrations();
  return migrations.at(-1)?.version ?? 0;
}

/** The highest migration version recorded in the database, 0 when none. */
export async function currentMigrationVersion(db: Db): Promise<number> {
  // Two statements: a query naming a missing table fails at parse time, whatever CASE guards it.
  const { rows: found } = await db.query<{ present: boolean }>(
    `SELECT to_regclass('section_sync.migrations') IS NOT NULL AS present`,
  );
  if (!found[0]?.present) return 0;
  const { rows } = await db.query<{ version: number | null }>(
    'SELECT max(version) AS version FROM section_sync.migrations',
  );
  return Number(rows[0]?.version ?? 0);
}

/** Same names and checksums, in the same order. */
function sameFiles(recorded: { name: string; checksum: string }[], files: Migration[]): boolean {
  return (
    recorded.length === files.length &&
    recorded.every((r, i) => r.name === files[i]?.name && r.checksum === files[i]?.checksum)
  );
}

/**
 * Installs or upgrades section-sync: its own schema `section_sync` (functions, triggers, the sync
 * log and its bookkeeping tables) and what it needs on the host's `post_development` /
 * `post_section` (created when absent; on existing tables only what is missing is added, host
 * columns are never dropped or rewritten). Idempotent, safe to call at every start and from
 * several processes at once: one transaction under an advisory lock.
 *
 * @example
 * await migrate(fromPg(pool));
 */
export async function migrate(db: Db, options: MigrateOptions = {}): Promise<MigrateResult> {
  const [migrations, functionFiles] = await Promise.all([
    loadMigrations(options),
    loadFunctionFiles(options),
  ]);
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.exec(`
      CREATE SCHEMA IF NOT EXISTS section_sync;
      CREATE TABLE IF NOT EXISTS section_sync.migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE IF NOT EXISTS section_sync.function_files (
        name text PRIMARY KEY,
        checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      );`);
    const { rows } = await tx.query<{ version: number; name: string; checksum: string }>(
      'SELECT version, name, checksum FROM section_sync.migrations ORDER BY version',
    );
    // Versions 2 to 6 were function files run once, now the repeatable files of sql/functions/:
    // databases that recorded them keep the records, which no shipped file matches any more.
    const recorded = new Map(rows.map((r) => [r.version, r]));
    const applied: string[] = [];
    for (const migration of migrations) {
      const previous = recorded.get(migration.version);
      if (previous) {
        if (previous.checksum !== migration.checksum) {
          throw new Error(
            `Migration ${migration.name} was changed after it was applied (as ${previous.name}); ` +
              'ship a new migration file instead of editing an applied one',
          );
        }
        continue;
      }
      await tx.exec(migration.sql);
      await tx.query(
        'INSERT INTO section_sync.migrations (version, name, checksum) VALUES ($1, $2, $3)',
        [migration.version, migration.name, migration.checksum],
      );
      applied.push(migration.name);
    }

    const { rows: recordedFunctions } = await tx.query<{ name: string; checksum: string }>(
      'SELECT name, checksum FROM section_sync.function_files ORDER BY name COLLATE "C"',
    );
    if (applied.length > 0 || !sameFiles(recordedFunctions, functionFiles)) {
      for (const file of functionFiles) await tx.exec(file.sql);
      await tx.query('DELETE FROM section_sync.function_files');
      await tx.query(
        `INSERT INTO section_sync.function_files (name, checksum)
         SELECT * FROM unnest($1::text[], $2::text[])`,
        [functionFiles.map((f) => f.name), functionFiles.map((f) => f.checksum)],
      );
      applied.push(...functionFiles.map((f) => f.name));
    }
    return { applied, version: migrations.at(-1)?.version ?? 0 };
  });
}
