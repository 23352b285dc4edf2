import { render } from '@section-sync/core';
import { backends, type TestDatabase } from '@section-sync/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/index.js';
import { openWithDraftColumn } from './store-fixtures.js';

// The in-database sync (sql/functions/20_sync.sql) driven by plain SQL, as an LLM worker or psql would.
// Every post id is used by one test only, so the tests share one database per backend.

interface Row {
  /** bigint: decimal text, as the adapters return int8. */
  id: string;
  order: number;
  heading: string;
  description: string;
  status: string;
  draft_body: string | null;
}

async function rows(db: Db, postId: number): Promise<Row[]> {
  const { rows } = await db.query<Row>(
    `SELECT id, section_order AS "order", section_heading AS heading,
            section_description AS description, status, draft_body
     FROM post_section WHERE post_id = $1 ORDER BY section_order, id`,
    [postId],
  );
  return rows;
}

async function post(db: Db, postId: number): Promise<{ master: string | null; version: number }> {
  const { rows } = await db.query<{ master: string | null; version: number }>(
    'SELECT section_headings AS master, section_sync_version::int AS version FROM post_development WHERE post_id = $1',
    [postId],
  );
  return rows[0]!;
}

async function logEntries(db: Db, postId: number) {
  const { rows } = await db.query<{
    id: number;
    direction: string;
    origin: string;
    outcome: string;
    changes: Record<string, number>;
    message: string | null;
  }>(
    'SELECT id::int, direction, origin, outcome, changes, message FROM section_sync.log WHERE post_id = $1 ORDER BY id',
    [postId],
  );
  return rows;
}

/** A log entry's before/after: the master and the sections the sync touched. */
interface Snapshot {
  master: string | null;
  sections: Record<string, unknown>[];
}

/** What sync_to_sections / sync_to_master / rollback return. */
interface SyncResult {
  changes: Record<string, number>;
  logId: number | null;
}

/** What render() of the rows gives: the master a rows -> master sync must leave. */
function rendered(list: Row[]): string {
  return render(list);
}

async function createPost(db: Db, postId: number, master: string | null): Promise<void> {
  await db.query('INSERT INTO post_development (post_id, section_headings) VALUES ($1, $2)', [
    postId,
    master,
  ]);
}

async function setMaster(db: Db, postId: number, master: string | null): Promise<void> {
  await db.query('UPDATE post_development SET section_headings = $2 WHERE post_id = $1', [
    postId,
    master,
  ]);
}

/** Gives every section a host-owned body naming its heading and id, to follow it around. */
async function writeBodies(db: Db, postId: number): Promise<void> {
  await db.query(
    `UPDATE post_section SET draft_body = 'body of ' || section_heading || ' #' || id WHERE post_id = $1`,
    [postId],
  );
}

