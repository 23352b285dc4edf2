import { backends, reportSkippedPostgres, type TestDatabase } from '@section-sync/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPost, sectionRows } from './store-fixtures.js';

const postgres = backends.filter((b) => b.name === 'postgres');
reportSkippedPostgres('lock order of plain-SQL writers');

// The post's lock comes before any row of the post, whoever writes: a master writer locks the
// post_development row and then the rows; a plain-SQL INSERT takes the post's lock in a BEFORE
// ROW trigger, before its row is in the deferred unique index; host UPDATEs / DELETEs take it
// inline with section_sync.lock_post. Needs several real connections: PostgreSQL only.
describe.each(postgres)('lock order on $name', (backend) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await backend.open();
  });
  afterAll(() => t?.close());

  /** Two sessions, each in a transaction, with a short deadlock_timeout. */
  async function sessions(): Promise<[pg.PoolClient, pg.PoolClient]> {
    const a = await t.pool!.connect();
    const b = await t.pool!.connect();
    for (const c of [a, b]) {
      await c.query('BEGIN');
      await c.query("SET LOCAL deadlock_timeout = '100ms'");
    }
    return [a, b];
  }

  const settle = <T>(promise: Promise<T>) =>
    promise.then(
      () => 'ok',
      (error: { code?: string }) => error.code ?? 'error',
    );
  const pause = () => new Promise((resolve) => setTimeout(resolve, 300));

  it('a plain INSERT next to an UPDATE of the same master never deadlocks', async () => {
    await createPost(t.db, 1, '["A","B"]');
    const [master, insert] = await sessions();
    try {
      // The master writer holds the post (as the store does first, or an UPDATE of the row) ...
      await master.query('SELECT 1 FROM post_development WHERE post_id = 1 FOR UPDATE');
      const inserting = settle(
        insert.query(
          `INSERT INTO post_section (post_id, section_order, section_heading) VALUES (1, 3, 'X')`,
        ),
      );
      await pause();
      // ... and writes a row at the same order, so at commit it would wait on the INSERT's row
      // had the INSERT put it in the deferred unique index before taking the post's lock.
      const writing = settle(
        master.query(
          `UPDATE post_development SET section_headings = '["A","B","C"]' WHERE post_id = 1`,
        ),
      );
      expect(await writing).toBe('ok');
      expect(await settle(master.query('COMMIT'))).toBe('ok');
      expect(await inserting).toBe('ok');
      await insert.query('COMMIT');
    } finally {
      master.release();
      insert.release();
    }
    const rows = await sectionRows(t.db, 1);
    expect(rows.map((r) => [r.section_order, r.section_heading])).toEqual([
      [1, 'A'],
      [2, 'B'],
      [3, 'X'],
      [4, 'C'],
    ]);
  });

  it('section_sync.lock_post(id) returns the id, so an UPDATE can take the lock inline; without it the same pair deadlocks', async () => {
    await createPost(t.db, 2, '["A","B"]');
    const [a] = await sectionRows(t.db, 2);

    /** A store-like writer holds the post, then edits row A; the host edits A too. */
    async function race(hostUpdate: string): Promise<[string, string]> {
      const [store, host] = await sessions();
      try {
        await store.query('SELECT section_sync.lock_post(2)');
        const hosting = settle(host.query(hostUpdate, [a!.id]));
        await pause();
        const storing = settle(
          store.query(`UPDATE post_section SET status = 'review' WHERE id = $1`, [a!.id]),
        );
        const stored = await storing;
        await store.query(stored === 'ok' ? 'COMMIT' : 'ROLLBACK');
        const hosted = await hosting;
        await host.query(hosted === 'ok' ? 'COMMIT' : 'ROLLBACK');
        return [stored, hosted];
      } finally {
        store.release();
        host.release();
      }
    }

    expect(
      await race(
        `UPDATE post_section SET section_heading = 'Host' WHERE post_id = section_sync.lock_post(2) AND id = $1`,
      ),
    ).toEqual(['ok', 'ok']);
    expect(
      await race(`UPDATE post_section SET section_heading = 'Host 2' WHERE id = $1`),
    ).toContain('40P01');
    const { rows } = await t.pool!.query<{ v: string }>(
      'SELECT section_sync.lock_post(2)::text AS v',
    );
    expect(rows[0]!.v).toBe('2');
  });

  it('the inline lock is an index condition evaluated once, not a filter run on every row', async () => {
    await createPost(t.db, 3, '["A"]');
    const client = await t.pool!.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN UPDATE post_section SET status = 'done' WHERE post_id = section_sync.lock_post(3)`,
      );
      expect(rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(
        /Index Cond: \(post_id = section_sync\.lock_post/,
      );
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  });
});
