import type { Db } from './db.js';
import { type LockRetryOptions, withLockRetry } from './online/lock-retry.js';
import { locksOf, type TableLock } from './online/locks.js';
import { quoteSchema } from './product-schema.js';

export interface UninstallOptions extends LockRetryOptions {
  /** Schema of the host's `post_development` / `post_section`. @default 'public' */
  schema?: string;
  /** The product's own schema. @default 'section_sync' */
  productSchema?: string;
  /**
   * Also drop what `migrate` added to the host's tables: the `section_sync_version` column, the
   * `UNIQUE (post_id, section_order)` constraint and the indexes it created. Off by default:
   * see {@link HOST_ADDITIONS}.
   * @default false
   */
  dropHostAdditions?: boolean;
}

export interface UninstallStatement {
  sql: string;
  locks: TableLock[];
}

export interface UninstallPlan {
  /** The statements, in order, run in one transaction. */
  statements: UninstallStatement[];
  /** What migrate added to the host's tables and this plan leaves in place. */
  kept: string[];
  /**
   * Objects outside the product schema that use it (a host view calling a section_sync
   * function, ...): uninstall refuses while there are any, rather than drop them.
   */
  blockers: string[];
  /** True when nothing of section-sync is installed. */
  nothingInstalled: boolean;
}

/**
 * What migrate adds to the host's own tables, and why uninstall keeps them unless asked: the
 * column holds versions clients may still send in `If-Match`, the constraint keeps the orders
 * 1..n the host's code may now rely on, and dropping either takes an ACCESS EXCLUSIVE lock on a
 * table the host is writing. Columns migrate added because they were missing
 * (`section_description`, `status`, `updated_at`) and tables it created hold the host's data:
 * they always stay.
 */
export const HOST_ADDITIONS = [
  'post_development.section_sync_version',
  'post_section_post_id_section_order_key',
  'post_section_post_id_section_order_idx',
  'post_development_post_id_key',
] as const;

/** Product tables that lived in the host's schema before migration 0007 moved them. */
const LEGACY_TABLES = [
  'section_sync_log_uncounted',
  'section_sync_log_pruned',
  'section_sync_totals',
  'section_sync_state',
  'section_sync_log',
];

function statement(sql: string): UninstallStatement {
  return { sql, locks: locksOf(sql) };
}

/**
 * What {@link uninstall} would do, without changing anything (`section-sync uninstall --dry-run`).
 *
 * @example
 * const plan = await planUninstall(db);
 * console.log(plan.statements.map((s) => s.sql).join(';\n'));
 */
