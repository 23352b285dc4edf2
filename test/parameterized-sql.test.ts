// Every statement the product sends is constant SQL with $n parameters; the few SQL texts built
// at run time put in only identifiers the product validated and quoted. The scan fails when a
// new one appears, so it gets reviewed (and added below with its reason) or rewritten.
import { migrate } from '@section-sync/postgres';
import { backends, type TestDatabase } from '@section-sync/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDynamicPlpgsql, findDynamicSql } from './support/sql-scan.js';

const PRODUCT_SOURCES = [
  'packages/core/src',
  'packages/postgres/src',
  'packages/cli/src',
  'packages/fastify-plugin/src',
  'packages/client/src',
  'apps/demo/src',
];

/** The reviewed ones: file, what goes in, and why that is safe. */
const REVIEWED = [
  // `section_sync_sp_${depth}`: depth is a number the adapter counts itself.
  'packages/postgres/src/pg-adapter.ts: savepoint',
  'packages/postgres/src/pglite-adapter.ts: savepoint',
  // LISTEN / UNLISTEN take no parameters: quoteChannel doubles quotes inside a quoted identifier.
  'packages/postgres/src/pg-adapter.ts: quoteChannel(channel)',
  // `-- section-sync: if` conditions: SQL of the shipped, checksummed migration files.
  'packages/postgres/src/migrate.ts: condition',
  // DROP INDEX of an invalid index: its name from the catalog, quoted by format('%I.%I').
  'packages/postgres/src/migrate.ts: rows[0].invalid',
  // Uninstall's DDL (no parameters in DDL): the host schema checked and quoted by quoteSchema,
  // trigger and table names from the catalog quoted by quote_ident / format('%I.%I'), legacy
  // table names from a constant list.
  'packages/postgres/src/uninstall.ts: hostQ',
  'packages/postgres/src/uninstall.ts: hostQ, name',
  'packages/postgres/src/uninstall.ts: t.name, t.table_name',
];

describe('SQL text in the product', () => {
  it('is constant with $n parameters, except the reviewed quoted identifiers', () => {
    const found = findDynamicSql(PRODUCT_SOURCES).map(
      (d) => `${d.file}: ${d.substitutions.join(', ')}`,
    );
    expect([...new Set(found)].sort()).toEqual([...REVIEWED].sort());
  });

  it('has no dynamic SQL (EXECUTE) in its PL/pgSQL', () => {
    expect(findDynamicPlpgsql('packages/postgres/sql')).toEqual([]);
  });
});

describe.each(backends)('the schema option of migrate on $name', (backend) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await backend.open({ migrate: false });
  });
  afterAll(() => t?.close());

  it.each([
    'public"; DROP TABLE post_section; --',
    'x; DROP SCHEMA public CASCADE',
    "blog' OR '1'='1",
    'a b',
    '',
    'x'.repeat(64),
  ])('refuses %j before touching the database', async (schema) => {
    await expect(migrate(t.db, { schema })).rejects.toThrow(/Invalid schema name/);
    const { rows } = await t.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'section_sync'",
    );
    expect(rows[0]!.n).toBe(0);
  });
});