describe.each(backends)('in-database sync on $name', (backend) => {
  let t: TestDatabase;
  let db: Db;
  beforeAll(async () => {
    t = await openWithDraftColumn(backend);
    db = t.db;
  });
  afterAll(() => t?.close());

  describe('master -> rows', () => {
    it.each([
      [
        101,
        'json objects',
        '[{"heading":"Intro","description":"Hi","status":"done"},{"title":"Body"}]',
      ],
      [102, 'json strings', '["Intro", "Body"]'],
      [103, 'numbered', '1. Intro\n2) Body'],
      [104, 'markdown', '# Intro\n- Body'],
      [105, 'delimited', 'Intro\r\nBody\n'],
      [106, 'fenced json', '```json\n["Intro","Body"]\n```'],
      [107, 'json string literal', '"1. Intro\\n2. Body"'],
      [
        108,
        'sections object',
        '{"sections":[{"order":2,"heading":"Body"},{"order":1,"heading":"Intro"}]}',
      ],
    ])(
      'creates rows from the master of post %i (%s), and leaves it as written',
      async (postId, _, master) => {
        await createPost(db, postId, master);
        expect((await rows(db, postId)).map((r) => [r.order, r.heading])).toEqual([
          [1, 'Intro'],
          [2, 'Body'],
        ]);
        expect((await post(db, postId)).master).toBe(master);
      },
    );

    it('keeps ids and host columns with their section through reorder, rename, rename+move, inserts and deletes', async () => {
      const postId = 200;
      await createPost(db, postId, '["A","B","C"]');
      await writeBodies(db, postId);
      const ids = Object.fromEntries((await rows(db, postId)).map((r) => [r.heading, r.id]));
      const bodyOf = (heading: string) => `body of ${heading} #${ids[heading]}`;
      const state = async () =>
        (await rows(db, postId)).map((r) => [r.order, r.heading, r.id, r.draft_body]);

      await setMaster(db, postId, '["C","A","B"]'); // reorder
      expect(await state()).toEqual([
        [1, 'C', ids.C, bodyOf('C')],
        [2, 'A', ids.A, bodyOf('A')],
        [3, 'B', ids.B, bodyOf('B')],
      ]);

      await setMaster(db, postId, '["C","A","B2"]'); // rename
      expect((await state())[2]).toEqual([3, 'B2', ids.B, bodyOf('B')]);

      await setMaster(db, postId, '["B3","C","A"]'); // rename + move
      expect(await state()).toEqual([
        [1, 'B3', ids.B, bodyOf('B')],
        [2, 'C', ids.C, bodyOf('C')],
        [3, 'A', ids.A, bodyOf('A')],
      ]);

      await setMaster(db, postId, '["Start","B3","Middle","C","A","End"]'); // inserts
      const afterInsert = await state();
      expect(afterInsert.map((r) => r.slice(0, 2))).toEqual([
        [1, 'Start'],
        [2, 'B3'],
        [3, 'Middle'],
        [4, 'C'],
        [5, 'A'],
        [6, 'End'],
      ]);
      expect([afterInsert[1], afterInsert[3], afterInsert[4]]).toEqual([
        [2, 'B3', ids.B, bodyOf('B')],
        [4, 'C', ids.C, bodyOf('C')],
        [5, 'A', ids.A, bodyOf('A')],
      ]);

      await setMaster(db, postId, '["B3","A"]'); // deletes
      expect(await state()).toEqual([
        [1, 'B3', ids.B, bodyOf('B')],
        [2, 'A', ids.A, bodyOf('A')],
      ]);
    });

    it('uses ids in the master, and keeps description and status a string item does not give', async () => {
      const postId = 201;
      await createPost(db, postId, '[{"heading":"One","description":"d1","status":"done"},"Two"]');
      const [one, two] = await rows(db, postId);
      await setMaster(
        db,
        postId,
        JSON.stringify([
          { id: two!.id, heading: 'Second, renamed' },
          { id: one!.id, heading: 'First, renamed' },
        ]),
      );
      expect(
        (await rows(db, postId)).map((r) => [r.id, r.heading, r.description, r.status]),
      ).toEqual([
        [two!.id, 'Second, renamed', '', 'draft'],
        [one!.id, 'First, renamed', 'd1', 'done'],
      ]);
      await setMaster(db, postId, '["First, renamed","Second, renamed"]');
      expect((await rows(db, postId))[0]).toMatchObject({ id: one!.id, status: 'done' });
    });

    it('logs one compact entry per effective sync (both masters, the touched sections before and after) and bumps the version once', async () => {
      const postId = 202;
      await createPost(db, postId, '["A","B","C"]');
      const v0 = (await post(db, postId)).version;
      await setMaster(db, postId, '["B","A","C","New"]');
      expect((await post(db, postId)).version).toBe(v0 + 1);
      const entries = await logEntries(db, postId);
      expect(entries.map((e) => [e.direction, e.origin, e.outcome])).toEqual([
        ['to_sections', 'trigger', 'applied'],
        ['to_sections', 'trigger', 'applied'],
      ]);
      expect(entries[1]!.changes).toEqual({
        created: 1,
        updated: 0,
        moved: 2,
        deleted: 0,
        unchanged: 1,
      });
      const { rows: full } = await db.query<{ before: Snapshot; after: Snapshot }>(
        'SELECT before, after FROM section_sync.log WHERE id = $1',
        [entries[1]!.id],
      );
      expect(full[0]!.before.master).toBe('["A","B","C"]');
      expect(full[0]!.after.master).toBe('["B","A","C","New"]');
      // C did not change: it is in neither list. Kept sections carry their sync columns only.
      expect(full[0]!.before.sections.map((s) => s.section_heading)).toEqual(['A', 'B']);
      expect(full[0]!.after.sections.map((s) => s.section_heading)).toEqual(['B', 'A', 'New']);
      expect(Object.keys(full[0]!.after.sections[2]!).sort()).toEqual([
        'id',
        'section_description',
        'section_heading',
        'section_order',
        'status',
      ]);

      // The same list in another format: the master changes, the rows do not; nothing is logged.
      await setMaster(db, postId, '1. B\n2. A\n3. C\n4. New');
      expect(await logEntries(db, postId)).toHaveLength(2);
    });

    it('rejects an unparsable master with SS001 and changes nothing', async () => {
      const postId = 203;
      await createPost(db, postId, '["A","B"]');
      const before = await rows(db, postId);
      const error = await setMaster(db, postId, '[{"heading": "A"},').catch((e) => e);
      expect(error).toMatchObject({ code: 'SS001' });
      expect(JSON.parse((error as { detail: string }).detail)).toMatchObject({
        code: 'invalid_json',
      });
      expect(await rows(db, postId)).toEqual(before);
      expect((await post(db, postId)).master).toBe('["A","B"]');

      const tooLong = await setMaster(db, postId, JSON.stringify(['x'.repeat(1001)])).catch(
        (e) => e,
      );
      expect(tooLong).toMatchObject({ code: 'SS001' });
    });

    it("accepts and logs an unparsable master with on_invalid = 'warn', leaving the rows alone", async () => {
      const postId = 204;
      await createPost(db, postId, '["A","B"]');
      const before = await rows(db, postId);
      await db.transaction(async (tx) => {
        await tx.query("SELECT set_config('section_sync.on_invalid', 'warn', true)");
        await setMaster(tx, postId, '[oops');
      });
      expect((await post(db, postId)).master).toBe('[oops');
      expect(await rows(db, postId)).toEqual(before);
      const last = (await logEntries(db, postId)).at(-1)!;
      expect(last).toMatchObject({ direction: 'to_sections', outcome: 'invalid' });
      expect(last.message).toMatch(/\S/);
    });

    it('leaves the rows alone when the master becomes NULL or blank; [] clears them', async () => {
      const postId = 205;
      await createPost(db, postId, '["A","B"]');
      await setMaster(db, postId, null);
      await setMaster(db, postId, '  \n');
      expect(await rows(db, postId)).toHaveLength(2);
      await setMaster(db, postId, '[]');
      expect(await rows(db, postId)).toEqual([]);
    });

    it('records the origin setting and reports last_result to the writer', async () => {
      const postId = 206;
      await createPost(db, postId, null);
      const result = await db.transaction(async (tx) => {
        await tx.query("SELECT set_config('section_sync.origin', 'cli', true)");
        await setMaster(tx, postId, '["A"]');
        const { rows } = await tx.query<{ r: string }>(
          "SELECT current_setting('section_sync.last_result') AS r",
        );
        return JSON.parse(rows[0]!.r);
      });
      const entry = (await logEntries(db, postId)).at(-1)!;
      expect(entry.origin).toBe('cli');
      expect(result).toEqual({
        postId,
        changes: { created: 1, updated: 0, moved: 0, deleted: 0, unchanged: 0 },
        logId: entry.id,
      });
    });
  });

  describe('rows -> master', () => {
    async function setup(postId: number, headings: string[]): Promise<void> {
      await createPost(db, postId, JSON.stringify(headings));
      await writeBodies(db, postId);
    }
    async function expectInSync(postId: number): Promise<Row[]> {
      const list = await rows(db, postId);
      expect(list.map((r) => r.order)).toEqual(list.map((_, i) => i + 1));
      expect((await post(db, postId)).master).toBe(rendered(list));
      return list;
    }

    it('re-renders the master once per statement, however many rows it touches', async () => {
      const postId = 300;
      await setup(
        postId,
        Array.from({ length: 50 }, (_, i) => `S${i + 1}`),
      );
      const entries = (await logEntries(db, postId)).length;
      const v0 = (await post(db, postId)).version;
      await db.query(`UPDATE post_section SET status = 'review' WHERE post_id = $1`, [postId]);
      const list = await expectInSync(postId);
      expect(list.every((r) => r.status === 'review')).toBe(true);
      const after = await logEntries(db, postId);
      expect(after).toHaveLength(entries + 1);
      expect(after.at(-1)).toMatchObject({
        direction: 'to_development',
        changes: { created: 0, updated: 50, moved: 0, deleted: 0, unchanged: 0 },
      });
      expect((await post(db, postId)).version).toBe(v0 + 1);
    });

    it('closes the gap of a direct delete, single row or many', async () => {
      const postId = 301;
      await setup(postId, ['A', 'B', 'C', 'D', 'E']);
      await db.query(`DELETE FROM post_section WHERE post_id = $1 AND section_heading = 'B'`, [
        postId,
      ]);
      expect((await expectInSync(postId)).map((r) => r.heading)).toEqual(['A', 'C', 'D', 'E']);
      await db.query(
        `DELETE FROM post_section WHERE post_id = $1 AND section_heading IN ('A', 'D')`,
        [postId],
      );
      const list = await expectInSync(postId);
      expect(list.map((r) => [r.heading, r.draft_body])).toEqual([
        ['C', `body of C #${list[0]!.id}`],
        ['E', `body of E #${list[1]!.id}`],
      ]);
    });

    it('puts a row inserted at an occupied order there and shifts the rest down', async () => {
      const postId = 302;
      await setup(postId, ['A', 'B', 'C']);
      await db.query(
        `INSERT INTO post_section (post_id, section_order, section_heading) VALUES ($1, 2, 'X')`,
        [postId],
      );
      expect((await expectInSync(postId)).map((r) => r.heading)).toEqual(['A', 'X', 'B', 'C']);
      // Several rows in one statement, two at the same order (they keep their insertion order),
      // one past the end and one before the start.
      await db.query(
        `INSERT INTO post_section (post_id, section_order, section_heading)
         VALUES ($1, 1, 'P'), ($1, 1, 'Q'), ($1, 99, 'Z'), ($1, 0, 'Y')`,
        [postId],
      );
      expect((await expectInSync(postId)).map((r) => r.heading)).toEqual([
        'Y',
        'P',
        'Q',
        'A',
        'X',
        'B',
        'C',
        'Z',
      ]);
    });

    it('moves a row whose order is updated to that position, down or up', async () => {
      const postId = 303;
      await setup(postId, ['A', 'B', 'C', 'D']);
      const move = (heading: string, order: number) =>
        db.query(
          'UPDATE post_section SET section_order = $3 WHERE post_id = $1 AND section_heading = $2',
          [postId, heading, order],
        );
      await move('A', 3);
      expect((await expectInSync(postId)).map((r) => r.heading)).toEqual(['B', 'C', 'A', 'D']);
      await move('D', 1);
      expect((await expectInSync(postId)).map((r) => r.heading)).toEqual(['D', 'B', 'C', 'A']);
      // A full permutation in one statement (what a drag-and-drop save sends).
      await db.query(
        `UPDATE post_section s SET section_order = v.o
         FROM (VALUES ('A', 1), ('B', 2), ('C', 3), ('D', 4)) v(h, o)
         WHERE s.post_id = $1 AND s.section_heading = v.h`,
        [postId],
      );
      const list = await expectInSync(postId);
      expect(list.map((r) => r.heading)).toEqual(['A', 'B', 'C', 'D']);
      expect(list.every((r) => r.draft_body === `body of ${r.heading} #${r.id}`)).toBe(true);
    });

    it('renders every touched post once when one statement spans posts, and moves rows between posts', async () => {
      await setup(304, ['A', 'B']);
      await setup(305, ['C']);
      await db.query(
        `UPDATE post_section SET section_heading = section_heading || '!' WHERE post_id IN (304, 305)`,
      );
      expect((await expectInSync(304)).map((r) => r.heading)).toEqual(['A!', 'B!']);
      expect((await expectInSync(305)).map((r) => r.heading)).toEqual(['C!']);
      expect((await logEntries(db, 304)).at(-1)!.direction).toBe('to_development');
      await db.query(
        `UPDATE post_section SET post_id = 305, section_order = 1 WHERE post_id = 304 AND section_heading = 'A!'`,
      );
      expect((await expectInSync(304)).map((r) => r.heading)).toEqual(['B!']);
      expect((await expectInSync(305)).map((r) => r.heading)).toEqual(['A!', 'C!']);
    });

    it('does no work and logs nothing for a write that changes nothing the master shows', async () => {
      const postId = 306;
      await setup(postId, ['A', 'B']);
      const entries = (await logEntries(db, postId)).length;
      const { version, master } = await post(db, postId);
      await db.query(`UPDATE post_section SET draft_body = 'rewritten' WHERE post_id = $1`, [
        postId,
      ]);
      await db.query(`UPDATE post_section SET status = status WHERE post_id = $1`, [postId]);
      await db.query('DELETE FROM post_section WHERE post_id = $1 AND false', [postId]);
      expect(await logEntries(db, postId)).toHaveLength(entries);
      expect(await post(db, postId)).toEqual({ version, master });
    });

    it('creates the post_development row of a post that has rows but none', async () => {
      const postId = 307;
      await db.query(
        `INSERT INTO post_section (post_id, section_order, section_heading) VALUES ($1, 1, 'Only')`,
        [postId],
      );
      await expectInSync(postId);
    });

    it('does not fire the other direction: one log entry per write, the master as the writer left it', async () => {
      const postId = 308;
      await setup(postId, ['A', 'B']);
      const n = (await logEntries(db, postId)).length;
      await db.query(
        `UPDATE post_section SET section_heading = 'A2' WHERE post_id = $1 AND section_order = 1`,
        [postId],
      );
      const list = await expectInSync(postId);
      expect((await logEntries(db, postId)).map((e) => e.direction).slice(n)).toEqual([
        'to_development',
      ]);
      // The rendered master carries ids: writing it back is a no-op for the rows.
      await setMaster(db, postId, rendered(list).replace('"B"', '"B2"'));
      expect((await logEntries(db, postId)).map((e) => e.direction).slice(n)).toEqual([
        'to_development',
        'to_sections',
      ]);
      expect((await rows(db, postId)).map((r) => r.id)).toEqual(list.map((r) => r.id));
    });
  });

  // Needs two connections: PostgreSQL only (PGlite is one connection).
  it.runIf(backend.name === 'postgres')(
    'serializes plain-SQL writers of one post on its lock: both edits reach the master, orders stay 1..n',
    async () => {
      const postId = 500;
      await createPost(db, postId, '["A","B","C"]');
      const [a, b] = await rows(db, postId);
      const first = await t.pool!.connect();
      const second = await t.pool!.connect();
      try {
        await first.query('BEGIN');
        await second.query('BEGIN');
        await first.query(`UPDATE post_section SET section_heading = 'A2' WHERE id = $1`, [a!.id]);
        const { rows: pid } = await second.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        // Waits in its trigger for the post's lock, which the first writer's trigger holds.
        const blocked = second.query(
          `UPDATE post_section SET section_heading = 'B2' WHERE id = $1`,
          [b!.id],
        );
        for (let waiting = false; !waiting; ) {
          const { rows: w } = await db.query<{ waiting: boolean }>(
            `SELECT wait_event_type = 'Lock' AS waiting FROM pg_stat_activity WHERE pid = $1`,
            [pid[0]!.pid],
          );
          waiting = w[0]?.waiting === true;
        }
        await first.query('COMMIT');
        await blocked;
        // Its render ran after taking the lock, so it includes the first writer's A2.
        const { rows: seen } = await second.query<{ m: string }>(
          'SELECT section_headings AS m FROM post_development WHERE post_id = $1',
          [postId],
        );
        expect(JSON.parse(seen[0]!.m).map((s: { heading: string }) => s.heading)).toEqual([
          'A2',
          'B2',
          'C',
        ]);
        await second.query(
          `INSERT INTO post_section (post_id, section_order, section_heading) VALUES ($1, 1, 'Y')`,
          [postId],
        );
        await second.query('COMMIT');
      } finally {
        first.release();
        second.release();
      }
      const list = await rows(db, postId);
      expect(list.map((r) => r.heading)).toEqual(['Y', 'A2', 'B2', 'C']);
      expect(list.map((r) => r.order)).toEqual([1, 2, 3, 4]);
      expect((await post(db, postId)).master).toBe(rendered(list));
    },
  );

  describe('the functions the store calls', () => {
    it('sync_to_sections applies the master to the rows and bumps the version', async () => {
      const postId = 400;
      await createPost(db, postId, '["A","B"]');
      await db.transaction(async (tx) => {
        await tx.query("SELECT set_config('section_sync.applying', 'on', true)");
        await setMaster(tx, postId, '["B","C"]'); // the guard is on: no trigger runs
        await tx.query("SELECT set_config('section_sync.applying', '', true)");
        expect((await rows(tx, postId)).map((r) => r.heading)).toEqual(['A', 'B']);
        const v = (await post(tx, postId)).version;
        const { rows: r } = await tx.query<{ result: SyncResult }>(
          'SELECT section_sync.sync_to_sections($1) AS result',
          [postId],
        );
        expect(r[0]!.result).toEqual({
          // B keeps its row (moved up); C is A renamed (step 4), moved down.
          changes: { created: 0, updated: 1, moved: 2, deleted: 0, unchanged: 0 },
          logId: expect.any(Number),
        });
        expect((await post(tx, postId)).version).toBe(v + 1);
      });
      expect((await rows(db, postId)).map((r) => r.heading)).toEqual(['B', 'C']);
      const again = await db.query<{ result: SyncResult }>(
        'SELECT section_sync.sync_to_sections($1) AS result',
        [postId],
      );
      expect(again.rows[0]!.result).toEqual({
        changes: { created: 0, updated: 0, moved: 0, deleted: 0, unchanged: 2 },
        logId: null,
      });
    });

    it('sync_to_master renumbers and renders; SS404 for an unknown post', async () => {
      const postId = 401;
      await createPost(db, postId, '["A","B","C"]');
      await db.transaction(async (tx) => {
        await tx.query("SELECT set_config('section_sync.applying', 'on', true)");
        await tx.query(
          `UPDATE post_section SET section_order = section_order * 10 WHERE post_id = $1`,
          [postId],
        );
      });
      const { rows: r } = await db.query<{ result: SyncResult }>(
        'SELECT section_sync.sync_to_master($1) AS result',
        [postId],
      );
      expect(r[0]!.result).toMatchObject({
        changes: { created: 0, updated: 0, moved: 3, deleted: 0 },
        logId: expect.any(Number),
      });
      const list = await rows(db, postId);
      expect(list.map((x) => x.order)).toEqual([1, 2, 3]);
      expect((await post(db, postId)).master).toBe(rendered(list));
      await expect(db.query('SELECT section_sync.sync_to_master(999999)')).rejects.toMatchObject({
        code: 'SS404',
      });
      await expect(db.query('SELECT section_sync.sync_to_sections(999999)')).rejects.toMatchObject({
        code: 'SS404',
      });
    });
  });
});
