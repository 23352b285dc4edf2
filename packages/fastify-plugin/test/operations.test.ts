import { Writable } from 'node:stream';
import { fromPg, pruneSyncLog } from '@section-sync/postgres';
import { backends, reportSkippedPostgres } from '@section-sync/testing';
import Fastify from 'fastify';
import pg from 'pg';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import sectionSync from '../src/index.js';
import { masterOf, openApp, PREFIX, seedPost } from './helpers.js';

// What operators use: health and readiness, Prometheus metrics, the log lines, and retention.

reportSkippedPostgres('plugin operations');

/** A logger stream that keeps the JSON lines. */
function logLines() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { lines, stream };
}

/** The value of one sample of a Prometheus text exposition (0 when absent). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text
    .split('\n')
    .find(
      (l) =>
        (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) &&
        wanted.every((w) => l.includes(w)),
    );
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe.each(backends)('operations on $name', (backend) => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('answers /health without the database and /ready while it is up and migrated', async () => {
    const h = await openApp(backend);
    cleanups.push(() => h.close());
    const health = await h.app.inject({ method: 'GET', url: `${PREFIX}/health` });
    expect(health.json()).toEqual({ status: 'ok' });
    const ready = await h.app.inject({ method: 'GET', url: `${PREFIX}/ready` });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({
      status: 'ok',
      database: 'up',
      migrations: { current: expect.any(Number), expected: expect.any(Number) },
    });
    const { current, expected } = ready.json().migrations;
    expect(current).toBe(expected);
  });

  it('answers /ready 503 once the database is gone, while /health still answers', async () => {
    const h = await openApp(backend);
    await h.t.close();
    cleanups.push(() => h.app.close());
    const ready = await h.app.inject({ method: 'GET', url: `${PREFIX}/ready` });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ status: 'not_ready', database: 'down' });
    const health = await h.app.inject({ method: 'GET', url: `${PREFIX}/health` });
    expect(health.statusCode).toBe(200);
  });

  it('answers /ready 503 on a database without the migrations', async () => {
    const t = await backend.open({ migrate: false });
    cleanups.push(() => t.close());
    const app = Fastify();
    await app.register(sectionSync, { db: t.db });
    cleanups.push(() => app.close());
    const ready = await app.inject({ method: 'GET', url: `${PREFIX}/ready` });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ status: 'not_ready', database: 'up' });
    expect(ready.json().reason).toMatch(/migration 0 of \d+/);
  });

  it('counts syncs by origin in /metrics, plain SQL writes through the triggers included', async () => {
    const h = await openApp(backend, { metrics: true });
    cleanups.push(() => h.close());
    const scrape = async () => (await h.app.inject({ method: 'GET', url: '/metrics' })).body;
    const before = await scrape();

    await seedPost(h.app, h.db, 1, masterOf('A', 'B'));
    await h.db.query(
      `UPDATE post_section SET section_heading = 'B2' WHERE post_id = 1 AND section_order = 2`,
    );
    await h.app.inject({ method: 'GET', url: `${PREFIX}/posts/999/sections` });

    const after = await scrape();
    const delta = (name: string, labels: Record<string, string>) =>
      sample(after, name, labels) - sample(before, name, labels);
    expect(
      delta('section_sync_syncs_total', {
        direction: 'to_sections',
        origin: 'api',
        outcome: 'applied',
      }),
    ).toBe(1);
    expect(
      delta('section_sync_syncs_total', {
        direction: 'to_development',
        origin: 'trigger',
        outcome: 'applied',
      }),
    ).toBe(1);
    expect(delta('section_sync_section_changes_total', { change: 'created', origin: 'api' })).toBe(
      2,
    );
    expect(
      delta('section_sync_section_changes_total', { change: 'updated', origin: 'trigger' }),
    ).toBe(1);
    expect(delta('section_sync_errors_total', { code: 'post_not_found' })).toBe(1);
    expect(
      delta('section_sync_write_duration_seconds_count', {
        operation: 'putSectionHeadings',
        outcome: 'success',
      }),
    ).toBe(1);
  });

  it('shows the inconsistent posts of the last check, and takes the host’s registry and path', async () => {
    const registry = new Registry();
    const h = await openApp(backend, { metrics: { registry, path: '/internal/metrics' } });
    cleanups.push(() => h.close());
    await h.db.query('SELECT section_sync.record_check(40, 2)');
    expect(h.app.sectionSync.metrics).toBe(registry);
    const text = (await h.app.inject({ method: 'GET', url: '/internal/metrics' })).body;
    expect(sample(text, 'section_sync_inconsistent_posts')).toBe(2);
    expect(sample(await registry.metrics(), 'section_sync_inconsistent_posts')).toBe(2);
    expect((await h.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
  });

  it('logs each API write once with post, operation, direction, changes and duration; failures with their code', async () => {
    const { lines, stream } = logLines();
    const h = await openApp(backend, {}, { logger: { level: 'info', stream } });
    cleanups.push(() => h.close());
    await seedPost(h.app, h.db, 3, masterOf('A', 'B'));
    await h.app.inject({
      method: 'POST',
      url: `${PREFIX}/posts/3/sync-sections`,
      payload: { direction: 'to_development' },
    });
    await h.app.inject({ method: 'DELETE', url: `${PREFIX}/posts/3/sections/987654` });

    const writes = lines.filter((l) => l.msg === 'section-sync write');
    expect(writes).toHaveLength(2);
    expect(writes[0]).toMatchObject({
      level: 30,
      postId: 3,
      operation: 'putSectionHeadings',
      direction: 'to_sections',
      changes: { created: 2 },
      durationMs: expect.any(Number),
    });
    expect(writes[1]).toMatchObject({ operation: 'syncPost', direction: 'to_development' });
    const failures = lines.filter((l) => String(l.msg).startsWith('section-sync refused'));
    expect(failures).toEqual([
      expect.objectContaining({ level: 40, code: 'section_not_found', statusCode: 404, postId: 3 }),
    ]);
  });

  it('prunes on a timer with the retention option, and stops it on close', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const { lines, stream } = logLines();
      const h = await openApp(
        backend,
        { retention: { keepLast: 1, intervalMs: 60_000 } },
        { logger: { level: 'info', stream } },
      );
      cleanups.push(() => h.close());
      await seedPost(h.app, h.db, 4, masterOf('A'));
      await seedPost(h.app, h.db, 4 + 1, masterOf('A'));
      await h.app.inject({
        method: 'PUT',
        url: `${PREFIX}/posts/4/section-headings`,
        payload: { sectionHeadings: masterOf('B') },
      });
      const count = async () =>
        (
          await h.db.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM section_sync.log WHERE post_id = 4',
          )
        ).rows[0]!.n;
      expect(await count()).toBe(2);
      await vi.advanceTimersByTimeAsync(60_000);
      await vi.waitFor(() =>
        expect(lines.some((l) => l.msg === 'section-sync pruned the sync log')).toBe(true),
      );
      expect(await count()).toBe(1);
      expect(vi.getTimerCount()).toBe(1);
      await h.app.close();
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('answers 404 log_entry_pruned when rolling back a pruned entry', async () => {
    const h = await openApp(backend);
    cleanups.push(() => h.close());
    await seedPost(h.app, h.db, 6, masterOf('A'));
    await h.app.inject({
      method: 'PUT',
      url: `${PREFIX}/posts/6/section-headings`,
      payload: { sectionHeadings: masterOf('B') },
    });
    const log = await h.app.inject({ method: 'GET', url: `${PREFIX}/posts/6/sync-log` });
    const [newest, oldest] = log.json().entries as { id: number }[];
    await pruneSyncLog(h.db, { keepLast: 1 });
    const pruned = await h.app.inject({
      method: 'POST',
      url: `${PREFIX}/posts/6/sync-log/${oldest!.id}/rollback`,
    });
    expect(pruned.statusCode).toBe(404);
    expect(pruned.json()).toMatchObject({ status: 'error', code: 'log_entry_pruned' });
    expect(pruned.json().message).toMatch(/was pruned by the retention policy/);
    const kept = await h.app.inject({
      method: 'POST',
      url: `${PREFIX}/posts/6/sync-log/${newest!.id}/rollback`,
    });
    expect(kept.statusCode).toBe(200);
  });

  it('answers 409 rollback_conflict, changing nothing, when a rollback would delete a section moved in from another post', async () => {
    const h = await openApp(backend);
    cleanups.push(() => h.close());
    await seedPost(h.app, h.db, 7, masterOf('A1', 'A2'));
    await seedPost(h.app, h.db, 8, masterOf('B1'));
    const { rows } = await h.db.query<{ id: number }>(
      "SELECT id FROM post_section WHERE post_id = 7 AND section_heading = 'A2'",
    );
    const moved = rows[0]!.id;
    await h.db.query('UPDATE post_section SET post_id = 8 WHERE id = $1', [moved]);
    const log = await h.app.inject({ method: 'GET', url: `${PREFIX}/posts/8/sync-log` });
    const [move] = log.json().entries as { id: number }[];
    const before = await h.app.inject({ method: 'GET', url: `${PREFIX}/posts/8/sections` });
    const refused = await h.app.inject({
      method: 'POST',
      url: `${PREFIX}/posts/8/sync-log/${move!.id}/rollback`,
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({
      status: 'error',
      code: 'rollback_conflict',
      details: { sections: [{ sectionId: moved, movedFrom: 7 }] },
    });
    const after = await h.app.inject({ method: 'GET', url: `${PREFIX}/posts/8/sections` });
    expect(after.json()).toEqual(before.json());
  });

  it('refuses a retention policy without limits at registration', async () => {
    const t = await backend.open();
    cleanups.push(() => t.close());
    await expect(
      Fastify()
        .register(sectionSync, { db: t.db, retention: { intervalMs: 1000 } })
        .ready(),
    ).rejects.toThrow(/keepLast, olderThanDays or both/);
  });
});

describe('readiness against a dead port', () => {
  it('answers 503 database down', async () => {
    const pool = new pg.Pool({
      connectionString: 'postgres://nobody@127.0.0.1:9/none',
      connectionTimeoutMillis: 1000,
    });
    const app = Fastify();
    await app.register(sectionSync, { db: fromPg(pool) });
    try {
      const ready = await app.inject({ method: 'GET', url: `${PREFIX}/ready` });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({ status: 'not_ready', database: 'down' });
    } finally {
      await app.close();
      await pool.end();
    }
  });
});
