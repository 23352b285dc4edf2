import { backends, reportSkippedPostgres, type TestDatabase } from '@section-sync/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkReadiness,
  createStore,
  type Db,
  inProductSchema,
  migrate,
  pruneSyncLog,
  readSyncTotals,
  uninstall,
  withProductSchema,
} from '../src/index.js';

// The product's own schema under another name: the SQL files and the TypeScript queries are
// written as `section_sync.`, and the configured name is substituted for schema references only.

reportSkippedPostgres('product schema');

describe('inProductSchema', () => {
  it('rewrites schema references in code and function bodies, never string literals or comments', () => {
    const sql = `-- section_sync.log is the sync log
CREATE SCHEMA IF NOT EXISTS section_sync;
ALTER TABLE public.section_sync_log SET SCHEMA section_sync;
CREATE FUNCTION section_sync.f() RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('section_sync.applying', 'on', true);
  RETURN section_sync.render(current_setting('section_sync.on_invalid', true));
END $$;
SELECT pg_notify('section_sync', 'x'), "section_sync".keep, my_section_sync.x`;
    expect(inProductSchema(sql, 'sync_tools')).toBe(`-- section_sync.log is the sync log
CREATE SCHEMA IF NOT EXISTS "sync_tools";
ALTER TABLE public.section_sync_log SET SCHEMA "sync_tools";
CREATE FUNCTION "sync_tools".f() RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('section_sync.applying', 'on', true);
  RETURN "sync_tools".render(current_setting('section_sync.on_invalid', true));
END $$;
SELECT pg_notify('section_sync', 'x'), "section_sync".keep, my_section_sync.x`);
    expect(inProductSchema(sql, 'section_sync')).toBe(sql);
    expect(() => inProductSchema(sql, 'x; DROP TABLE y')).toThrow(/Invalid schema name/);
  });
});

async function schemaObjects(db: Db, schema: string) {
  const { rows } = await db.query<{ tables: string[] | null; functions: number }>(
    `SELECT (SELECT array_agg(c.relname::text ORDER BY c.relname::text COLLATE "C") FROM pg_class c
             WHERE c.relnamespace = n.oid AND c.relkind = 'r') AS tables,
            (SELECT count(*)::int FROM pg_proc p WHERE p.pronamespace = n.oid) AS functions
     FROM pg_namespace n WHERE n.nspname = $1`,
    [schema],
  );
  return rows[0] ?? null;
}

describe.each(backends)('product schema "sync_tools" on $name', (backend) => {
  let t: TestDatabase;
  let db: Db;
  beforeAll(async () => {
    t = await backend.open({ migrate: false });
    await migrate(t.db, { productSchema: 'sync_tools' });
    db = withProductSchema(t.db, 'sync_tools');
  });
  afterAll(() => t?.close());

  it("holds every product object; nothing lands in section_sync or the host's schema", async () => {
    expect(await schemaObjects(t.db, 'section_sync')).toBeNull();
    expect(await schemaObjects(t.db, 'sync_tools')).toEqual({
      tables: [
        'function_files',
        'log',
        'log_pruned',
        'log_uncounted',
        'migrations',
        'state',
        'totals',
      ],
      functions: expect.any(Number),
    });
    expect((await schemaObjects(t.db, 'public'))!.tables).toEqual([
      'post_development',
      'post_section',
    ]);
    expect((await migrate(t.db, { productSchema: 'sync_tools' })).applied).toEqual([]);
  });

  it('syncs through the triggers and the store, logs there, and reports ready', async () => {
    await t.db.query(
      `INSERT INTO post_development (post_id, section_headings) VALUES (1, '1. A\n2. B')`,
    );
    const store = createStore(t.db, { productSchema: 'sync_tools' });
    const written = await store.writeMaster(1, '1. A\n2. B\n3. C');
    expect(written.sections.map((s) => s.heading)).toEqual(['A', 'B', 'C']);
    await t.db.query(`DELETE FROM post_section WHERE post_id = 1 AND section_heading = 'B'`);
    expect((await store.getPost(1)).sections.map((s) => s.heading)).toEqual(['A', 'C']);
    const log = await store.getSyncLog(1);
    expect(log.length).toBeGreaterThanOrEqual(3);
    const { rows } = await t.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM sync_tools.log',
    );
    expect(rows[0]!.n).toBe(log.length);
    expect((await readSyncTotals(db)).totals.length).toBeGreaterThan(0);
    expect(await pruneSyncLog(db, { keepLast: 1 })).toMatchObject({
      pruned: log.length - 1,
    });
    expect(await checkReadiness(db)).toMatchObject({ ready: true });
  });

  it('uninstalls from that schema', async () => {
    await uninstall(db);
    expect(await schemaObjects(t.db, 'sync_tools')).toBeNull();
    const { rows } = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM post_section');
    expect(rows[0]!.n).toBe(2);
  });
});
