import { DatabaseUnavailableError } from '@section-sync/core';
import type { Db } from './db.js';
import {
  EQUIVALENT_CHECKSUMS,
  loadFunctionFiles,
  loadMigrations,
  type MigrateOptions,
  type Migration,
  type MigrationStatement,
} from './migration-files.js';
import { type LockRetryOptions, withLockRetry } from './online/lock-retry.js';
import { stripComments } from './online/statements.js';
import { DEFAULT_PRODUCT_SCHEMA, inProductSchema, quoteSchema } from './product-schema.js';

export {
  EQUIVALENT_CHECKSUMS,
  loadFunctionFiles,
  loadMigrations,
  type MigrateOptions,
  type Migration,
  type MigrationStatement,
  SQL_DIRECTORY,
} from './migration-files.js';
export { quoteSchema } from './product-schema.js';

// Every migration run holds this advisory lock, so two servers starting at once apply each
// file exactly once. The number is ours: 'ssmg' in ASCII.
const MIGRATION_LOCK_KEY = 0x73736d67;

/** The schema and bookkeeping tables, created before anything else (no host table is locked). */
const BOOTSTRAP_SQL = `CREATE SCHEMA IF NOT EXISTS section_sync;
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
)`;

/** What migrate reports while it works (the CLI shows it). */
export type MigrateEvent =
  | { type: 'file'; name: string; statements: number; transactional: boolean }
  | { type: 'statement'; name: string; index: number; statement: MigrationStatement }
  | { type: 'batch'; name: string; index: number; batch: number; rows: number }
  | { type: 'skipped'; name: string; index: number; condition: string }
  | { type: 'lock-retry'; name: string; attempt: number; delayMs: number; message: string };

export interface MigrateRunOptions extends MigrateOptions, LockRetryOptions {
  onProgress?: (event: MigrateEvent) => void;
}

export interface MigrateResult {
  /** Files applied by this call: versioned migrations, then the function files when any changed. */
  applied: string[];
  /** The highest migration version now recorded. */
  version: number;
}

/** A migration statement failed: which file and statement, the database's error as `cause`. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  readonly code: string | undefined;
  constructor(
    readonly file: string,
    readonly statement: number,
    cause: unknown,
  ) {
    super(`${file}, statement ${statement}: ${(cause as Error)?.message ?? String(cause)}`, {
      cause,
    });
    this.code = (cause as { code?: string } | null)?.code;
  }
}

/** The version `migrate` brings a database to (what readiness checks expect). */
export async function expectedMigrationVersion(): Promise<number> {
  const migrations = await loadMigrations();
  return migrations.at(-1)?.version ?? 0;
}

async function productTableExists(db: Db, productSchema: string, table: string): Promise<boolean> {
  const { rows } = await db.query<{ present: boolean }>(
    'SELECT to_regclass($1) IS NOT NULL AS present',
    [`${quoteSchema(productSchema)}.${table}`],
  );
  return rows[0]?.present === true;
}

/** The highest migration version recorded in the database, 0 when none. */
export async function currentMigrationVersion(
  db: Db,
  options: { productSchema?: string } = {},
): Promise<number> {
  const productSchema = options.productSchema ?? productSchemaOf(db);
  // Two statements: a query naming a missing table fails at parse time, whatever CASE guards it.
  if (!(await productTableExists(db, productSchema, 'migrations'))) return 0;
  const { rows } = await db.query<{ version: number | null }>(
    `SELECT max(version) AS version FROM ${quoteSchema(productSchema)}.migrations`,
  );
  return Number(rows[0]?.version ?? 0);
}

function productSchemaOf(db: Db): string {
  return (db as { productSchema?: string }).productSchema ?? DEFAULT_PRODUCT_SCHEMA;
}

interface Recorded {
  migrations: Map<number, { name: string; checksum: string; applied_at: Date }>;
  functionFiles: { name: string; checksum: string }[];
}

async function readRecords(db: Db, productSchema: string): Promise<Recorded> {
  const q = quoteSchema(productSchema);
  const migrations = new Map<number, { name: string; checksum: string; applied_at: Date }>();
  if (await productTableExists(db, productSchema, 'migrations')) {
    const { rows } = await db.query<{
      version: number;
      name: string;
      checksum: string;
      applied_at: Date;
    }>(`SELECT version, name, checksum, applied_at FROM ${q}.migrations ORDER BY version`);
    for (const r of rows) migrations.set(r.version, r);
  }
  const functionFiles = (await productTableExists(db, productSchema, 'function_files'))
    ? (
        await db.query<{ name: string; checksum: string }>(
          `SELECT name, checksum FROM ${q}.function_files ORDER BY name COLLATE "C"`,
        )
      ).rows
    : [];
  return { migrations, functionFiles };
}

/** Throws when an applied migration's file was edited (unless declared equivalent). */
function assertUnchanged(migration: Migration, previous: { name: string; checksum: string }) {
  if (previous.checksum === migration.checksum) return;
  if (EQUIVALENT_CHECKSUMS[migration.name]?.includes(previous.checksum)) return;
  throw new Error(
    `Migration ${migration.name} was changed after it was applied (as ${previous.name}); ` +
      'ship a new migration file instead of editing an applied one',
  );
}

