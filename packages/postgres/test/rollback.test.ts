import { backends, type TestDatabase } from '@section-sync/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/index.js';
import { openWithDraftColumn } from './store-fixtures.js';

// section_sync.rollback(post, entry): restores the post as it was before that entry (the entry and
// every later one undone) as a new, logged sync. Entries are compact (touched sections only), so
// the state before an old entry is pieced together from it and the entries after it.

interface Row {
  id: string;
  order: number;
  heading: string;
  status: string;
  draft_body: string | null;
}

async function rows(db: Db, postId: number): Promise<Row[]> {
  const { rows } = await db.query<Row>(
    `SELECT id, section_order AS "order", section_heading AS heading, status, draft_body
     FROM post_section WHERE post_id = $1 ORDER BY section_order`,
    [postId],
  );
  return rows;
}

async function lastEntry(db: Db, postId: number) {
  const { rows } = await db.query<{
    id: number;
    direction: string;
    rollback_of: number | null;
    changes: Record<string, number>;
  }>(
    'SELECT id::int, direction, rollback_of::int, changes FROM section_sync.log WHERE post_id = $1 ORDER BY id DESC LIMIT 1',
    [postId],
  );
  return rows[0]!;
}

async function rollback(db: Db, postId: number, entryId: number) {
  const { rows } = await db.query<{ r: { changes: Record<string, number>; logId: number } }>(
    'SELECT section_sync.rollback($1, $2) AS r',
    [postId, entryId],
  );
  return rows[0]!.r;
}

async function master(db: Db, postId: number): Promise<string | null> {
  const { rows } = await db.query<{ m: string | null }>(
    'SELECT section_headings AS m FROM post_development WHERE post_id = $1',
    [postId],
  );
  return rows[0]!.m;
}

