import { splitStatements, stripComments } from './statements.js';

/** PostgreSQL's table lock modes, weakest first. */
export const LOCK_MODES = [
  'ACCESS SHARE',
  'ROW EXCLUSIVE',
  'SHARE UPDATE EXCLUSIVE',
  'SHARE',
  'SHARE ROW EXCLUSIVE',
  'EXCLUSIVE',
  'ACCESS EXCLUSIVE',
] as const;
export type LockMode = (typeof LOCK_MODES)[number];

/** What other sessions' plain reads and writes of the table do while the lock is held. */
export const LOCK_EFFECT: Record<LockMode, string> = {
  'ACCESS SHARE': 'reads and writes go on',
  'ROW EXCLUSIVE': 'reads and writes go on; the rows it writes are locked',
  'SHARE UPDATE EXCLUSIVE': 'reads and writes go on (only DDL and VACUUM wait)',
  SHARE: 'writes wait',
  'SHARE ROW EXCLUSIVE': 'writes wait',
  EXCLUSIVE: 'writes wait',
  'ACCESS EXCLUSIVE': 'reads and writes wait',
};

/** A lock one statement takes on one table. */
export interface TableLock {
  mode: LockMode;
  /** As written in the statement (`public.post_section`). */
  table: string;
}

const NAME = String.raw`((?:"[^"]+"|[A-Za-z_][\w$]*)(?:\.(?:"[^"]+"|[A-Za-z_][\w$]*))?)`;

/** A rule's pattern, `{table}` standing for the table name it captures. */
function rule(pattern: string, mode: LockMode): [RegExp, LockMode] {
  return [new RegExp(pattern.replace('{table}', NAME), 'd'), mode];
}

// First match wins: the specific forms before the general ones.
const RULES: [RegExp, LockMode][] = [
  rule('^CREATE (?:UNIQUE )?INDEX CONCURRENTLY .*? ON (?:ONLY )?{table}', 'SHARE UPDATE EXCLUSIVE'),
  rule('^CREATE (?:UNIQUE )?INDEX .*? ON (?:ONLY )?{table}', 'SHARE'),
  rule(
    '^ALTER TABLE (?:IF EXISTS )?(?:ONLY )?{table} VALIDATE CONSTRAINT',
    'SHARE UPDATE EXCLUSIVE',
  ),
  rule(
    String.raw`^ALTER TABLE (?:IF EXISTS )?(?:ONLY )?{table} ADD CONSTRAINT \S+ FOREIGN KEY`,
    'SHARE ROW EXCLUSIVE',
  ),
  rule('^ALTER TABLE (?:IF EXISTS )?(?:ONLY )?{table}', 'ACCESS EXCLUSIVE'),
  rule('^CREATE (?:OR REPLACE )?(?:CONSTRAINT )?TRIGGER .*? ON {table}', 'SHARE ROW EXCLUSIVE'),
  rule(String.raw`^DROP TRIGGER (?:IF EXISTS )?\S+ ON {table}`, 'ACCESS EXCLUSIVE'),
  // The mode is the statement's own (group 2).
  rule(
    '^LOCK (?:TABLE )?{table} IN (ACCESS SHARE|ROW EXCLUSIVE|SHARE UPDATE EXCLUSIVE|SHARE ROW EXCLUSIVE|SHARE|EXCLUSIVE|ACCESS EXCLUSIVE) MODE',
    'ACCESS EXCLUSIVE',
  ),
  rule('^(?:WITH .*? )?UPDATE (?:ONLY )?{table}', 'ROW EXCLUSIVE'),
  rule('^(?:WITH .*? )?INSERT INTO {table}', 'ROW EXCLUSIVE'),
  rule('^(?:WITH .*? )?DELETE FROM (?:ONLY )?{table}', 'ROW EXCLUSIVE'),
];

function normalize(statement: string): string {
  return stripComments(statement).replace(/\s+/g, ' ').trim();
}

/**
 * The table locks a statement takes, read from its text (DDL and DML forms section-sync's SQL
 * uses; a `DO` block counts the statements inside it). Locks on tables the statement creates
 * are left out: nobody else can be waiting for a table that did not exist.
 *
 * @example
 * locksOf('CREATE INDEX CONCURRENTLY i ON public.post_section (post_id)');
 * // [{ mode: 'SHARE UPDATE EXCLUSIVE', table: 'public.post_section' }]
 */
export function locksOf(statement: string): TableLock[] {
  const text = normalize(statement);
  const upper = text.toUpperCase();
  if (/^DO\b/.test(upper)) {
    const body = /\$([A-Za-z_]\w*)?\$([\s\S]*)\$\1\$/.exec(statement)?.[2] ?? '';
    return mergeLocks(
      splitStatements(body.replace(/\b(BEGIN|THEN|ELSE|LOOP)\b/gi, '$1;')).flatMap(innerLocks),
    );
  }
  return innerLocks(statement);
}

function innerLocks(statement: string): TableLock[] {
  const text = normalize(statement)
    .replace(/^(?:IF|ELSIF|WHEN)\b.*?\bTHEN\b\s*/i, '')
    .replace(/^(?:END IF|END LOOP|END|BEGIN|ELSE|EXCEPTION)\b\s*/i, '')
    .replace(/^EXECUTE format\('/i, '');
  const upper = text.toUpperCase();
  for (const [rule, mode] of RULES) {
    const match = rule.exec(upper);
    if (!match) continue;
    const [start, end] = match.indices![1]!;
    const table = text.slice(start, end);
    const explicit = match[2] as LockMode | undefined;
    return [{ mode: explicit ?? mode, table }];
  }
  return [];
}

/** The strongest lock per table. */
export function mergeLocks(locks: readonly TableLock[]): TableLock[] {
  const strongest = new Map<string, TableLock>();
  for (const lock of locks) {
    const held = strongest.get(lock.table);
    if (!held || LOCK_MODES.indexOf(lock.mode) > LOCK_MODES.indexOf(held.mode)) {
      strongest.set(lock.table, lock);
    }
  }
  return [...strongest.values()];
}

/** "ACCESS EXCLUSIVE on public.post_section (reads and writes wait)". */
export function describeLock(lock: TableLock): string {
  return `${lock.mode} on ${lock.table} (${LOCK_EFFECT[lock.mode]})`;
}
