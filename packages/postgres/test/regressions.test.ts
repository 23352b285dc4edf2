import { backends, type TestDatabase } from '@section-sync/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/index.js';

// One test per defect of the original design (shared/seed/section-synchronization-design.md,
// "Database Triggers" and "Migration Scripts"), run against the triggers we install instead.

async function sections(db: Db, postId: number) {
  const { rows } = await db.query<{ id: string; heading: string; draft_body: string | null }>(
    `SELECT id, section_heading AS heading, draft_body
     FROM post_section WHERE post_id = $1 ORDER BY section_order`,
    [postId],
  );
  return rows;
}

async function count(db: Db, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await db.query<{ n: number }>(sql, params);
  return Number(rows[0]!.n);
}

describe.each(backends)("the original design's defects are gone on $name", (backend) => {
  let t: TestDatabase;
  let db: Db;
  beforeAll(async () => {
    t = await backend.open();
    db = t.db;
    // A host content column, and a counter of every row write of the master, by anyone.
    await db.exec(`
      ALTER TABLE post_section ADD COLUMN draft_body text;
      CREATE TABLE master_writes (post_id bigint NOT NULL);
      CREATE FUNCTION count_master_write() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO master_writes VALUES (NEW.post_id); RETURN NULL; END $$;
      CREATE TRIGGER zz_count_master_write AFTER UPDATE OF section_headings ON post_development
        FOR EACH ROW EXECUTE FUNCTION count_master_write();`);
  });
  afterAll(() => t?.close());

  const masterWrites = (postId: number) =>
    count(db, 'SELECT count(*) AS n FROM master_writes WHERE post_id = $1', [postId]);
  const logCount = (postId: number) =>
    count(db, 'SELECT count(*) AS n FROM section_sync.log WHERE post_id = $1', [postId]);

  it('stores string items without their JSON quotes', async () => {
    // The original took section_item::TEXT of a jsonb string: '"Intro"', quotes included.
    await db.query(`INSERT INTO post_development VALUES (1, '["Intro", "Main \\"quoted\\""]')`);
    expect((await sections(db, 1)).map((s) => s.heading)).toEqual(['Intro', 'Main "quoted"']);
  });

  it('keeps content with its heading when the master is reordered', async () => {
    // The original updated rows by position: after a reorder, each body sat under another heading.
    await db.query(`INSERT INTO post_development VALUES (2, '["Intro","Main","Conclusion"]')`);
    await db.query(
      `UPDATE post_section SET draft_body = 'text about ' || section_heading WHERE post_id = 2`,
    );
    await db.query(
      `UPDATE post_development SET section_headings = '["Conclusion","Intro","Main"]' WHERE post_id = 2`,
    );
    expect((await sections(db, 2)).map((s) => [s.heading, s.draft_body])).toEqual([
      ['Conclusion', 'text about Conclusion'],
      ['Intro', 'text about Intro'],
      ['Main', 'text about Main'],
    ]);
  });

  it('keeps ids on rename and on insert', async () => {
    // The original application code deleted and re-inserted every row; its trigger moved ids
    // by position, so an insert at the start shifted every id to another heading.
    await db.query(`INSERT INTO post_development VALUES (3, '["Intro","Main"]')`);
    const [intro, main] = await sections(db, 3);
    await db.query(
      `UPDATE post_development SET section_headings = '["Preface","Intro","Main"]' WHERE post_id = 3`,
    );
    await db.query(
      `UPDATE post_development SET section_headings = '["Preface","Introduction","Main"]' WHERE post_id = 3`,
    );
    const after = await sections(db, 3);
    expect(after.map((s) => s.heading)).toEqual(['Preface', 'Introduction', 'Main']);
    expect([after[1]!.id, after[2]!.id]).toEqual([intro!.id, main!.id]);
    expect(after[0]!.id).not.toBe(intro!.id);
  });

  it('does not ping-pong between the two directions', async () => {
    // The original's two trigger directions re-fired each other: a master write rewrote every
    // row, each row write rewrote the master.
    await db.query(`INSERT INTO post_development VALUES (4, '["A","B","C"]')`);
    await db.query(
      `UPDATE post_development SET section_headings = '["C","B","A","D"]' WHERE post_id = 4`,
    );
    expect(await masterWrites(4)).toBe(1); // the writer's own update, nothing after it
    expect(await logCount(4)).toBe(2);

    await db.query(
      `UPDATE post_section SET section_heading = section_heading || '.' WHERE post_id = 4`,
    );
    expect(await masterWrites(4)).toBe(2); // one re-render, which did not fire master -> rows
    expect(await logCount(4)).toBe(3);
  });

  it('renders the master once for a statement that touches many rows, not once per row', async () => {
    // The original's row-level triggers rebuilt the master per row: quadratic work.
    const headings = Array.from({ length: 300 }, (_, i) => `Section ${i + 1}`);
    await db.query('INSERT INTO post_development VALUES (5, $1)', [JSON.stringify(headings)]);
    const writes = await masterWrites(5);
    const entries = await logCount(5);
    await db.query(`UPDATE post_section SET status = 'done' WHERE post_id = 5`);
    await db.query(`DELETE FROM post_section WHERE post_id = 5 AND section_order % 2 = 0`);
    await db.query(
      `INSERT INTO post_section (post_id, section_order, section_heading)
       SELECT 5, g, 'New ' || g FROM generate_series(1, 100) g`,
    );
    expect(await masterWrites(5)).toBe(writes + 3);
    expect(await logCount(5)).toBe(entries + 3);
    expect(await count(db, 'SELECT count(*) AS n FROM post_section WHERE post_id = 5')).toBe(250);
  });

  it("replaces the original's data format migration, which does not run as written", async () => {
    await db.query(`INSERT INTO post_development VALUES (6, NULL)`);
    await db.transaction(async (tx) => {
      // Rows written under the guard, as a bulk import would leave them: the master stays NULL.
      await tx.query("SELECT set_config('section_sync.applying', 'on', true)");
      await tx.query(
        `INSERT INTO post_section (post_id, section_order, section_heading) VALUES (6, 1, 'A'), (6, 2, 'B')`,
      );
    });
    // Verbatim from the original: ORDER BY outside the aggregate makes it fail (42803).
    const original = `
      UPDATE post_development
      SET section_headings = (
          SELECT json_agg(
              json_build_object(
                  'order', s.section_order,
                  'heading', s.section_heading,
                  'description', COALESCE(s.section_description, ''),
                  'status', COALESCE(s.status, 'draft')
              )
          )
          FROM post_section s
          WHERE s.post_id = post_development.post_id
          ORDER BY s.section_order
      )
      WHERE section_headings IS NULL OR section_headings = ''`;
    await expect(db.query(original)).rejects.toMatchObject({ code: '42803' });

    // What we ship instead: one call per post, which renders, logs and bumps the version.
    await db.query(
      `SELECT section_sync.sync_to_master(post_id) FROM post_development
       WHERE section_headings IS NULL OR section_headings = '' ORDER BY post_id`,
    );
    const { rows } = await db.query<{ section_headings: string }>(
      'SELECT section_headings FROM post_development WHERE post_id = 6',
    );
    const ids = (await sections(db, 6)).map((s) => s.id);
    expect(JSON.parse(rows[0]!.section_headings)).toEqual([
      { id: Number(ids[0]), order: 1, heading: 'A', description: '', status: 'draft' },
      { id: Number(ids[1]), order: 2, heading: 'B', description: '', status: 'draft' },
    ]);
  });

  it('rejects invalid JSON instead of accepting it with a warning', async () => {
    // The original logged a WARNING and returned: the master and the rows silently disagreed.
    await db.query(`INSERT INTO post_development VALUES (7, '["A"]')`);
    await expect(
      db.query(`UPDATE post_development SET section_headings = '["A",' WHERE post_id = 7`),
    ).rejects.toMatchObject({ code: 'SS001' });
    const { rows } = await db.query<{ m: string }>(
      'SELECT section_headings AS m FROM post_development WHERE post_id = 7',
    );
    expect(rows[0]!.m).toBe('["A"]');
  });
});
