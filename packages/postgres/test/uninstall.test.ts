import { backends, reportSkippedPostgres, type TestDatabase } from '@section-sync/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, migrate, planUninstall, UninstallBlockedError, uninstall } from '../src/index.js';

// Uninstall: the product's triggers, functions and schema go; the host's tables and data stay.

reportSkippedPostgres('uninstall');

async function productObjects(db: Db) {
  const { rows } = await db.query<{ schema: boolean; triggers: number; functions: number }>(
    `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'section_sync') AS schema,
       (SELECT count(*)::int FROM pg_trigger WHERE tgname LIKE 'section_sync%') AS triggers,
       (SELECT count(*)::int FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'section_sync') AS functions`,
  );
  return rows[0]!;
}

async function hostRows(db: Db) {
  const { rows } = await db.query<{ h: string; body: string | null }>(
    'SELECT section_heading AS h, draft_body AS body FROM post_section ORDER BY post_id, section_order',
  );
  return rows;
}

describe.each(backends)('uninstall on $name', (backend) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await backend.open();
    await t.db.exec('ALTER TABLE post_section ADD COLUMN draft_body text');
    await t.db.query(
      `INSERT INTO post_development (post_id, section_headings) VALUES (1, '1. A\n2. B')`,
    );
    await t.db.query(`UPDATE post_section SET draft_body = 'drafted ' || section_heading`);
  });
  afterEach(() => t.close());

  it('plans first: the dry run lists the exact statements and changes nothing', async () => {
    const plan = await planUninstall(t.db);
    const sql = plan.statements.map((s) => s.sql);
    expect(sql).toEqual(
      expect.arrayContaining([
        'DROP TRIGGER section_sync_rows_insert ON public.post_section',
        'DROP SCHEMA section_sync CASCADE',
      ]),
    );
    expect(sql.at(-1)).toBe('DROP SCHEMA section_sync CASCADE');
    const dropTrigger = plan.statements.find((s) => s.sql.startsWith('DROP TRIGGER'))!;
    expect(dropTrigger.locks[0]?.mode).toBe('ACCESS EXCLUSIVE');
    expect(plan.kept).toEqual(
      expect.arrayContaining([
        'column public.post_development.section_sync_version',
        'constraint post_section_post_id_section_order_key on public.post_section',
      ]),
    );
    expect((await productObjects(t.db)).schema).toBe(true);
  });

  it("drops the triggers, functions and schema and keeps the host's rows and additions", async () => {
    await t.db.query(`UPDATE post_development SET section_headings = '1. A2' WHERE post_id = 1`);
    const version = 'SELECT section_sync_version::int AS v FROM post_development WHERE post_id = 1';
    const versionBefore = (await t.db.query<{ v: number }>(version)).rows[0]!.v;
    expect(versionBefore).toBeGreaterThan(0);
    const before = await hostRows(t.db);
    const result = await uninstall(t.db);
    expect(result.uninstalled).toBe(true);
    expect(await productObjects(t.db)).toEqual({ schema: false, triggers: 0, functions: 0 });
    expect(await hostRows(t.db)).toEqual(before);
    expect((await t.db.query<{ v: number }>(version)).rows[0]!.v).toBe(versionBefore);
    // No trigger any more: a master write is a plain write again.
    await t.db.query(`UPDATE post_development SET section_headings = 'x' WHERE post_id = 1`);
    expect(await hostRows(t.db)).toEqual(before);
    expect((await uninstall(t.db)).uninstalled).toBe(false);
  });

  it('drops the column and constraint it added with dropHostAdditions, and installs again', async () => {
    const before = await hostRows(t.db);
    await uninstall(t.db, { dropHostAdditions: true });
    const { rows } = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM information_schema.columns
       WHERE table_name = 'post_development' AND column_name = 'section_sync_version'`,
    );
    expect(rows[0]!.n).toBe(0);
    await t.db.query('UPDATE post_section SET section_order = 1'); // no unique constraint now
    await t.db.query('UPDATE post_section SET section_order = 2 WHERE section_heading = $1', ['B']);
    expect(await hostRows(t.db)).toEqual(before);
    await migrate(t.db);
    expect((await productObjects(t.db)).schema).toBe(true);
  });

  it('refuses while a host object uses a section_sync function, and names it', async () => {
    await t.db.exec(
      `CREATE VIEW host_report AS SELECT post_id, section_sync.heading_key(section_headings) AS k
       FROM post_development`,
    );
    expect((await planUninstall(t.db)).blockers).toEqual([expect.stringContaining('host_report')]);
    await expect(uninstall(t.db)).rejects.toBeInstanceOf(UninstallBlockedError);
    expect((await productObjects(t.db)).schema).toBe(true);
  });
});
