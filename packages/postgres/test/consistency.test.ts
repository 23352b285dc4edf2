import type { SyncStatus } from '@section-sync/core';
import { PostNotFoundError } from '@section-sync/core';
import { backends, type TestDatabase } from '@section-sync/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, type SectionStore } from '../src/index.js';
import { createPost, sectionRows, withoutTriggers } from './store-fixtures.js';

describe.each(backends)('consistency check on $name', (backend) => {
  let t: TestDatabase;
  let store: SectionStore;
  /** Post id -> the status its setup below must produce. */
  const expected = new Map<number, SyncStatus['status']>();

  beforeAll(async () => {
    t = await backend.open();
    store = createStore(t.db);
    const master = '1. Intro\n2. Setup\n3. Usage';

    // 1: consistent, written through the triggers.
    await createPost(t.db, 1, master);
    expected.set(1, 'OK');
    // 2: nothing at all is consistent too.
    await createPost(t.db, 2, null);
    expected.set(2, 'OK');
    // 3: rows but a NULL master.
    await createPost(t.db, 3, master);
    await withoutTriggers(
      t.db,
      'UPDATE post_development SET section_headings = NULL WHERE post_id = 3',
    );
    expected.set(3, 'No master data');
    // 4: rows but no post_development row at all.
    await withoutTriggers(
      t.db,
      `INSERT INTO post_section (post_id, section_order, section_heading) VALUES (4, 1, 'Orphan')`,
    );
    expected.set(4, 'No master data');
    // 5: a master but no rows.
    await createPost(t.db, 5, master);
    await withoutTriggers(t.db, 'DELETE FROM post_section WHERE post_id = 5');
    expected.set(5, 'No sections');
    // 6: one row too many.
    await createPost(t.db, 6, master);
    await withoutTriggers(
      t.db,
      `INSERT INTO post_section (post_id, section_order, section_heading) VALUES (6, 4, 'Extra')`,
    );
    expected.set(6, 'Count mismatch');
    // 7: same count, a heading changed (the original design's count-only check said OK).
    await createPost(t.db, 7, master);
    await withoutTriggers(
      t.db,
      `UPDATE post_section SET section_heading = 'Setup!' WHERE post_id = 7 AND section_order = 2`,
    );
    expected.set(7, 'Content mismatch');
    // 8: unparsable master.
    await createPost(t.db, 8, master);
    await withoutTriggers(
      t.db,
      `UPDATE post_development SET section_headings = '[{"heading": ' WHERE post_id = 8`,
    );
    expected.set(8, 'Invalid master');
    // 9: two sections swapped: same headings, wrong order.
    await createPost(t.db, 9, master);
    await withoutTriggers(
      t.db,
      `UPDATE post_section SET section_order = CASE section_order WHEN 1 THEN 2 ELSE 1 END
       WHERE post_id = 9 AND section_order IN (1, 2)`,
    );
    expected.set(9, 'Content mismatch');
    // 10: a canonical master (ids, descriptions, statuses) whose row status drifted.
    await createPost(t.db, 10, master);
    await store.sync(10, 'to_development');
    await withoutTriggers(
      t.db,
      `UPDATE post_section SET status = 'published' WHERE post_id = 10 AND section_order = 3`,
    );
    expected.set(10, 'Content mismatch');
    // 11: rows but no post_development row, after the last post that has one.
    await withoutTriggers(
      t.db,
      `INSERT INTO post_section (post_id, section_order, section_heading) VALUES (11, 1, 'Late orphan')`,
    );
    expected.set(11, 'No master data');
  });
  afterAll(() => t?.close());

  it('gives every post the status its master and rows deserve', async () => {
    const page = await store.listSyncStatus({ limit: 100 });
    expect(Object.fromEntries(page.items.map((i) => [i.postId, i.status]))).toEqual(
      Object.fromEntries(expected),
    );
    expect(page.nextCursor).toBeNull();
  });

  it('lists the differences position by position', async () => {
    expect(await store.checkPost(1)).toEqual({
      postId: 1,
      status: 'OK',
      version: expect.any(Number),
      masterCount: 3,
      sectionCount: 3,
      differences: [],
    });
    expect((await store.checkPost(7)).differences).toEqual([
      { order: 2, field: 'heading', master: 'Setup', section: 'Setup!' },
    ]);
    expect(await store.checkPost(6)).toMatchObject({
      masterCount: 3,
      sectionCount: 4,
      differences: [{ order: 4, field: 'missing_in_master', master: null, section: 'Extra' }],
    });
    expect((await store.checkPost(5)).differences).toEqual([
      { order: 1, field: 'missing_in_sections', master: 'Intro', section: null },
      { order: 2, field: 'missing_in_sections', master: 'Setup', section: null },
      { order: 3, field: 'missing_in_sections', master: 'Usage', section: null },
    ]);
    expect((await store.checkPost(9)).differences).toEqual([
      { order: 1, field: 'heading', master: 'Intro', section: 'Setup' },
      { order: 2, field: 'heading', master: 'Setup', section: 'Intro' },
    ]);
    expect((await store.checkPost(10)).differences).toEqual([
      { order: 3, field: 'status', master: 'draft', section: 'published' },
    ]);
    expect(await store.checkPost(4)).toMatchObject({ masterCount: 0, sectionCount: 1 });
  });

  it('compares ids where the master gives them', async () => {
    await createPost(t.db, 50, '1. A\n2. B');
    await store.sync(50, 'to_development');
    const [a, b] = await sectionRows(t.db, 50);
    // Swap the two rows' headings and orders without triggers: headings line up, ids do not.
    await withoutTriggers(
      t.db,
      `UPDATE post_section SET section_order = 3 - section_order,
         section_heading = CASE section_heading WHEN 'A' THEN 'B' ELSE 'A' END
       WHERE post_id = 50`,
    );
    const status = await store.checkPost(50);
    expect(status.status).toBe('Content mismatch');
    expect(status.differences).toEqual([
      { order: 1, field: 'id', master: a!.id, section: b!.id },
      { order: 2, field: 'id', master: b!.id, section: a!.id },
    ]);
    await withoutTriggers(t.db, 'DELETE FROM post_section WHERE post_id = 50');
    await withoutTriggers(t.db, 'DELETE FROM post_development WHERE post_id = 50');
  });

  it('is OK after a master naming ids the post does not have, or one id twice: the sync ignored them', async () => {
    // A writer read the post, another deleted a section, the first wrote a canonical master
    // still naming it (or a master carrying another post's id): the plan ignored those ids
    // and the check said "Content mismatch" for a post that no sync could change.
    await createPost(t.db, 60, '1. A\n2. B');
    await createPost(t.db, 61, '1. Other');
    const [a, b] = await sectionRows(t.db, 60);
    const [other] = await sectionRows(t.db, 61);
    await store.deleteSection(60, b!.id);
    await store.writeMaster(
      60,
      JSON.stringify([
        { id: a!.id, heading: 'A' },
        { id: b!.id, heading: 'B' },
        { id: other!.id, heading: 'C' },
        { id: a!.id, heading: 'D' },
      ]),
    );
    const status = await store.checkPost(60);
    expect(status).toMatchObject({ status: 'OK', differences: [] });
    expect((await sectionRows(t.db, 60)).map((r) => r.section_heading)).toEqual([
      'A',
      'B',
      'C',
      'D',
    ]);
    expect((await store.checkPost(61)).status).toBe('OK');
    // An id of this post at the wrong place is still a difference (the test above).
    await withoutTriggers(t.db, 'DELETE FROM post_section WHERE post_id IN (60, 61)');
    await withoutTriggers(t.db, 'DELETE FROM post_development WHERE post_id IN (60, 61)');
  });

  it('throws PostNotFoundError for an id with neither a master row nor sections', async () => {
    await expect(store.checkPost(777)).rejects.toBeInstanceOf(PostNotFoundError);
  });

  it('pages by post id cursor', async () => {
    const ids: number[] = [];
    let cursor: number | undefined;
    let pages = 0;
    for (;;) {
      const page = await store.listSyncStatus({ limit: 3, cursor });
      pages++;
      ids.push(...page.items.map((i) => i.postId));
      if (page.nextCursor === null) break;
      expect(page.items).toHaveLength(3);
      expect(page.nextCursor).toBe(page.items.at(-1)!.postId);
      cursor = page.nextCursor;
    }
    expect(ids).toEqual([...expected.keys()]);
    expect(pages).toBe(4);
  });

  it('filters by status and by inconsistency, paging through the matches only', async () => {
    const mismatches = await store.listSyncStatus({ status: 'Content mismatch' });
    expect(mismatches.items.map((i) => i.postId)).toEqual([7, 9, 10]);
    const first = await store.listSyncStatus({ inconsistent: true, limit: 4 });
    expect(first.items.map((i) => i.postId)).toEqual([3, 4, 5, 6]);
    const rest = await store.listSyncStatus({
      inconsistent: true,
      limit: 4,
      cursor: first.nextCursor!,
    });
    expect(rest.items.map((i) => i.postId)).toEqual([7, 8, 9, 10]);
    const last = await store.listSyncStatus({
      inconsistent: true,
      limit: 4,
      cursor: rest.nextCursor!,
    });
    expect(last).toEqual({ items: [expect.objectContaining({ postId: 11 })], nextCursor: null });
  });

  // A page reads post ids range by range; a filtered page widens its range until it is full.
  it.each([1, 2, 5])('pages filtered results %i at a time, across ranges', async (limit) => {
    const pageThrough = async (filter: {
      status?: SyncStatus['status'];
      inconsistent?: boolean;
    }) => {
      const ids: number[] = [];
      let cursor: number | undefined;
      for (;;) {
        const page = await store.listSyncStatus({ ...filter, limit, cursor });
        ids.push(...page.items.map((i) => i.postId));
        if (page.nextCursor === null) return ids;
        cursor = page.nextCursor;
      }
    };
    const matching = (keep: (status: SyncStatus['status']) => boolean) =>
      [...expected].filter(([, status]) => keep(status)).map(([id]) => id);
    expect(await pageThrough({ inconsistent: true })).toEqual(matching((s) => s !== 'OK'));
    expect(await pageThrough({ status: 'No master data' })).toEqual([3, 4, 11]);
    expect(await pageThrough({})).toEqual([...expected.keys()]);
  });

  it('repairing with a sync makes a post OK', async () => {
    await store.sync(7, 'to_sections');
    expect((await store.checkPost(7)).status).toBe('OK');
    expected.set(7, 'OK');
  });
});