/** Same names and checksums, in the same order. */
function sameFiles(recorded: { name: string; checksum: string }[], files: Migration[]): boolean {
  return (
    recorded.length === files.length &&
    recorded.every((r, i) => r.name === files[i]?.name && r.checksum === files[i]?.checksum)
  );
}

/** What migrate would apply now: the pending migrations, and whether the functions are stale. */
export interface PendingWork {
  recorded: Recorded;
  migrations: Migration[];
  pending: Migration[];
  functionFiles: Migration[];
  /** Why the function files will be re-applied, or null when they are up to date. */
  functionsReason: string | null;
}

async function pendingWork(db: Db, options: MigrateOptions): Promise<PendingWork> {
  const productSchema = options.productSchema ?? DEFAULT_PRODUCT_SCHEMA;
  const [migrations, functionFiles, recorded] = await Promise.all([
    loadMigrations(options),
    loadFunctionFiles(options),
    readRecords(db, productSchema),
  ]);
  const pending: Migration[] = [];
  for (const migration of migrations) {
    const previous = recorded.migrations.get(migration.version);
    if (previous) assertUnchanged(migration, previous);
    else pending.push(migration);
  }
  let functionsReason: string | null = null;
  if (recorded.functionFiles.length === 0) functionsReason = 'not installed yet';
  else if (!sameFiles(recorded.functionFiles, functionFiles)) {
    const known = new Map(recorded.functionFiles.map((f) => [f.name, f.checksum]));
    const changed = functionFiles
      .filter((f) => known.get(f.name) !== f.checksum)
      .map((f) => (known.has(f.name) ? `${f.name} changed` : `${f.name} is new`));
    const shipped = new Set(functionFiles.map((f) => f.name));
    const gone = recorded.functionFiles.filter((f) => !shipped.has(f.name)).map((f) => f.name);
    functionsReason = [...changed, ...gone.map((g) => `${g} is no longer shipped`)].join(', ');
  } else if (pending.length > 0) functionsReason = 'migrations are pending';
  return { recorded, migrations, pending, functionFiles, functionsReason };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A unique index build that failed (a duplicate written meanwhile, a cancelled build) leaves an
 * invalid index behind, which `IF NOT EXISTS` would then keep: drop it first.
 */
async function dropInvalidIndex(conn: Db, statement: MigrationStatement): Promise<void> {
  const match =
    /CREATE (?:UNIQUE )?INDEX CONCURRENTLY (?:IF NOT EXISTS )?("?[A-Za-z_][\w$]*"?) ON (?:ONLY )?("?[A-Za-z_][\w$]*"?(?:\."?[A-Za-z_][\w$]*"?)?)/i.exec(
      stripComments(statement.sql).replace(/\s+/g, ' '),
    );
  if (!match) return;
  const { rows } = await conn.query<{ invalid: string | null }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS invalid
     FROM pg_class c
     JOIN pg_index i ON i.indexrelid = c.oid
     JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relname = $1 AND i.indrelid = to_regclass($2) AND NOT i.indisvalid`,
    [match[1]!.replaceAll('"', ''), match[2]],
  );
  if (rows[0]?.invalid) await conn.query(`DROP INDEX CONCURRENTLY IF EXISTS ${rows[0].invalid}`);
}

async function conditionHolds(conn: Db, condition: string): Promise<boolean> {
  const { rows } = await conn.query<{ holds: boolean }>(`SELECT (${condition}) AS holds`);
  return rows[0]?.holds === true;
}

/** Runs one migration file on `conn`, recording it in the same transaction as its last step. */
async function applyMigration(
  conn: Db,
  migration: Migration,
  options: MigrateRunOptions,
  inSession: boolean,
  record: (tx: Db) => Promise<void>,
): Promise<void> {
  const progress = options.onProgress;
  const retry: LockRetryOptions = {
    ...options,
    onLockRetry: (event) => {
      options.onLockRetry?.(event);
      progress?.({
        type: 'lock-retry',
        name: migration.name,
        attempt: event.attempt,
        delayMs: event.delayMs,
        message: event.error.message,
      });
    },
  };
  progress?.({
    type: 'file',
    name: migration.name,
    statements: migration.statements.length,
    transactional: migration.transactional || !inSession,
  });
  const failed = (index: number, error: unknown): never => {
    if (error instanceof DatabaseUnavailableError && !isLockTimeoutError(error)) throw error;
    throw new MigrationError(migration.name, index + 1, error);
  };
  if (migration.transactional || !inSession) {
    // One transaction: all of the file or nothing. Inside a caller's transaction (no session)
    // a no-transaction file runs here too, its concurrent builds as plain ones.
    await withLockRetry(
      conn,
      async (tx) => {
        if (migration.transactional) {
          try {
            await tx.exec(migration.sql);
          } catch (error) {
            failed(0, error);
          }
        } else {
          for (const [index, statement] of migration.statements.entries()) {
            progress?.({ type: 'statement', name: migration.name, index, statement });
            try {
              if (statement.onlyIf && !(await conditionHolds(tx, statement.onlyIf))) continue;
              const sql = statement.sql.replace(/\bCONCURRENTLY\s+/i, '');
              do {
                const { rowCount } = await tx.query(sql);
                if (!statement.repeat || rowCount === 0) break;
              } while (statement.repeat);
            } catch (error) {
              failed(index, error);
            }
          }
        }
        await record(tx);
      },
      retry,
    );
    return;
  }
  // No transaction: each statement on its own, concurrent index builds outside any transaction
  // (they never block the host's writes), every other statement in a short one whose lock
  // requests wait at most lockTimeoutMs before it is rolled back and tried again.
  const last = migration.statements.length - 1;
  for (const [index, statement] of migration.statements.entries()) {
    progress?.({ type: 'statement', name: migration.name, index, statement });
    try {
      if (statement.onlyIf && !(await conditionHolds(conn, statement.onlyIf))) {
        progress?.({ type: 'skipped', name: migration.name, index, condition: statement.onlyIf });
        if (index === last) await withLockRetry(conn, record, retry);
        continue;
      }
      if (statement.concurrently) {
        await dropInvalidIndex(conn, statement);
        await conn.query(statement.sql);
        if (index === last) await withLockRetry(conn, record, retry);
        continue;
      }
      for (let batch = 1; ; batch++) {
        const rows = await withLockRetry(
          conn,
          async (tx) => {
            const { rowCount } = await tx.query(statement.sql);
            if (index === last && (!statement.repeat || rowCount === 0)) await record(tx);
            return rowCount;
          },
          retry,
        );
        if (!statement.repeat) break;
        progress?.({ type: 'batch', name: migration.name, index, batch, rows });
        if (rows === 0) break;
        await sleep(0); // let the host's writers in between batches
      }
    } catch (error) {
      failed(index, error);
    }
  }
}

function isLockTimeoutError(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if ((e as { code?: unknown }).code === '55P03') return true;
  }
  return false;
}

/**
 * Installs or upgrades section-sync: its own schema (`section_sync` by default: functions,
 * triggers, the sync log and its bookkeeping tables) and what it needs on the host's
 * `post_development` / `post_section` (created when absent; on existing tables only what is
 * missing is added, host columns are never dropped or rewritten). Idempotent, safe at every
 * start and from several processes at once (an advisory lock).
 *
 * Built for a busy production database: indexes on the host's tables are built `CONCURRENTLY`
 * (writes go on), messy orders are renumbered in short batches, and every lock is requested with
 * `lock_timeout` (`lockTimeoutMs`, 500 ms) and retried with backoff, so migrate never stalls the
 * host's writers behind a long transaction. Given a transaction handle (no `session`) it runs
 * everything in that transaction instead.
 *
 * @example
 * await migrate(fromPg(pool));
 * await migrate(fromPg(pool), { productSchema: 'sync_tools', onProgress: console.log });
 */
export async function migrate(db: Db, options: MigrateRunOptions = {}): Promise<MigrateResult> {
  const productSchema = options.productSchema ?? DEFAULT_PRODUCT_SCHEMA;
  const q = quoteSchema(productSchema);
  const bootstrap = inProductSchema(BOOTSTRAP_SQL, productSchema);
  const run = async (conn: Db, inSession: boolean): Promise<MigrateResult> => {
    await withLockRetry(conn, (tx) => tx.exec(bootstrap), options);
    const { migrations, pending, functionFiles, functionsReason } = await pendingWork(
      conn,
      options,
    );
    const applied: string[] = [];
    for (const migration of pending) {
      await applyMigration(conn, migration, options, inSession, async (tx) => {
        await tx.query(
          `INSERT INTO ${q}.migrations (version, name, checksum) VALUES ($1, $2, $3)`,
          [migration.version, migration.name, migration.checksum],
        );
      });
      applied.push(migration.name);
    }
    if (functionsReason !== null) {
      // One transaction: a trigger and the functions it calls change together. Its locks on the
      // host's tables (DROP/CREATE TRIGGER) are held from the first trigger statement to commit.
      await withLockRetry(
        conn,
        async (tx) => {
          for (const file of functionFiles) {
            options.onProgress?.({
              type: 'file',
              name: file.name,
              statements: file.statements.length,
              transactional: true,
            });
            try {
              await tx.exec(file.sql);
            } catch (error) {
              throw new MigrationError(file.name, 0, error);
            }
          }
          await tx.query(`DELETE FROM ${q}.function_files`);
          await tx.query(
            `INSERT INTO ${q}.function_files (name, checksum)
             SELECT * FROM unnest($1::text[], $2::text[])`,
            [functionFiles.map((f) => f.name), functionFiles.map((f) => f.checksum)],
          );
        },
        options,
      );
      applied.push(...functionFiles.map((f) => f.name));
    }
    return { applied, version: migrations.at(-1)?.version ?? 0 };
  };

  if (db.session) {
    return db.session(async (conn) => {
      await conn.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      try {
        return await run(conn, true);
      } finally {
        await conn.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {});
      }
    });
  }
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    return run(tx, false);
  });
}

export { pendingWork };
