import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { locksOf, mergeLocks, type TableLock } from './online/locks.js';
import { splitStatements, stripComments } from './online/statements.js';
import { DEFAULT_PRODUCT_SCHEMA, inProductSchema, quoteSchema } from './product-schema.js';

/** Where the SQL files live, for `src` and `dist` alike. */
export const SQL_DIRECTORY = new URL('../sql/', import.meta.url);
const MIGRATIONS_DIRECTORY = new URL('migrations/', SQL_DIRECTORY);
const FUNCTIONS_DIRECTORY = new URL('functions/', SQL_DIRECTORY);

export interface MigrateOptions {
  /** Schema of the host's `post_development` and `post_section`. @default 'public' */
  schema?: string;
  /**
   * Schema of section-sync's own objects: functions, the sync log, bookkeeping and migration
   * records. The SQL files are written as `section_sync.`; another name is substituted when they
   * load (setting names such as `section_sync.on_invalid` keep their prefix).
   * @default 'section_sync'
   */
  productSchema?: string;
}

/** One statement of a migration file, as migrate runs it. */
export interface MigrationStatement {
  /** The SQL, schema names substituted. */
  sql: string;
  /** Table locks it takes (read from the text). */
  locks: TableLock[];
  /** `CREATE/DROP INDEX CONCURRENTLY`: runs outside a transaction, never blocks writes. */
  concurrently: boolean;
  /** `-- section-sync: if <condition>`: runs only when this SQL boolean holds at that moment. */
  onlyIf?: string;
  /** `-- section-sync: repeat`: runs again, each time in its own transaction, while it reports rows. */
  repeat: boolean;
}

/** One SQL file: a versioned migration (`NNNN_name.sql`) or a repeatable function file. */
export interface Migration {
  /** The migration's number; 0 for a repeatable file. */
  version: number;
  name: string;
  /** The whole file, schema names substituted. */
  sql: string;
  /** sha256 of the file as shipped (before substitution). */
  checksum: string;
  /**
   * False for a file marked `-- section-sync: no-transaction`: each statement runs on its own
   * (concurrent index builds outside any transaction, every other statement in a short one), so
   * every statement in it must be safe to run again.
   */
  transactional: boolean;
  statements: MigrationStatement[];
}

/**
 * Checksums of earlier texts of migrations that were rewritten after release without changing
 * what they leave behind: a database that recorded one of them has applied the migration.
 * 0001 became online (concurrent index builds, batched renumbering) in 0.2; 0007 gained the
 * squawk comments.
 */
export const EQUIVALENT_CHECKSUMS: Readonly<Record<string, readonly string[]>> = {
  '0001_tables.sql': ['d17754530ec1a8d609d0dbc28fc864b2a00713671bc7e9eff8668228d6a6baea'],
  '0007_own_schema.sql': ['cfa8cd507e8eddcdb468345a9edf2f805fd9868072e98a857d785acae5865509'],
};

const NO_TRANSACTION = /^--\s*section-sync:\s*no-transaction\b/m;
const DIRECTIVE = /^--\s*section-sync:\s*(if|repeat)\b[ \t]*(.*)$/gm;
const CONCURRENT = /^(CREATE (UNIQUE )?INDEX|DROP INDEX) CONCURRENTLY\b/i;

function parseStatement(text: string, productSchema: string): MigrationStatement {
  let onlyIf: string | undefined;
  let repeat = false;
  for (const [, kind, rest] of text.matchAll(DIRECTIVE)) {
    if (kind === 'repeat') repeat = true;
    else onlyIf = inProductSchema(rest!.trim(), productSchema);
  }
  const sql = inProductSchema(text, productSchema);
  const code = stripComments(sql).trim();
  return {
    sql,
    locks: mergeLocks(locksOf(sql)),
    concurrently: CONCURRENT.test(code),
    ...(onlyIf === undefined ? {} : { onlyIf }),
    repeat,
  };
}

async function loadDirectory(
  directory: URL,
  pattern: RegExp,
  options: MigrateOptions,
  versionOf: (file: string) => number,
): Promise<Migration[]> {
  const hostSchema = options.schema ?? 'public';
  const schema = quoteSchema(hostSchema);
  const productSchema = options.productSchema ?? DEFAULT_PRODUCT_SCHEMA;
  quoteSchema(productSchema);
  const files = (await readdir(directory)).filter((f) => pattern.test(f)).sort();
  return Promise.all(
    files.map(async (file) => {
      const raw = await readFile(new URL(file, directory), 'utf8');
      // {{schema}}: the host's schema as a quoted identifier; {{schema_literal}}: as a string.
      const text = raw
        .replaceAll('{{schema}}', schema)
        .replaceAll('{{schema_literal}}', `'${hostSchema}'`);
      const transactional = !NO_TRANSACTION.test(raw);
      return {
        version: versionOf(file),
        name: file,
        sql: inProductSchema(text, productSchema),
        checksum: createHash('sha256').update(raw).digest('hex'),
        transactional,
        statements: splitStatements(text).map((s) => parseStatement(s, productSchema)),
      };
    }),
  );
}

/**
 * The versioned migrations shipped with this version, in order (`sql/migrations/NNNN_name.sql`):
 * tables, indexes, constraints and data changes, each applied once and never edited after.
 */
export async function loadMigrations(options: MigrateOptions = {}): Promise<Migration[]> {
  return loadDirectory(MIGRATIONS_DIRECTORY, /^\d{4}_.+\.sql$/, options, (f) =>
    Number(f.slice(0, 4)),
  );
}

/**
 * The repeatable function files (`sql/functions/*.sql`, in name order): functions and triggers,
 * written to be run again. `migrate` re-applies all of them, in one transaction, whenever any one
 * changed.
 */
export async function loadFunctionFiles(options: MigrateOptions = {}): Promise<Migration[]> {
  return loadDirectory(FUNCTIONS_DIRECTORY, /^.+\.sql$/, options, () => 0);
}
