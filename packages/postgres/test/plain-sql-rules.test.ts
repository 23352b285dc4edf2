import { backends, type TestDatabase } from '@section-sync/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, type Db } from '../src/index.js';
import { createPost, openWithDraftColumn, sectionRows } from './store-fixtures.js';

// One rule set whichever side writes: a heading the master side refuses is refused when a
// plain-SQL writer puts it in a row (same SQLSTATE and code), and one it normalises (trimmed,
// empty named `Section <position>`) is normalised the same way. Every post id is used by one
// test only, so the tests share one database per backend.

interface DatabaseError {
  code?: string;
  message?: string;
  detail?: string;
}

async function failure(promise: Promise<unknown>): Promise<DatabaseError & { reason?: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as DatabaseError;
    const detail = e.detail?.startsWith('{') ? JSON.parse(e.detail) : {};
    return { code: e.code, message: e.message, detail: e.detail, reason: detail.code };
  }
  throw new Error('expected the statement to fail');
}

async function status(db: Db, postId: number): Promise<string> {
  const { rows } = await db.query<{ status: string }>(
    'SELECT status FROM section_sync.check_range($1::bigint - 1, $1::bigint)',
    [postId],
  );
  return rows[0]!.status;
}

async function master(db: Db, postId: number): Promise<string | null> {
  const { rows } = await db.query<{ m: string | null }>(
    'SELECT section_headings AS m FROM post_development WHERE post_id = $1',
    [postId],
  );
  return rows[0]!.m;
}

const insertRow = (db: Db, postId: number, order: number, heading: string) =>
  db.query(
    'INSERT INTO post_section (post_id, section_order, section_heading) VALUES ($1, $2, $3)',
    [postId, order, heading],
  );

