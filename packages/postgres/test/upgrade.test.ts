// Upgrading an install of the 0.1 layout in place: migrations 1 to 6 recorded, the sync log and
// its bookkeeping tables in the host's schema. The old layout is made from a current install
// whose posts were synced by the real triggers (so the log rows are real), by moving the tables
// back and recording the old versions, exactly as a 0.1 database looks.
import { backends, type TestDatabase } from '@section-sync/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedMigrationVersion, loadFunctionFiles, migrate } from '../src/index.js';

const PRODUCT_TABLES = ['log', 'log_pruned', 'log_uncounted', 'totals', 'state'];

async function turnIntoTheOldLayout(t: TestDatabase): Promise<void> {
  for (const table of PRODUCT_TABLES) {
    await t.db.exec(`ALTER TABLE section_sync.${table} SET SCHEMA public;
      ALTER TABLE public.${table} RENAME TO section_sync_${table};`);
  }
  await t.db.exec(`
    ALTER INDEX public.log_post_id_id_idx RENAME TO section_sync_log_post_id_id_idx;
    ALTER SEQUENCE public.log_id_seq RENAME TO section_sync_log_id_seq;
    DELETE FROM section_sync.migrations WHERE version > 1;
    INSERT INTO section_sync.migrations (version, name, checksum) VALUES
      (2, '0002_pure_functions.sql', 'x'), (3, '0003_sync.sql', 'x'), (4, '0004_store.sql', 'x'),
      (5, '0005_notify.sql', 'x'), (6, '0006_operations.sql', 'x');
    DROP TABLE section_sync.function_files;`);
}

async function tableNames(t: TestDatabase, schema: string): Promise<string[]> {
  const { rows } = await t.db.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
     WHERE table_schema = $1 ORDER BY table_name COLLATE "C"`,
    [schema],
  );
  return rows.map((r) => r.name);
}

describe.each(backends)('upgrade from the 0.1 layout on $name', (backend) => {
  let t: TestDatabase;
  let entryBeforeUpgrade: number;
  beforeAll(async () => {
    t = await backend.open();
    await t.db.query(`INSERT INTO post_development (post_id, section_headings) VALUES (1, $1)`, [
      '1. Intro\n2. Body\n3. End',
    ]);
    await t.db.query(`DELETE FROM post_section WHERE post_id = 1 AND section_heading = 'Body'`);
    const { rows } = await t.db.query<{ id: number }>(
      'SELECT max(id) AS id FROM section_sync.log WHERE post_id = 1',
    );
    entryBeforeUpgrade = Number(rows[0]!.id);
    await t.db.query('SELECT section_sync.record_check(10, 2)');
    await turnIntoTheOldLayout(t);
  });
  afterAll(() => t?.close());

  it('starts from the old layout: product tables in the host schema', async () => {
    expect(await tableNames(t, 'public')).toEqual([
      'post_development',
      'post_section',
      'section_sync_log',
      'section_sync_log_pruned',
      'section_sync_log_uncounted',
      'section_sync_state',
      'section_sync_totals',
    ]);
  });

  it('moves the tables with every row, and leaves only the host tables in the host schema', async () => {
    const { rows: before } = await t.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM public.section_sync_log',
    );
    const result = await migrate(t.db);
    expect(result.applied).toEqual([
      '0007_own_schema.sql',
      ...(await loadFunctionFiles()).map((f) => f.name),
    ]);
    expect(result.version).toBe(await expectedMigrationVersion());
    expect(await tableNames(t, 'public')).toEqual(['post_development', 'post_section']);
    expect(await tableNames(t, 'section_sync')).toEqual(
      ['function_files', 'migrations', ...PRODUCT_TABLES].sort(),
    );
    const { rows: after } = await t.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM section_sync.log',
    );
    expect(after[0]!.n).toBe(before[0]!.n);
    const { rows: state } = await t.db.query(
      'SELECT checked_posts::int AS posts, inconsistent_posts::int AS bad FROM section_sync.state',
    );
    expect(state).toEqual([{ posts: 10, bad: 2 }]);
  });

  it('keeps syncing and logging after the upgrade, and rolls back an entry from before it', async () => {
    await t.db.query(
      `UPDATE post_development SET section_headings = '1. Intro\n2. Finale' WHERE post_id = 1`,
    );
    await t.db.query('SELECT section_sync.rollback(1, $1)', [entryBeforeUpgrade]);
    const { rows } = await t.db.query<{ section_heading: string }>(
      'SELECT section_heading FROM post_section WHERE post_id = 1 ORDER BY section_order',
    );
    expect(rows.map((r) => r.section_heading)).toEqual(['Intro', 'Body', 'End']);
    const { rows: ids } = await t.db.query<{ next: number }>(
      'SELECT max(id)::int AS next FROM section_sync.log',
    );
    expect(ids[0]!.next).toBeGreaterThan(entryBeforeUpgrade);
  });

  it('is up to date afterwards', async () => {
    expect((await migrate(t.db)).applied).toEqual([]);
  });
});
