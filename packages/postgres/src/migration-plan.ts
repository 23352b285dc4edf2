import type { Db } from './db.js';
import { bootstrapSql, pendingWork } from './migrate.js';
import type { MigrateOptions, Migration, MigrationStatement } from './migration-files.js';
import { describeLock, mergeLocks, type TableLock } from './online/locks.js';
import { productSchemaOf, quoteSchema } from './product-schema.js';

/** One step of the plan: a statement and how it runs. */
export interface PlannedStatement {
  sql: string;
  locks: TableLock[];
  /** `transaction`: in the file's one transaction; `own transaction`; `no transaction` (concurrent builds). */
  runs: 'transaction' | 'own transaction' | 'no transaction';
  onlyIf?: string;
  repeat: boolean;
}

export interface PlannedFile {
  name: string;
  /** 0 for the function files. */
  version: number;
  status: 'applied' | 'pending';
  appliedAt?: Date;
  /** One transaction for the whole file, or each statement on its own. */
  transactional: boolean;
  /** Pending files only. */
  statements: PlannedStatement[];
  /** The strongest lock per table over the whole file (pending files only). */
  locks: TableLock[];
}

/** What `migrate` would do now, without doing it (`section-sync migrate --dry-run`). */
export interface MigrationPlan {
  schema: string;
  productSchema: string;
  currentVersion: number;
  targetVersion: number;
  migrations: PlannedFile[];
  /** The repeatable function files: re-applied, in one transaction, when `reason` is set. */
  functions: { reason: string | null; files: PlannedFile[] };
  /** Lock wait per request before a step is rolled back and tried again. */
  lockTimeoutMs: number;
  /** The product schema and migration records, when they do not exist yet. */
  bootstrap: string | null;
}

function plannedStatement(statement: MigrationStatement, file: Migration): PlannedStatement {
  return {
    sql: statement.sql,
    locks: statement.locks,
    runs: file.transactional
      ? 'transaction'
      : statement.concurrently
        ? 'no transaction'
        : 'own transaction',
    ...(statement.onlyIf === undefined ? {} : { onlyIf: statement.onlyIf }),
    repeat: statement.repeat,
  };
}

function plannedFile(file: Migration, pending: boolean, appliedAt?: Date): PlannedFile {
  const statements = pending ? file.statements.map((s) => plannedStatement(s, file)) : [];
  return {
    name: file.name,
    version: file.version,
    status: pending ? 'pending' : 'applied',
    ...(appliedAt ? { appliedAt } : {}),
    transactional: file.transactional,
    statements,
    locks: mergeLocks(statements.flatMap((s) => s.locks)),
  };
}

async function installed(db: Db, productSchema: string): Promise<boolean> {
  const { rows } = await db.query<{ present: boolean }>(
    `SELECT to_regclass($1) IS NOT NULL AND to_regclass($2) IS NOT NULL AS present`,
    [`${quoteSchema(productSchema)}.migrations`, `${quoteSchema(productSchema)}.function_files`],
  );
  return rows[0]?.present === true;
}

/**
 * A lock on a table that does not exist yet (created earlier in the same run) makes nobody
 * wait: leave it out, so the plan shows the locks that matter.
 */
async function dropLocksOnMissingTables(db: Db, files: PlannedFile[]): Promise<void> {
  const tables = [
    ...new Set(files.flatMap((f) => f.statements.flatMap((s) => s.locks.map((l) => l.table)))),
  ];
  if (tables.length === 0) return;
  const { rows } = await db.query<{ name: string }>(
    'SELECT name FROM unnest($1::text[]) AS name WHERE to_regclass(name) IS NOT NULL',
    [tables],
  );
  const existing = new Set(rows.map((r) => r.name));
  for (const file of files) {
    for (const s of file.statements) s.locks = s.locks.filter((l) => existing.has(l.table));
    file.locks = mergeLocks(file.statements.flatMap((s) => s.locks));
  }
}

