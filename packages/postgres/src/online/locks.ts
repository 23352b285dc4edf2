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

// First match wins: the specific forms before the general ones.
const RULES: [RegExp, LockMode][] = [
  [
    new RegExp(`^CREATE (?:UNIQUE )?INDEX CONCURRENTLY .*? ON (?:ONLY )?${NAME}`, 'd'),
    'SHARE UPDATE EXCLUSIVE',
  ],
  [new RegExp(`^CREATE (?:UNIQUE )?INDEX .*? ON (?:ONLY )?${NAME}`, 'd'), 'SHARE'],
  [
    new RegExp(`^ALTER TABLE (?:IF EXISTS )?(?:ONLY )?${NAME} VALIDATE CONSTRAINT`, 'd'),
    'SHARE UPDATE EXCLUSIVE',
  ],
  [
    new RegExp(
      String.raw`^ALTER TABLE (?:IF EXISTS )?(?:ONLY )?${NAME} ADD CONSTRAINT \S+ FOREIGN KEY`,
      'd',
    ),
    'SHARE ROW EXCLUSIVE',
  ],
  [new RegExp(`^ALTER TABLE (?:IF EXISTS )?(?:ONLY )?${NAME}`, 'd'), 'ACCESS EXCLUSIVE'],
  [
    new RegExp(`^CREATE (?:OR REPLACE )?(?:CONSTRAINT )?TRIGGER .*? ON ${NAME}`, 'd'),
    'SHARE ROW EXCLUSIVE',
  ],
  [new RegExp(String.raw`^DROP TRIGGER (?:IF EXISTS )?\S+ ON ${NAME}`, 'd'), 'ACCESS EXCLUSIVE'],
  [
    new RegExp(
      `^LOCK (?:TABLE )?${NAME} IN (ACCESS SHARE|ROW EXCLUSIVE|SHARE UPDATE EXCLUSIVE|SHARE ROW EXCLUSIVE|SHARE|EXCLUSIVE|ACCESS EXCLUSIVE) MODE`,
      'd',
    ),
    'ACCESS EXCLUSIVE',
  ],
  [new RegExp(`^(?:WITH .*? )?UPDATE (?:ONLY )?${NAME}`, 'd'), 'ROW EXCLUSIVE'],
  [new RegExp(`^(?:WITH .*? )?INSERT INTO ${NAME}`, 'd'), 'ROW EXCLUSIVE'],
  [new RegExp(`^(?:WITH .*? )?DELETE FROM (?:ONLY )?${NAME}`, 'd'), 'ROW EXCLUSIVE'],
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