describe.each(backends)('plain-SQL rows follow the master side rules on $name', (backend) => {
  let t: TestDatabase;
  let db: Db;
  beforeAll(async () => {
    t = await openWithDraftColumn(backend);
    db = t.db;
  });
  afterAll(() => t?.close());

  const refused: [string, string, string][] = [
    ['a newline', 'Intro\nPart two', 'control_character'],
    ['a control character', 'Intro\u0007', 'control_character'],
    ['a heading over the limit', 'x'.repeat(1001), 'heading_too_long'],
  ];

  it.each(refused)(
    'refuses %s from both sides with SS001 and the same code',
    async (_, heading, code) => {
      const postId = 100 + refused.findIndex((r) => r[1] === heading);
      const masterSide = await failure(
        createPost(db, postId, JSON.stringify([{ heading: 'Keep' }, { heading }])),
      );
      expect(masterSide).toMatchObject({ code: 'SS001', reason: code });

      await createPost(db, postId, '["Keep"]');
      const rowInsert = await failure(insertRow(db, postId, 2, heading));
      expect(rowInsert).toMatchObject({ code: 'SS001', reason: code });
      const [keep] = await sectionRows(db, postId);
      const rowUpdate = await failure(
        db.query('UPDATE post_section SET section_heading = $2 WHERE id = $1', [keep!.id, heading]),
      );
      expect(rowUpdate).toMatchObject({ code: 'SS001', reason: code });
      // The message names the row, in the parser's words.
      expect(rowUpdate.message).toContain(`Section ${keep!.id} of post ${postId}`);
      expect(rowUpdate.message).toContain(
        masterSide.message!.replace(/^Item 2 \(index 1\)/, '').slice(0, 30),
      );
      expect((await sectionRows(db, postId)).map((r) => r.section_heading)).toEqual(['Keep']);
      expect(await status(db, postId)).toBe('OK');
    },
  );

  const normalised: [string, string, string][] = [
    ['leading and trailing spaces', '  Setup \t', 'Setup'],
    ['an empty heading', '', 'Section 2'],
    ['a whitespace-only heading', ' \t ', 'Section 2'],
  ];

  it.each(normalised)('normalises %s as the master side does', async (_, heading, expected) => {
    const postId = 200 + normalised.findIndex((r) => r[1] === heading) * 3;
    await createPost(db, postId, JSON.stringify(['Intro', heading, 'End']));
    const fromMaster = (await sectionRows(db, postId)).map((r) => r.section_heading);
    expect(fromMaster).toEqual(['Intro', expected, 'End']);

    await createPost(db, postId + 1, '["Intro","End"]');
    await insertRow(db, postId + 1, 2, heading);
    expect((await sectionRows(db, postId + 1)).map((r) => r.section_heading)).toEqual(fromMaster);
    expect(await status(db, postId + 1)).toBe('OK');

    await createPost(db, postId + 2, '["Intro","Middle","End"]');
    const middle = (await sectionRows(db, postId + 2))[1]!;
    await db.query('UPDATE post_section SET section_heading = $2 WHERE id = $1', [
      middle.id,
      heading,
    ]);
    expect((await sectionRows(db, postId + 2)).map((r) => r.section_heading)).toEqual(fromMaster);
    expect(await status(db, postId + 2)).toBe('OK');
  });

  it('names an empty heading after the position it ends up at', async () => {
    await createPost(db, 230, '["A","B"]');
    await insertRow(db, 230, 99, '');
    expect((await sectionRows(db, 230)).map((r) => r.section_heading)).toEqual([
      'A',
      'B',
      'Section 3',
    ]);
    expect(JSON.parse((await master(db, 230))!)[2].heading).toBe('Section 3');
  });

  it('refuses more sections per post than the limit from both sides', async () => {
    const many = Array.from({ length: 501 }, (_, i) => `S${i + 1}`);
    const masterSide = await failure(createPost(db, 240, JSON.stringify(many)));
    expect(masterSide).toMatchObject({ code: 'SS001', reason: 'too_many_sections' });

    await createPost(db, 240, JSON.stringify(many.slice(0, 500)));
    const oneMore = await failure(insertRow(db, 240, 1, 'One too many'));
    expect(oneMore).toMatchObject({ code: 'SS001', reason: 'too_many_sections' });
    expect(oneMore.message).toMatch(/^Too many sections: 501, the limit is 500/);
    expect(await sectionRows(db, 240)).toHaveLength(500);

    const fresh = await failure(
      db.query(
        `INSERT INTO post_section (post_id, section_order, section_heading)
         SELECT 241, g, 'S' || g FROM generate_series(1, 501) g`,
      ),
    );
    expect(fresh).toMatchObject({ code: 'SS001', reason: 'too_many_sections' });
  });

  it('honours raised limits set for the transaction on the rows side too', async () => {
    await createPost(db, 250, '["Intro"]');
    const long = 'y'.repeat(1500);
    expect(await failure(insertRow(db, 250, 2, long))).toMatchObject({
      reason: 'heading_too_long',
    });
    await db.transaction(async (tx) => {
      await tx.query("SELECT set_config('section_sync.max_heading_length', '2000', true)");
      await insertRow(tx, 250, 2, long);
    });
    expect((await sectionRows(db, 250)).map((r) => r.section_heading.length)).toEqual([5, 1500]);
  });

  it('trims a status, and an empty one is draft, as the master side reads them', async () => {
    await createPost(db, 260, '[{"heading":"A","status":"done"}]');
    await db.query(
      `INSERT INTO post_section (post_id, section_order, section_heading, status)
       VALUES (260, 2, 'B', ' review '), (260, 3, 'C', '')`,
    );
    expect((await sectionRows(db, 260)).map((r) => r.status)).toEqual(['done', 'review', 'draft']);
    expect(await status(db, 260)).toBe('OK');
  });

  describe('a NULL or blank master means "no master data"', () => {
    it.each([
      [300, null],
      [301, ''],
      [302, ' \n '],
    ])(
      'post %i: written by plain SQL, it keeps every section and its content, and the master is rendered back',
      async (postId, blank) => {
        await createPost(db, postId, '["Intro","Setup"]');
        await db.query("UPDATE post_section SET draft_body = 'draft ' || id WHERE post_id = $1", [
          postId,
        ]);
        const before = await sectionRows(db, postId);
        await db.query('UPDATE post_development SET section_headings = $2 WHERE post_id = $1', [
          postId,
          blank,
        ]);
        expect(await sectionRows(db, postId)).toEqual(before);
        const { rows } = await db.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM post_section WHERE post_id = $1 AND draft_body = 'draft ' || id",
          [postId],
        );
        expect(rows[0]!.n).toBe(2);
        expect(
          JSON.parse((await master(db, postId))!).map((s: { id: number }) => String(s.id)),
        ).toEqual(before.map((r) => r.id));
        expect(await status(db, postId)).toBe('OK');
      },
    );

    it('written through the store, it is the same: sections kept, master rendered from them', async () => {
      await createPost(db, 310, '["Intro","Setup"]');
      const before = await sectionRows(db, 310);
      const outcome = await createStore(db).writeMaster(310, '');
      expect(outcome.sections.map((s) => s.id)).toEqual(before.map((r) => r.id));
      expect(outcome.changes).toMatchObject({ created: 0, deleted: 0 });
      expect(await status(db, 310)).toBe('OK');
    });

    it('on a post without sections it stays as written and checks OK', async () => {
      await createPost(db, 320, '[]');
      await db.query('UPDATE post_development SET section_headings = NULL WHERE post_id = 320');
      expect(await master(db, 320)).toBeNull();
      expect(await status(db, 320)).toBe('OK');
    });
  });

  describe('the version only moves forward', () => {
    it('an ORM-style full-row save with the version it read cannot rewind it', async () => {
      const store = createStore(db);
      await createPost(db, 400, '["Intro"]');
      const read = await store.getPost(400);
      const written = await store.writeMaster(400, '["Intro","Setup"]', {
        expectedVersion: read.version,
      });
      expect(written.version).toBeGreaterThan(read.version);
      await db.query(
        'UPDATE post_development SET section_headings = $2, section_sync_version = $3 WHERE post_id = $1',
        [400, '["Intro","Setup","End"]', read.version],
      );
      const after = await store.getPost(400);
      expect(after.version).toBeGreaterThan(written.version);
      await expect(
        store.writeMaster(400, '["Other"]', { expectedVersion: read.version }),
      ).rejects.toMatchObject({ code: 'version_conflict' });
      await expect(
        store.writeMaster(400, '["Other"]', { expectedVersion: written.version }),
      ).rejects.toMatchObject({ code: 'version_conflict' });
    });

    it('a write of the version alone changes nothing, a lower one neither', async () => {
      await createPost(db, 410, '["Intro"]');
      await db.query(
        'UPDATE post_development SET section_headings = \'["A"]\' WHERE post_id = 410',
      );
      const { rows: before } = await db.query<{ v: string }>(
        'SELECT section_sync_version::text AS v FROM post_development WHERE post_id = 410',
      );
      await db.query('UPDATE post_development SET section_sync_version = 0 WHERE post_id = 410');
      const { rows: after } = await db.query<{ v: string }>(
        'SELECT section_sync_version::text AS v FROM post_development WHERE post_id = 410',
      );
      expect(after[0]!.v).toBe(before[0]!.v);
    });
  });
});
