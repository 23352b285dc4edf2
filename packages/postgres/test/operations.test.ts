import { LogEntryNotFoundError } from '@section-sync/core';
import { backends, openPostgres, postgresUrl, type TestDatabase } from '@section-sync/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkReadiness,
  createStore,
  type Db,
  fromPg,
  pruneSyncLog,
  readSyncTotals,
  recordCheck,
} from '../src/index.js';
import { createPost, openWithDraftColumn } from './store-fixtures.js';

// Operations on the sync log: compact entries, retention, totals for metrics, readiness.

async function entryIds(db: Db, postId: number): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    'SELECT id FROM section_sync.log WHERE post_id = $1 ORDER BY id',
    [postId],
  );
  return rows.map((r) => r.id);
}

/** A post with `entries` log entries (the first creates it, each later one renames it). */
async function postWithEntries(db: Db, postId: number, entries: number): Promise<number[]> {
  await createPost(db, postId, '["v0"]');
  for (let i = 1; i < entries; i++) {
    await db.query('UPDATE post_development SET section_headings = $2 WHERE post_id = $1', [
      postId,
      JSON.stringify([`v${i}`]),
    ]);
  }
  return entryIds(db, postId);
}

function headings(size: number, renamed?: number): string {
  return JSON.stringify(
    Array.from({ length: size }, (_, i) => ({
      heading: `Section ${i + 1}: what it covers${i === renamed ? ' (renamed)' : ''}`,
      description: `Notes for section ${i + 1}.`,
    })),
  );
}