/**
 * What {@link migrate} would apply to this database, statement by statement with the locks each
 * takes, and what is already applied. Reads only.
 *
 * @example
 * const plan = await planMigrations(db);
 * console.log(migrationScript(plan));
 */
export async function planMigrations(
  db: Db,
  options: MigrateOptions & { lockTimeoutMs?: number } = {},
): Promise<MigrationPlan> {
  const productSchema = options.productSchema ?? productSchemaOf(db);
  const work = await pendingWork(db, { ...options, productSchema });
  const pendingNames = new Set(work.pending.map((m) => m.name));
  const migrations = work.migrations.map((m) =>
    plannedFile(m, pendingNames.has(m.name), work.recorded.migrations.get(m.version)?.applied_at),
  );
  const functionFiles = work.functionFiles.map((f) =>
    plannedFile(f, work.functionsReason !== null),
  );
  await dropLocksOnMissingTables(db, [...migrations, ...functionFiles]);
  const current = Math.max(0, ...work.recorded.migrations.keys());
  return {
    schema: options.schema ?? 'public',
    productSchema,
    currentVersion: current,
    targetVersion: work.migrations.at(-1)?.version ?? 0,
    migrations,
    functions: {
      reason: work.functionsReason,
      files: functionFiles,
    },
    lockTimeoutMs: options.lockTimeoutMs ?? 500,
    bootstrap: (await installed(db, productSchema)) ? null : bootstrapSql(productSchema),
  };
}

function lockComment(locks: TableLock[]): string {
  if (locks.length === 0) return '-- lock: none on existing tables';
  return locks.map((l) => `-- lock: ${describeLock(l)}`).join('\n');
}

/**
 * The exact SQL `migrate` would run for a plan, as a commented script: each pending file, each
 * statement with how it runs (in which transaction) and the locks it takes.
 */
export function migrationScript(plan: MigrationPlan): string {
  const out: string[] = [
    `-- section-sync migrate plan: migration ${plan.currentVersion} of ${plan.targetVersion} installed; host schema ${plan.schema}, product schema ${plan.productSchema}.`,
    `-- Every lock request waits at most ${plan.lockTimeoutMs} ms (lock_timeout); a statement that times out is rolled back and tried again later.`,
  ];
  const pendingFiles = plan.migrations.filter((m) => m.status === 'pending');
  if (plan.bootstrap) {
    out.push('', "-- ==== section-sync's schema and its migration records: one transaction");
    out.push('BEGIN;', `${plan.bootstrap};`, 'COMMIT;');
  }
  for (const file of pendingFiles) {
    out.push('', `-- ==== ${file.name}: ${fileMode(file)}`);
    if (file.transactional) out.push('BEGIN;');
    file.statements.forEach((s, i) => {
      out.push('', `-- step ${i + 1}/${file.statements.length}, ${s.runs}`);
      if (s.repeat)
        out.push('-- repeated, each time in its own transaction, until it reports no rows');
      out.push(lockComment(s.locks), `${s.sql};`);
    });
    if (file.transactional) out.push('COMMIT;');
  }
  if (plan.functions.reason !== null) {
    out.push(
      '',
      `-- ==== function files (${plan.functions.reason}): one transaction for all of them`,
    );
    out.push('BEGIN;');
    for (const file of plan.functions.files) {
      out.push('', `-- ---- ${file.name}`, lockComment(file.locks));
      for (const s of file.statements) out.push(`${s.sql};`);
    }
    out.push('COMMIT;');
  }
  if (pendingFiles.length === 0 && plan.functions.reason === null) {
    out.push('', '-- Nothing to do: the database is up to date.');
  }
  return `${out.join('\n')}\n`;
}

function fileMode(file: PlannedFile): string {
  return file.transactional
    ? 'one transaction'
    : 'no transaction: each statement on its own (concurrent index builds outside any transaction)';
}
