import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import type { Db } from './db.js';

/** Where the SQL files live, for `src` and `dist` alike. */
export const SQL_DIRECTORY = new URL('../sql/', import.meta.url);

// Every migration run holds this transaction-level advisory lock, so two servers starting at
// once apply each file exactly once. The number is ours: 'ssmg' in ASCII.
const MIGRATION_LOCK_KEY = 0x73736d67;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export interface MigrateOptions {
  /** Schema of `post_development`, `post_section` and `section_sync_log`. @default 'public' */
  schema?: string;
}

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrateResult {
  /** Names of the files applied by this call (empty when the database was up to date). */
  applied: string[];
  /** The highest version now recorded. */
  version: number;
}

/** Quotes a schema name taken from options after checking it is a plain identifier. */
export function quoteSchema(schema: string): string {
  if (!IDENTIFIER.test(schema)) {
    throw new TypeError(`Invalid schema name ${JSON.stringify(schema)}: use letters, digits and _`);
  }
  return `"${schema}"`;
}

/** The migrations shipped with this version, in order (`NNNN_name.sql`). */
export async function loadMigrations(options: MigrateOptions = {}): Promise<Migration[]> {
  const schema = quoteSchema(options.schema ?? 'public');
  const files = (await readdir(SQL_DIRECTORY)).filter((f) => /^\d{4}_.+\.sql$/.test(f)).sort();
  return Promise.all(
    files.map(async (file) => {
      const raw = await readFile(new URL(file, SQL_DIRECTORY), 'utf8');
      return {
        version: Number(file.slice(0, 4)),
        name: file,
        sql: raw.replaceAll('{{schema}}', schema),
        checksum: createHash('sha256').update(raw).digest('hex'),
      };
    }),
  );
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

/**
 * Installs or upgrades section-sync's tables, functions and triggers. Idempotent, safe to call at
 * every start and from several processes at once; it adds what is missing to existing
 * `post_development` / `post_section` tables and never drops or rewrites host columns.
 *
 * @example
 * await migrate(fromPg(pool));
 */
export async function migrate(db: Db, options: MigrateOptions = {}): Promise<MigrateResult> {
  const migrations = await loadMigrations(options);
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.exec(`
      CREATE SCHEMA IF NOT EXISTS section_sync;
      CREATE TABLE IF NOT EXISTS section_sync.migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      );`);
    const { rows } = await tx.query<{ version: number; name: string; checksum: string }>(
      'SELECT version, name, checksum FROM section_sync.migrations ORDER BY version',
    );
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
    return { applied, version: migrations.at(-1)?.version ?? 0 };
  });
}