describe.each(backends)('sync log operations on $name', (backend) => {
  let t: TestDatabase;
  let db: Db;
  beforeAll(async () => {
    t = await openWithDraftColumn(backend);
    db = t.db;
  });
  afterAll(() => t?.close());

  it('logs a one-section rename of a 100-section post in under 4 KB, holding that section only', async () => {
    await createPost(db, 1, headings(100));
    // ~1,200 characters of hard-to-compress draft per section: the full-row log stored them all.
    await db.query(
      `UPDATE post_section SET draft_body = (SELECT string_agg(md5(id::text || g::text), ' ')
         FROM generate_series(1, 36) g) WHERE post_id = 1`,
    );
    await db.query('UPDATE post_development SET section_headings = $2 WHERE post_id = $1', [
      1,
      headings(100, 49),
    ]);
    const { rows } = await db.query<{ bytes: number; before: number; after: number }>(
      `SELECT pg_column_size(l.*) AS bytes, jsonb_array_length(before->'sections') AS before,
              jsonb_array_length(after->'sections') AS after
       FROM section_sync.log l WHERE post_id = 1 ORDER BY id DESC LIMIT 1`,
    );
    expect(rows[0]).toMatchObject({ before: 1, after: 1 });
    expect(Number(rows[0]!.bytes)).toBeLessThan(4096);

    // A deleted section is logged whole, drafted body included, so rollback can restore it.
    await db.query('DELETE FROM post_section WHERE post_id = 1 AND section_order = 3');
    const { rows: deleted } = await db.query<{ section: Record<string, unknown> }>(
      `SELECT before->'sections'->0 AS section FROM section_sync.log
       WHERE post_id = 1 ORDER BY id DESC LIMIT 1`,
    );
    expect(deleted[0]!.section).toMatchObject({ section_order: 3, draft_body: expect.any(String) });
  });

  describe('pruning', () => {
    it('keeps the last N entries of each post, in batches, and never a post’s newest', async () => {
      await pruneSyncLog(db, { keepLast: 2 }); // what earlier tests left
      const a = await postWithEntries(db, 11, 5);
      const b = await postWithEntries(db, 12, 1);
      const c = await postWithEntries(db, 13, 3);

      const dry = await pruneSyncLog(db, { keepLast: 2 }, { dryRun: true });
      expect(dry).toMatchObject({ pruned: 4 });
      expect(await entryIds(db, 11)).toEqual(a);

      const progress: number[] = [];
      const run = await pruneSyncLog(
        db,
        { keepLast: 2 },
        { batchSize: 2, onProgress: (n) => progress.push(n) },
      );
      expect(run.pruned).toBe(4);
      expect(run.batches).toBeGreaterThan(2);
      expect(progress.at(-1)).toBe(4);
      expect(await entryIds(db, 11)).toEqual(a.slice(3));
      expect(await entryIds(db, 12)).toEqual(b);
      expect(await entryIds(db, 13)).toEqual(c.slice(1));
      expect((await pruneSyncLog(db, { keepLast: 2 })).pruned).toBe(0);
    });

    it('prunes by age, keeping the newest entry of a post even when every entry is old', async () => {
      const old = await postWithEntries(db, 21, 3);
      const mixed = await postWithEntries(db, 22, 3);
      await db.query(
        `UPDATE section_sync.log SET created_at = now() - interval '40 days'
         WHERE post_id = 21 OR (post_id = 22 AND id < $1)`,
        [mixed[2]],
      );
      const run = await pruneSyncLog(db, { olderThanDays: 30 });
      expect(run.pruned).toBe(4);
      expect(await entryIds(db, 21)).toEqual(old.slice(2));
      expect(await entryIds(db, 22)).toEqual(mixed.slice(2));
    });

    it('with both limits, prunes only entries beyond the last N that are also old', async () => {
      const ids = await postWithEntries(db, 23, 4);
      await db.query(
        `UPDATE section_sync.log SET created_at = now() - interval '40 days' WHERE id = ANY($1)`,
        [ids.slice(0, 2)],
      );
      await pruneSyncLog(db, { keepLast: 1, olderThanDays: 30 });
      expect(await entryIds(db, 23)).toEqual(ids.slice(2));
    });

    it('answers log_entry_pruned for a pruned entry, log_entry_not_found for an unknown one', async () => {
      const ids = await postWithEntries(db, 31, 3);
      await pruneSyncLog(db, { keepLast: 1 });
      const store = createStore(db);
      const pruned = await store.rollback(31, ids[0]!).catch((e) => e);
      expect(pruned).toBeInstanceOf(LogEntryNotFoundError);
      expect(pruned).toMatchObject({ code: 'log_entry_pruned', pruned: true });
      expect(pruned.message).toMatch(/was pruned by the retention policy/);
      const unknown = await store.rollback(31, ids[2]! + 1_000_000).catch((e) => e);
      expect(unknown).toMatchObject({ code: 'log_entry_not_found' });
      // The newest entry is still there and can be rolled back.
      await expect(store.rollback(31, ids[2]!)).resolves.toMatchObject({ rolledBack: ids[2] });
    });

    it('refuses a policy without limits', async () => {
      await expect(pruneSyncLog(db, {})).rejects.toThrow(/keepLast, olderThanDays or both/);
      await expect(pruneSyncLog(db, { keepLast: 0 })).rejects.toThrow(/at least 1/);
    });
  });

  describe('totals', () => {
    const total = (totals: Awaited<ReturnType<typeof readSyncTotals>>, origin: string) =>
      totals.totals
        .filter((x) => x.origin === origin && x.outcome === 'applied')
        .reduce((sum, x) => ({ syncs: sum.syncs + x.syncs, created: sum.created + x.created }), {
          syncs: 0,
          created: 0,
        });

    it('count syncs written by plain SQL and by the API, and survive pruning', async () => {
      const before = await readSyncTotals(db);
      await createPost(db, 41, '["A","B"]');
      await createStore(db).createSection(41, { heading: 'C' });
      const after = await readSyncTotals(db);
      expect(total(after, 'trigger').syncs - total(before, 'trigger').syncs).toBe(1);
      expect(total(after, 'trigger').created - total(before, 'trigger').created).toBe(2);
      expect(total(after, 'api').syncs - total(before, 'api').syncs).toBe(1);

      await pruneSyncLog(db, { keepLast: 1 });
      expect(await readSyncTotals(db)).toEqual(after);
    });

    it('are read without writing: a scrape works in a read-only transaction (a replica)', async () => {
      await createPost(db, 44, '["A"]');
      const queuedBefore = await db.query(
        'SELECT count(*)::int AS n FROM section_sync.log_uncounted',
      );
      const expected = await readSyncTotals(db);
      const readOnly = await db.transaction(async (tx) => {
        await tx.query('SET TRANSACTION READ ONLY');
        return readSyncTotals(tx);
      });
      expect(readOnly).toEqual(expected);
      expect(total(readOnly, 'trigger').syncs).toBeGreaterThan(0);
      // Nothing was folded: the queue is as it was.
      expect(
        (await db.query('SELECT count(*)::int AS n FROM section_sync.log_uncounted')).rows,
      ).toEqual(queuedBefore.rows);
    });

    it('are folded by a prune, so the queue stays bounded', async () => {
      await pruneSyncLog(db, { keepLast: 1_000_000 }); // folds what earlier tests queued
      const totalsBefore = await readSyncTotals(db);
      await createPost(db, 43, '["A"]');
      const queued = async () =>
        (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM section_sync.log_uncounted'))
          .rows[0]!.n;
      expect(await queued()).toBe(1);
      await pruneSyncLog(db, { keepLast: 1 }, { dryRun: true });
      expect(await queued()).toBe(1);
      await pruneSyncLog(db, { keepLast: 1 });
      expect(await queued()).toBe(0);
      // Folded, not lost.
      const after = await readSyncTotals(db);
      expect(total(after, 'trigger').syncs - total(totalsBefore, 'trigger').syncs).toBe(1);
    });

    it('do not count a sync whose transaction rolled back', async () => {
      const before = await readSyncTotals(db);
      await db
        .transaction(async (tx) => {
          await tx.query(
            `INSERT INTO post_development (post_id, section_headings) VALUES (42, '["A"]')`,
          );
          throw new Error('abort');
        })
        .catch(() => {});
      expect(await readSyncTotals(db)).toEqual(before);
    });

    it('carry the result of the last consistency check', async () => {
      await recordCheck(db, { checkedPosts: 120, inconsistentPosts: 3 });
      expect((await readSyncTotals(db)).check).toMatchObject({
        checkedPosts: 120,
        inconsistentPosts: 3,
        checkedAt: expect.any(String),
      });
    });
  });

  it('is ready on a migrated database, not on one without the migrations', async () => {
    expect(await checkReadiness(db)).toMatchObject({ ready: true, database: 'up' });
    const bare = await backend.open({ migrate: false });
    try {
      const readiness = await checkReadiness(bare.db);
      expect(readiness).toMatchObject({ ready: false, database: 'up' });
      expect(readiness.migrations?.current).toBe(0);
      expect(readiness.reason).toMatch(/migration 0 of \d+/);
    } finally {
      await bare.close();
    }
  });
});

describe('readiness without a database', () => {
  it('says the database is down when nothing listens', async () => {
    const pool = new pg.Pool({
      connectionString: 'postgres://nobody@127.0.0.1:9/none',
      connectionTimeoutMillis: 2000,
    });
    try {
      expect(await checkReadiness(fromPg(pool))).toMatchObject({ ready: false, database: 'down' });
    } finally {
      await pool.end();
    }
  });
});

describe.skipIf(!postgresUrl)('totals read by several instances at once (PostgreSQL)', () => {
  it('count every committed sync exactly once while two instances scrape and one prunes', async () => {
    const t = await openPostgres();
    const otherPool = new pg.Pool({ connectionString: t.connectionString, max: 4 });
    const other = fromPg(otherPool);
    const syncs = async (db: Db) =>
      (await readSyncTotals(db)).totals.reduce((n, x) => n + x.syncs, 0);
    try {
      const base = await syncs(t.db);
      let writing = true;
      const scrapers = [t.db, other].map(async (db) => {
        while (writing) await readSyncTotals(db);
      });
      const pruner = (async () => {
        while (writing) await pruneSyncLog(other, { keepLast: 1 });
      })();
      await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          t.db.query('INSERT INTO post_development (post_id, section_headings) VALUES ($1, $2)', [
            1000 + i,
            '["A","B"]',
          ]),
        ),
      );
      writing = false;
      await Promise.all([...scrapers, pruner]);
      expect((await syncs(other)) - base).toBe(60);
      expect(await syncs(t.db)).toBe(await syncs(other));
    } finally {
      await otherPool.end();
      await t.close();
    }
  });
});