export async function planUninstall(
  db: Db,
  options: UninstallOptions = {},
): Promise<UninstallPlan> {
  const host = options.schema ?? 'public';
  const product = options.productSchema ?? 'section_sync';
  const hostQ = quoteSchema(host);
  const productQ = quoteSchema(product);
  const statements: UninstallStatement[] = [];
  const kept: string[] = [];

  const { rows: schemaRows } = await db.query<{ present: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS present',
    [product],
  );
  const productPresent = schemaRows[0]?.present === true;

  // Our triggers on tables outside the product schema: those whose function is ours.
  const { rows: triggers } = productPresent
    ? await db.query<{ name: string; table_name: string }>(
        `SELECT t.tgname AS name, format('%I.%I', n.nspname, c.relname) AS table_name
         FROM pg_trigger t
         JOIN pg_proc p ON p.oid = t.tgfoid
         JOIN pg_class c ON c.oid = t.tgrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE NOT t.tgisinternal AND p.pronamespace = $1::regnamespace
           AND c.relnamespace <> $1::regnamespace
         ORDER BY n.nspname, c.relname, t.tgname`,
        [productQ],
      )
    : { rows: [] };
  for (const t of triggers)
    statements.push(statement(`DROP TRIGGER "${t.name}" ON ${t.table_name}`));

  // Anything else outside the schema that depends on it would be dropped by CASCADE: refuse.
  const { rows: dependents } = productPresent
    ? await db.query<{ dependent: string }>(
        `WITH ours AS (
           SELECT 'pg_proc'::regclass AS classid, oid FROM pg_proc WHERE pronamespace = $1::regnamespace
           UNION ALL SELECT 'pg_class'::regclass, oid FROM pg_class WHERE relnamespace = $1::regnamespace
           UNION ALL SELECT 'pg_type'::regclass, oid FROM pg_type WHERE typnamespace = $1::regnamespace
         ), dependent AS (
           SELECT d.classid, d.objid, d.objsubid,
             -- The schema the dependent object lives in (a default, rule or trigger: its table's).
             CASE d.classid
               WHEN 'pg_class'::regclass THEN (SELECT relnamespace FROM pg_class WHERE oid = d.objid)
               WHEN 'pg_proc'::regclass THEN (SELECT pronamespace FROM pg_proc WHERE oid = d.objid)
               WHEN 'pg_type'::regclass THEN (SELECT typnamespace FROM pg_type WHERE oid = d.objid)
               WHEN 'pg_constraint'::regclass THEN (SELECT connamespace FROM pg_constraint WHERE oid = d.objid)
               WHEN 'pg_attrdef'::regclass THEN (SELECT c.relnamespace FROM pg_attrdef a
                 JOIN pg_class c ON c.oid = a.adrelid WHERE a.oid = d.objid)
               WHEN 'pg_rewrite'::regclass THEN (SELECT c.relnamespace FROM pg_rewrite r
                 JOIN pg_class c ON c.oid = r.ev_class WHERE r.oid = d.objid)
               WHEN 'pg_trigger'::regclass THEN (SELECT c.relnamespace FROM pg_trigger t
                 JOIN pg_class c ON c.oid = t.tgrelid WHERE t.oid = d.objid)
             END AS namespace,
             d.classid = 'pg_trigger'::regclass AND EXISTS (
               SELECT 1 FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
               WHERE t.oid = d.objid AND p.pronamespace = $1::regnamespace) AS our_trigger
           FROM pg_depend d
           JOIN ours o ON o.classid = d.refclassid AND o.oid = d.refobjid
           WHERE d.deptype IN ('n', 'a')
         )
         SELECT DISTINCT pg_describe_object(classid, objid, objsubid) AS dependent
         FROM dependent
         WHERE namespace IS DISTINCT FROM $1::regnamespace AND NOT our_trigger
         ORDER BY 1`,
        [productQ],
      )
    : { rows: [] };

  const { rows: legacy } = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c
     WHERE c.relnamespace = $1::regnamespace AND c.relkind = 'r' AND c.relname = ANY($2)`,
    [hostQ, LEGACY_TABLES],
  );
  const legacyNames = new Set(legacy.map((r) => r.name));
  for (const name of LEGACY_TABLES) {
    if (legacyNames.has(name)) statements.push(statement(`DROP TABLE ${hostQ}.${name}`));
  }

  if (productPresent) statements.push(statement(`DROP SCHEMA ${productQ} CASCADE`));

  const additions = await hostAdditions(db, hostQ);
  const additionStatements = [
    additions.constraint &&
      `ALTER TABLE ${hostQ}.post_section DROP CONSTRAINT post_section_post_id_section_order_key`,
    additions.orderIndex && `DROP INDEX ${hostQ}.post_section_post_id_section_order_idx`,
    additions.postIdIndex && `DROP INDEX ${hostQ}.post_development_post_id_key`,
    additions.versionColumn &&
      `ALTER TABLE ${hostQ}.post_development DROP COLUMN section_sync_version`,
  ].filter((s): s is string => typeof s === 'string');
  if (options.dropHostAdditions) statements.push(...additionStatements.map(statement));
  else {
    if (additions.versionColumn) kept.push(`column ${host}.post_development.section_sync_version`);
    if (additions.constraint) {
      kept.push(`constraint post_section_post_id_section_order_key on ${host}.post_section`);
    }
    if (additions.orderIndex) kept.push(`index ${host}.post_section_post_id_section_order_idx`);
    if (additions.postIdIndex) kept.push(`index ${host}.post_development_post_id_key`);
  }
  return {
    statements,
    kept,
    blockers: dependents.map((d) => d.dependent),
    nothingInstalled: !productPresent && legacyNames.size === 0,
  };
}

async function hostAdditions(db: Db, hostQ: string) {
  const { rows } = await db.query<{
    version_column: boolean;
    constraint_present: boolean;
    order_index: boolean;
    post_id_index: boolean;
  }>(
    `SELECT
       EXISTS (SELECT 1 FROM pg_attribute
               WHERE attrelid = to_regclass($1 || '.post_development')
                 AND attname = 'section_sync_version' AND NOT attisdropped) AS version_column,
       EXISTS (SELECT 1 FROM pg_constraint
               WHERE conrelid = to_regclass($1 || '.post_section')
                 AND conname = 'post_section_post_id_section_order_key') AS constraint_present,
       to_regclass($1 || '.post_section_post_id_section_order_idx') IS NOT NULL AS order_index,
       -- Ours only when it is a plain unique index: a host's UNIQUE (post_id) constraint has
       -- the same default name and backs a constraint.
       EXISTS (SELECT 1 FROM pg_class i
               WHERE i.oid = to_regclass($1 || '.post_development_post_id_key')
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = i.oid)) AS post_id_index`,
    [hostQ],
  );
  const r = rows[0]!;
  return {
    versionColumn: r.version_column,
    constraint: r.constraint_present,
    orderIndex: r.order_index,
    postIdIndex: r.post_id_index,
  };
}

export interface UninstallResult extends UninstallPlan {
  /** False when there was nothing to drop. */
  uninstalled: boolean;
}

/** Objects outside the product schema use it: uninstall would have to drop them too. */
export class UninstallBlockedError extends Error {
  override readonly name = 'UninstallBlockedError';
  constructor(readonly blockers: string[]) {
    super(
      `Objects outside section-sync use it and would be dropped with it: ${blockers.join(', ')}. ` +
        'Drop or change them first.',
    );
  }
}

/**
 * Removes section-sync from a database: its triggers on the host's tables, then its schema
 * (functions, the sync log and bookkeeping tables, the migrations record). The host's tables and
 * data stay; so do the column, constraint and indexes migrate added to them, unless
 * `dropHostAdditions`. One transaction, each lock with `lockTimeoutMs` and retries.
 *
 * @example
 * const plan = await planUninstall(db);          // look first
 * await uninstall(db);                           // then drop
 */
export async function uninstall(db: Db, options: UninstallOptions = {}): Promise<UninstallResult> {
  return withLockRetry(
    db,
    async (tx) => {
      const plan = await planUninstall(tx, options);
      if (plan.blockers.length > 0) throw new UninstallBlockedError(plan.blockers);
      for (const s of plan.statements) await tx.query(s.sql);
      return { ...plan, uninstalled: plan.statements.length > 0 };
    },
    options,
  );
}