describe.each(backends)('raised limits configured on the store on $name', (backend) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await backend.open();
  });
  afterAll(() => t?.close());

  it('are honoured by the writes, checkPost, listSyncStatus and bulkSync alike', async () => {
    const store = createStore(t.db, { limits: { maxSections: 600, maxHeadingLength: 2000 } });
    const many = Array.from({ length: 550 }, (_, i) => `Section ${i + 1}`);
    await createPost(t.db, 1, null);
    await createPost(t.db, 2, null);
    await store.writeMaster(1, JSON.stringify(many));
    await store.writeMaster(2, JSON.stringify(['y'.repeat(1500), 'Short']));
    for (const postId of [1, 2]) {
      expect(await store.checkPost(postId)).toMatchObject({ status: 'OK', differences: [] });
    }
    const page = await store.listSyncStatus({ inconsistent: true });
    expect(page.items).toEqual([]);
    const all = await store.listSyncStatus();
    expect(all.items.map((i) => [i.postId, i.status])).toEqual([
      [1, 'OK'],
      [2, 'OK'],
    ]);
    const bulk = await store.bulkSync({ postIds: [1, 2] });
    expect(bulk).toMatchObject({ failed: 0, succeeded: 2 });
    // A store with the defaults says what is over them (so the limits above did something).
    expect((await createStore(t.db).checkPost(1)).status).toBe('Invalid master');
  });
});
