import { describe, expect, it } from 'vitest';
import { describeLock, locksOf, splitStatements } from '../src/index.js';

// What `migrate --plan` says about each step comes from these: the statements of a file and the
// table locks each one takes.

describe('splitStatements', () => {
  it('splits at top-level semicolons only', () => {
    const sql = `-- a comment; with a semicolon
CREATE TABLE t (a text DEFAULT ';');
CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM 1; PERFORM 'x;y';
END $fn$;
DO $$ BEGIN RAISE NOTICE '%', 'a;b'; END $$;
/* block; comment */ SELECT "odd;name" FROM t;
-- trailing comment only`;
    expect(splitStatements(sql)).toEqual([
      "-- a comment; with a semicolon\nCREATE TABLE t (a text DEFAULT ';')",
      "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $fn$\nBEGIN\n  PERFORM 1; PERFORM 'x;y';\nEND $fn$",
      "DO $$ BEGIN RAISE NOTICE '%', 'a;b'; END $$",
      '/* block; comment */ SELECT "odd;name" FROM t',
    ]);
  });
});

describe('locksOf', () => {
  it.each([
    [
      'CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON public.post_section (post_id)',
      'SHARE UPDATE EXCLUSIVE',
      'public.post_section',
    ],
    [
      'CREATE UNIQUE INDEX i ON "public".post_development (post_id)',
      'SHARE',
      '"public".post_development',
    ],
    [
      'ALTER TABLE public.post_section ADD CONSTRAINT k UNIQUE USING INDEX k',
      'ACCESS EXCLUSIVE',
      'public.post_section',
    ],
    [
      'ALTER TABLE public.post_section VALIDATE CONSTRAINT k',
      'SHARE UPDATE EXCLUSIVE',
      'public.post_section',
    ],
    ['DROP TRIGGER IF EXISTS t ON public.post_section', 'ACCESS EXCLUSIVE', 'public.post_section'],
    [
      'CREATE TRIGGER t AFTER INSERT ON public.post_section FOR EACH ROW EXECUTE FUNCTION f()',
      'SHARE ROW EXCLUSIVE',
      'public.post_section',
    ],
    ['UPDATE public.post_section s SET section_order = 1', 'ROW EXCLUSIVE', 'public.post_section'],
    [
      'WITH x AS (SELECT 1) UPDATE public.post_section SET a = 1',
      'ROW EXCLUSIVE',
      'public.post_section',
    ],
    ['LOCK TABLE public.post_section IN SHARE MODE', 'SHARE', 'public.post_section'],
  ])('%s', (sql, mode, table) => {
    expect(locksOf(sql)).toEqual([{ mode, table }]);
  });

  it('takes none for functions, schemas and reads', () => {
    expect(
      locksOf(
        'CREATE OR REPLACE FUNCTION section_sync.f() RETURNS int LANGUAGE sql AS $$ UPDATE x SET a = 1; SELECT 1 $$',
      ),
    ).toEqual([]);
    expect(locksOf('CREATE SCHEMA IF NOT EXISTS section_sync')).toEqual([]);
  });

  it('reads the statements inside a DO block, strongest lock per table', () => {
    const sql = `DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'k') THEN
    UPDATE public.post_section SET section_order = 1;
    ALTER TABLE public.post_section ADD CONSTRAINT k UNIQUE (post_id, section_order);
  END IF;
END $$`;
    expect(locksOf(sql)).toEqual([{ mode: 'ACCESS EXCLUSIVE', table: 'public.post_section' }]);
    expect(describeLock(locksOf(sql)[0]!)).toBe(
      'ACCESS EXCLUSIVE on public.post_section (reads and writes wait)',
    );
  });
});