describe.each(backends)('rollback on $name', (backend) => {
  let t: TestDatabase;
  let db: Db;
  beforeAll(async () => {
    t = await openWithDraftColumn(backend);
    db = t.db;
  });
  afterAll(() => t?.close());

  async function setup(postId: number, headings: string[]): Promise<Row[]> {
    await db.query('INSERT INTO post_development (post_id, section_headings) VALUES ($1, $2)', [
      postId,
      JSON.stringify(headings),
    ]);
    await db.query(
      `UPDATE post_section SET draft_body = 'drafted ' || section_heading WHERE post_id = $1`,
      [postId],
    );
    return rows(db, postId);
  }

  it('restores a section deleted by plain SQL with its id and host column', async () => {
    const before = await setup(1, ['A', 'B', 'C']);
    await db.query(`DELETE FROM post_section WHERE post_id = 1 AND section_heading = 'B'`);
    const deletion = await lastEntry(db, 1);
    expect(deletion.direction).toBe('to_development');

    const result = await rollback(db, 1, deletion.id);
    expect(await rows(db, 1)).toEqual(before);
    expect(result.changes).toMatchObject({ created: 1, deleted: 0, moved: 1 });
    const entry = await lastEntry(db, 1);
    expect(entry).toMatchObject({
      id: result.logId,
      direction: 'rollback',
      rollback_of: deletion.id,
    });
    const restored = await rows(db, 1);
    expect(JSON.parse((await master(db, 1))!).map((s: { id: number }) => String(s.id))).toEqual(
      restored.map((r) => r.id),
    );
  });

  it("brings a deleted section back with its host content as last logged, not the entry's older copy", async () => {
    // Rolling back to a state older than the host's drafting used to restore the section with
    // the content it had then (here none), losing what was drafted before the delete.
    await db.query('INSERT INTO post_development (post_id, section_headings) VALUES (51, $1)', [
      '1. A\n2. B',
    ]);
    await db.query(
      `UPDATE post_development SET section_headings = '1. A\n2. B\n3. C' WHERE post_id = 51`,
    );
    const older = await lastEntry(db, 51);
    await db.query(
      `UPDATE post_section SET draft_body = 'drafted B' WHERE post_id = 51 AND section_heading = 'B'`,
    );
    const [, b] = await rows(db, 51);
    await db.query(`DELETE FROM post_section WHERE post_id = 51 AND section_heading = 'B'`);

    await rollback(db, 51, older.id);
    expect(await rows(db, 51)).toEqual([
      expect.objectContaining({ heading: 'A', draft_body: null }),
      { ...b, order: 2, draft_body: 'drafted B' },
    ]);
  });

  it('undoes a master write: renamed back, deleted rows return, created rows go', async () => {
    const before = await setup(2, ['Intro', 'Main', 'End']);
    await db.query(
      `UPDATE post_development SET section_headings = '["Main","Intro v2","New"]' WHERE post_id = 2`,
    );
    const write = await lastEntry(db, 2);
    expect(write.direction).toBe('to_sections');
    await rollback(db, 2, write.id);
    expect(await rows(db, 2)).toEqual(before);
  });

  it('restores status and order changed by a later statement, and can itself be rolled back', async () => {
    const before = await setup(3, ['A', 'B']);
    await db.query(
      `UPDATE post_section SET status = 'done', section_order = 1 WHERE post_id = 3 AND section_heading = 'B'`,
    );
    const edit = await lastEntry(db, 3);
    const changed = await rows(db, 3);
    expect(changed.map((r) => [r.heading, r.status])).toEqual([
      ['B', 'done'],
      ['A', 'draft'],
    ]);
    const undo = await rollback(db, 3, edit.id);
    expect(await rows(db, 3)).toEqual(before);
    await rollback(db, 3, undo.logId);
    expect(await rows(db, 3)).toEqual(changed);
  });

  it('answers SS404 for an unknown entry or post and SS400 for an entry of another post', async () => {
    await setup(4, ['A']);
    await setup(5, ['B']);
    const other = await lastEntry(db, 5);
    await expect(rollback(db, 4, 99999999)).rejects.toMatchObject({ code: 'SS404' });
    await expect(rollback(db, 99999999, other.id)).rejects.toMatchObject({ code: 'SS404' });
    await expect(rollback(db, 4, other.id)).rejects.toMatchObject({ code: 'SS400' });
  });

  it('rolls back an entry older than later syncs: the post as it was before it, later edits undone', async () => {
    const before = await setup(6, ['A', 'B', 'C']);
    await db.query(
      `UPDATE post_development SET section_headings = '["A","B renamed","C"]' WHERE post_id = 6`,
    );
    const rename = await lastEntry(db, 6);
    await db.query(`DELETE FROM post_section WHERE post_id = 6 AND section_heading = 'C'`);
    await db.query(
      `INSERT INTO post_section (post_id, section_order, section_heading) VALUES (6, 1, 'D')`,
    );
    await db.query(
      `UPDATE post_section SET status = 'done' WHERE post_id = 6 AND section_heading = 'A'`,
    );
    expect((await rows(db, 6)).map((r) => r.heading)).toEqual(['D', 'A', 'B renamed']);

    await rollback(db, 6, rename.id);
    // C is back whole (id and drafted body), D is gone, B has its name back, A its status.
    expect(await rows(db, 6)).toEqual(before);
  });

  it('brings back a section edited by the entry and deleted later with the host columns it had when deleted', async () => {
    const [, b] = await setup(7, ['A', 'B']);
    await db.query(
      `UPDATE post_development SET section_headings = '["A","B v2"]' WHERE post_id = 7`,
    );
    const rename = await lastEntry(db, 7);
    await db.query(`UPDATE post_section SET draft_body = 'second draft' WHERE id = $1`, [b!.id]);
    await db.query('DELETE FROM post_section WHERE id = $1', [b!.id]);

    await rollback(db, 7, rename.id);
    expect((await rows(db, 7))[1]).toEqual({ ...b, draft_body: 'second draft' });
  });

  it('tells a pruned entry from one that never existed', async () => {
    await setup(8, ['A']);
    await db.query(`UPDATE post_development SET section_headings = '["B"]' WHERE post_id = 8`);
    const { id } = await lastEntry(db, 8);
    await db.query('DELETE FROM section_sync.log WHERE id = $1', [id]);
    await db.query('INSERT INTO section_sync.log_pruned (post_id, up_to) VALUES (8, $1)', [id]);
    const pruned = await rollback(db, 8, id).catch((e) => e);
    expect(pruned).toMatchObject({ code: 'SS404' });
    expect(pruned.message).toMatch(/was pruned by the retention policy/);
    expect(JSON.parse(pruned.detail)).toMatchObject({ entity: 'log_entry', pruned: true });
    const missing = await rollback(db, 8, id + 1_000_000).catch((e) => e);
    expect(JSON.parse(missing.detail)).toMatchObject({ pruned: false });
  });

  describe('never loses a section to another post', () => {
    async function drafts(postIds: number[]) {
      const { rows } = await db.query<{ id: number; post_id: number; draft_body: string }>(
        'SELECT id, post_id, draft_body FROM post_section WHERE post_id = ANY($1) ORDER BY id',
        [postIds],
      );
      return rows;
    }

    it('refuses with rollback_conflict to roll back the post a section was moved to, or from', async () => {
      await setup(70, ['A1', 'A2']);
      await setup(71, ['B1']);
      const [, moving] = await rows(db, 70);
      await db.query('UPDATE post_section SET post_id = 71, section_order = 1 WHERE id = $1', [
        moving!.id,
      ]);
      const intoB = await lastEntry(db, 71);
      const outOfA = await lastEntry(db, 70);
      const state = await drafts([70, 71]);

      const refusedB = await rollback(db, 71, intoB.id).catch((e) => e);
      expect(refusedB).toMatchObject({ code: 'SS400' });
      expect(JSON.parse(refusedB.detail)).toEqual({
        code: 'rollback_conflict',
        sections: [{ sectionId: moving!.id, movedFrom: 70 }],
      });
      expect(refusedB.message).toContain(`section ${moving!.id} was moved here from post 70`);

      const refusedA = await rollback(db, 70, outOfA.id).catch((e) => e);
      expect(JSON.parse(refusedA.detail)).toEqual({
        code: 'rollback_conflict',
        sections: [{ sectionId: moving!.id, postId: 71 }],
      });
      expect(await drafts([70, 71])).toEqual(state);

      // Moved back by hand, both rollbacks have nothing to take from anyone.
      await db.query('UPDATE post_section SET post_id = 70, section_order = 2 WHERE id = $1', [
        moving!.id,
      ]);
      await rollback(db, 71, intoB.id);
      expect((await rows(db, 71)).map((r) => r.heading)).toEqual(['B1']);
      expect(await rows(db, 70)).toEqual([
        expect.objectContaining({ heading: 'A1' }),
        { ...moving, draft_body: 'drafted A2' },
      ]);
    });
  });

  describe('one statement with several writes (writable CTE)', () => {
    async function entriesSince(postId: number, after: number) {
      const { rows } = await db.query<{
        id: number;
        changes: Record<string, number>;
        before: { master: string; sections: { id: number; draft_body?: string }[] };
        after: { master: string; sections: { id: number }[] };
      }>(
        'SELECT id, changes, before, after FROM section_sync.log WHERE post_id = $1 AND id > $2 ORDER BY id',
        [postId, after],
      );
      return rows;
    }

    const headingsOf = (master: string) =>
      JSON.parse(master).map((s: string | { heading: string }) =>
        typeof s === 'string' ? s : s.heading,
      );

    it('logs one entry per post whose changes match its two masters, and its rollback restores all of it', async () => {
      const before = await setup(80, ['A', 'B', 'C', 'D']);
      const mark = (await lastEntry(db, 80)).id;
      await db.query(`WITH d AS (DELETE FROM post_section WHERE post_id = 80 AND section_heading = 'B')
        UPDATE post_section SET section_heading = 'C2' WHERE post_id = 80 AND section_heading = 'C'`);
      const entries = await entriesSince(80, mark);
      expect(entries).toHaveLength(1);
      const [entry] = entries;
      expect(entry!.changes).toEqual({
        created: 0,
        updated: 1,
        moved: 2,
        deleted: 1,
        unchanged: 1,
      });
      expect(headingsOf(entry!.before.master)).toEqual(['A', 'B', 'C', 'D']);
      expect(headingsOf(entry!.after.master)).toEqual(['A', 'C2', 'D']);
      // The deleted section is in "before" whole, host column included, and not in "after".
      const b = before[1]!;
      expect(entry!.before.sections).toContainEqual(
        // The log keeps whole rows as to_jsonb: the id is a JSON number there.
        expect.objectContaining({ id: Number(b.id), draft_body: 'drafted B' }),
      );
      expect(entry!.after.sections.map((s) => s.id)).not.toContain(b.id);

      await rollback(db, 80, entry!.id);
      expect(await rows(db, 80)).toEqual(before);
    });

    it('an insert, an update and a delete in one statement: one entry, rolled back exactly', async () => {
      const before = await setup(81, ['A', 'B', 'C']);
      const mark = (await lastEntry(db, 81)).id;
      await db.query(`WITH d AS (DELETE FROM post_section WHERE post_id = 81 AND section_heading = 'A'),
          i AS (INSERT INTO post_section (post_id, section_order, section_heading) VALUES (81, 1, 'New'))
        UPDATE post_section SET status = 'done' WHERE post_id = 81 AND section_heading = 'C'`);
      const entries = await entriesSince(81, mark);
      expect(entries).toHaveLength(1);
      expect(entries[0]!.changes).toMatchObject({ created: 1, updated: 1, deleted: 1 });
      expect(headingsOf(entries[0]!.after.master)).toEqual(['New', 'B', 'C']);
      await rollback(db, 81, entries[0]!.id);
      expect(await rows(db, 81)).toEqual(before);
    });

    it('INSERT ... ON CONFLICT DO UPDATE: one entry, rolled back exactly', async () => {
      const before = await setup(82, ['A', 'B']);
      const mark = (await lastEntry(db, 82)).id;
      await db.query(
        `INSERT INTO post_section (id, post_id, section_order, section_heading)
         VALUES ($1, 82, 1, 'A renamed'), (DEFAULT, 82, 3, 'C')
         ON CONFLICT (id) DO UPDATE SET section_heading = excluded.section_heading`,
        [before[0]!.id],
      );
      const entries = await entriesSince(82, mark);
      expect(entries).toHaveLength(1);
      expect(entries[0]!.changes).toMatchObject({ created: 1, updated: 1 });
      expect(headingsOf(entries[0]!.after.master)).toEqual(['A renamed', 'B', 'C']);
      await rollback(db, 82, entries[0]!.id);
      expect(await rows(db, 82)).toEqual(before);
    });
  });
});
