import { setTimeout as delay } from 'node:timers/promises';
import { sectionSyncEvents } from '@section-sync/fastify/events';
import { backends, reportSkippedPostgres, type TestDatabase } from '@section-sync/testing';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEvents } from './helpers/sse.js';

reportSkippedPostgres('live updates');

// Writes a sync log row the way every sync does; the 0005 trigger announces it.
async function logSync(t: TestDatabase, postId: number, origin = 'trigger'): Promise<number> {
  const { rows } = await t.db.query<{ id: string }>(
    `INSERT INTO section_sync.log (post_id, direction, origin) VALUES ($1, 'to_sections', $2) RETURNING id`,
    [postId, origin],
  );
  return Number(rows[0]!.id); // int8 comes back as text; log ids are JSON numbers on the wire
}

async function until(condition: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await delay(10);
  }
}

describe.each(backends)('live updates on $name', (backend) => {
  let t: TestDatabase;
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    t = await backend.open();
    app = Fastify();
    await app.register(sectionSyncEvents, { db: t.db, heartbeatMs: 50 });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app?.close();
    await t?.close();
  });

  it('Db.listen hears each committed sync log entry, and stops when asked', async () => {
    const heard: unknown[] = [];
    const stop = await t.db.listen!('section_sync', (payload) => heard.push(JSON.parse(payload)));
    const logId = await logSync(t, 7, 'cli');
    await until(() => heard.length === 1, 'the notification');
    expect(heard[0]).toEqual({
      postId: 7,
      logId,
      direction: 'to_sections',
      origin: 'cli',
      schema: 'public',
    });
    await stop();
    await logSync(t, 7);
    await delay(100);
    await t.db.query('SELECT 1'); // PGlite delivers notifications after a query
    expect(heard).toHaveLength(1);
  });

  it('does not announce a rolled-back sync', async () => {
    const heard: string[] = [];
    const stop = await t.db.listen!('section_sync', (payload) => heard.push(payload));
    await t.db
      .transaction(async (tx) => {
        await tx.query(`INSERT INTO section_sync.log (post_id, direction) VALUES (8, 'both')`);
        throw new Error('abort');
      })
      .catch(() => {});
    await logSync(t, 9);
    await until(() => heard.length >= 1, 'the committed notification');
    expect(heard.map((p) => JSON.parse(p).postId)).toEqual([9]);
    await stop();
  });

  it('streams ready, heartbeats and the changes of one post only, then lets go on disconnect', async () => {
    const controller = new AbortController();
    const events = readEvents(`${base}/api/workflow/posts/22/events`, controller.signal);
    expect(await events.next('ready')).toEqual({ event: 'ready', data: { postId: 22 } });
    expect(app.sectionSyncEvents.size).toBe(1);
    await logSync(t, 21); // another post: not sent
    const logId = await logSync(t, 22, 'api');
    const change = await events.next('change');
    expect(change.data).toMatchObject({ postId: 22, logId, origin: 'api' });
    expect(change.id).toBe(String(logId));
    await until(() => events.comments.includes('heartbeat'), 'a heartbeat');
    controller.abort();
    await until(() => app.sectionSyncEvents.size === 0, 'the subscription to end');
  });

  it('rejects a post id that is not a positive integer', async () => {
    const response = await app.inject({ url: '/api/workflow/posts/abc/events' });
    expect(response.statusCode).toBe(400);
  });
});

describe.each(backends)('closing the server on $name', (backend) => {
  it('ends open streams so app.close() does not hang', async () => {
    const t = await backend.open();
    const app = Fastify();
    await app.register(sectionSyncEvents, { db: t.db, prefix: '/x' });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const events = readEvents(`${base}/x/posts/1/events`);
    await events.next('ready');
    await app.close();
    await expect(events.ended).resolves.toBe(true);
    await t.close();
  });
});

describe.skipIf(!backends.some((b) => b.name === 'postgres'))('LISTEN on PostgreSQL', () => {
  it('listens again after its connection is killed', async () => {
    const t = await backends.find((b) => b.name === 'postgres')!.open();
    try {
      const heard: number[] = [];
      const stop = await t.db.listen!('section_sync', (p) => heard.push(JSON.parse(p).postId));
      const killed = await t.db.query(
        `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
         WHERE datname = current_database() AND query ILIKE 'LISTEN%'`,
      );
      expect(killed.rowCount).toBe(1);
      // Notifications sent while nothing listens are lost; keep writing until one is heard.
      const deadline = Date.now() + 10_000;
      while (heard.length === 0 && Date.now() < deadline) {
        await logSync(t, 5);
        await delay(200);
      }
      expect(heard).toContain(5);
      await stop();
      // The listening connection is destroyed, not returned to the pool still listening.
      let listening = 1;
      for (let i = 0; i < 50 && listening > 0; i++) {
        const r = await t.db.query(
          `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%'`,
        );
        listening = r.rowCount;
        if (listening > 0) await delay(50);
      }
      expect(listening).toBe(0);
    } finally {
      await t.close();
    }
  });
});
