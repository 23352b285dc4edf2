import { backends, type TestDatabase } from '@section-sync/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, type SectionStore } from '../src/index.js';
import { createPost, databaseSnapshot, sectionRows, withoutTriggers } from './store-fixtures.js';

describe.each(backends)('bulk sync on $name', (backend) => {
  let t: TestDatabase;
  let store: SectionStore;

  /** Posts 1-4 with masters written behind the triggers' back; post 3's is unparsable. */
  async function driftMasters(): Promise<void> {
    for (const postId of [1, 2, 4]) {
      await withoutTriggers(
        t.db,
        'UPDATE post_development SET section_headings = $2 WHERE post_id = $1',
        [postId, `1. Intro\n2. Setup\n3. Added to ${postId}`],
      );
    }
    await withoutTriggers(
      t.db,
      `UPDATE post_development SET section_headings = '[{"heading": 1}]' WHERE post_id = 3`,
    );
  }

  beforeAll(async () => {
    t = await backend.open();
    store = createStore(t.db);
    for (const postId of [1, 2, 3, 4]) await createPost(t.db, postId, '1. Intro\n2. Setup');
    await driftMasters();
  });
  afterAll(() => t?.close());

  it('a dry run reports every post and changes nothing', async () => {
    const before = await databaseSnapshot(t.db);
    const outcome = await store.bulkSync({
      postIds: [1, 2, 3, 4],
      direction: 'to_sections',
      dryRun: true,
    });
    expect(outcome).toMatchObject({ dryRun: true, total: 4, succeeded: 3, failed: 1 });
    expect(await databaseSnapshot(t.db)).toEqual(before);
  });

  it('syncs the good posts of a batch, reports the bad master and the unknown post, in batches', async () => {
    const progress: [number, number][] = [];
    const outcome = await store.bulkSync({
      postIds: [4, 1, 2, 3, 99, 4],
      direction: 'to_sections',
      batchSize: 2,
      origin: 'cli',
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(progress).toEqual([
      [2, 5],
      [4, 5],
      [5, 5],
    ]);
    expect(outcome).toMatchObject({
      direction: 'to_sections',
      dryRun: false,
      total: 5,
      succeeded: 3,
      failed: 2,
    });
    expect(outcome.results.map((r) => [r.postId, r.status, r.error?.code])).toEqual([
      [1, 'success', undefined],
      [2, 'success', undefined],
      [3, 'error', 'invalid_item'],
      [4, 'success', undefined],
      [99, 'error', 'post_not_found'],
    ]);
    for (const postId of [1, 2, 4]) {
      const result = outcome.results.find((r) => r.postId === postId)!;
      expect(result.changes).toMatchObject({ created: 1, unchanged: 2 });
      expect(result.version).toBe((await store.getPost(postId)).version);
      expect((await sectionRows(t.db, postId)).map((r) => r.section_heading)).toEqual([
        'Intro',
        'Setup',
        `Added to ${postId}`,
      ]);
      const [entry] = await store.getSyncLog(postId, { limit: 1 });
      expect(entry).toMatchObject({ direction: 'to_sections', origin: 'cli' });
    }
    expect(outcome.results[2]!.error!.message).toMatch(/item/i);
    expect((await sectionRows(t.db, 3)).map((r) => r.section_heading)).toEqual(['Intro', 'Setup']);
  });

  it('syncs every post when no ids are given', async () => {
    const outcome = await store.bulkSync({ direction: 'both' });
    expect(outcome.results.map((r) => r.postId)).toEqual([1, 2, 3, 4]);
    expect(outcome.failed).toBe(1);
    for (const postId of [1, 2, 4]) {
      expect((await store.checkPost(postId)).status).toBe('OK');
    }
  });

  it('an empty list of posts syncs nothing', async () => {
    const progress: unknown[] = [];
    const outcome = await store.bulkSync({ postIds: [], onProgress: (d) => progress.push(d) });
    expect(outcome).toMatchObject({ total: 0, succeeded: 0, failed: 0, results: [] });
    expect(progress).toEqual([]);
  });

  it('a first sync into a post_section never analysed gathers its statistics after one batch', async () => {
    const fresh = await backend.open();
    try {
      const reltuples = async () => {
        const { rows } = await fresh.db.query<{ n: number }>(
          `SELECT reltuples::float8 AS n FROM pg_class WHERE oid = 'post_section'::regclass`,
        );
        return Number(rows[0]!.n);
      };
      expect(await reltuples()).toBeLessThanOrEqual(0);
      await withoutTriggers(
        fresh.db,
        `INSERT INTO post_development (post_id, section_headings)
         SELECT p, '["Intro", "Setup", "Wrap-up"]' FROM generate_series(1, 30) p`,
      );
      const outcome = await createStore(fresh.db).bulkSync({
        direction: 'to_sections',
        batchSize: 10,
      });
      expect(outcome.succeeded).toBe(30);
      expect(await reltuples()).toBeGreaterThan(0);
    } finally {
      await fresh.close();
    }
  });
});
