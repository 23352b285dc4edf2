import { Writable } from 'node:stream';
import { createStore, type SectionStore } from '@section-sync/postgres';
import { backends, openPostgres, postgresUrl, reportSkippedPostgres } from '@section-sync/testing';
import Fastify from 'fastify';
import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import sectionSync from '../src/index.js';
import { masterOf, openApp, PREFIX, seedPost } from './helpers.js';

reportSkippedPostgres('fastify plugin host integration');
// Each test opens its own database inside the test (a fresh PGlite is seconds on a busy machine).
vi.setConfig({ testTimeout: 120_000 });

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.skipIf(!postgresUrl)(
  'registered into an existing Fastify app with an existing pg Pool',
  () => {
    it('serves the API on the host pool, leaves the host routes alone and never ends the pool', async () => {
      const t = await openPostgres();
      cleanups.push(() => t.close());
      const pool = new pg.Pool({ connectionString: t.connectionString, max: 5 });
      cleanups.push(() => pool.end());

      // The host app as it was before section-sync: its own routes and body parsers.
      const app = Fastify();
      app.get('/health', async () => ({ ok: true }));
      app.post('/notes', async (request) => ({ got: request.body }));
      await app.register(sectionSync, { pool });
      await app.ready();

      await pool.query('INSERT INTO post_development (post_id) VALUES (1)');
      const put = await app.inject({
        method: 'PUT',
        url: `${PREFIX}/posts/1/section-headings`,
        payload: { sectionHeadings: '1. Intro\n2. Body' },
      });
      expect(put.statusCode).toBe(200);
      const { rows } = await pool.query(
        'SELECT section_heading FROM post_section WHERE post_id = 1 ORDER BY section_order',
      );
      expect(rows.map((r) => r.section_heading)).toEqual(['Intro', 'Body']);

      // The host keeps text/plain bodies and Fastify's own 404 outside the prefix.
      const note = await app.inject({
        method: 'POST',
        url: '/notes',
        headers: { 'content-type': 'text/plain' },
        payload: 'hello',
      });
      expect(note.json()).toEqual({ got: 'hello' });
      const outside = await app.inject({ method: 'GET', url: '/elsewhere' });
      expect(outside.statusCode).toBe(404);
      expect(outside.json().code).toBeUndefined();
      expect(app.sectionSync.db).toBeDefined();

      await app.close();
      // The pool belongs to the host: still open after Fastify closed.
      expect((await pool.query('SELECT 1 AS one')).rows[0].one).toBe(1);
    });

    it('with connectionString, opens its own pool and ends it on close', async () => {
      const t = await openPostgres();
      cleanups.push(() => t.close());
      const app = Fastify();
      await app.register(sectionSync, { connectionString: t.connectionString });
      await app.ready();
      const db = app.sectionSync.db;
      expect((await db!.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one).toBe(1);
      await app.close();
      await expect(db!.query('SELECT 1')).rejects.toMatchObject({
        name: 'DatabaseUnavailableError',
      });
    });
  },
);

describe.each(backends)('host concerns on $name', (backend) => {
  it('authentication stays with the host: an onRequest hook answers 401 without a token', async () => {
    const t = await backend.open();
    cleanups.push(() => t.close());
    const app = Fastify();
    app.addHook('onRequest', async (request, reply) => {
      if (request.headers.authorization !== 'Bearer s3cret') {
        return reply.code(401).send({ status: 'error', code: 'unauthorized', message: 'Log in' });
      }
    });
    await app.register(sectionSync, { db: t.db });
    cleanups.push(() => app.close());
    await t.db.query('INSERT INTO post_development (post_id) VALUES (5)');

    const anonymous = await app.inject({ method: 'GET', url: `${PREFIX}/posts/5/sections` });
    expect(anonymous.statusCode).toBe(401);
    const write = await app.inject({
      method: 'PUT',
      url: `${PREFIX}/posts/5/section-headings`,
      payload: { sectionHeadings: 'Intro' },
    });
    expect(write.statusCode).toBe(401);
    const { rows } = await t.db.query('SELECT count(*)::int AS n FROM post_section');
    expect(rows[0]).toEqual({ n: 0 });

    const allowed = await app.inject({
      method: 'GET',
      url: `${PREFIX}/posts/5/sections`,
      headers: { authorization: 'Bearer s3cret' },
    });
    expect(allowed.statusCode).toBe(200);
  });

  it('logs one line per write through request.log with post, changes and duration', async () => {
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const h = await openApp(backend, {}, { logger: { level: 'info', stream } });
    cleanups.push(() => h.close());
    await seedPost(h.app, h.db, 3, masterOf('A', 'B'));
    const writes = lines.filter((l) => l.msg === 'section-sync write');
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatchObject({
      postId: 3,
      changes: { created: 2 },
      durationMs: expect.any(Number),
      reqId: expect.anything(),
    });
  });

  it('answers 503 with Retry-After when the database is gone', async () => {
    const h = await openApp(backend);
    await seedPost(h.app, h.db, 1, masterOf('A'));
    await h.t.close();
    cleanups.push(() => h.app.close());
    const response = await h.app.inject({ method: 'GET', url: `${PREFIX}/posts/1/sections` });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.json()).toMatchObject({ status: 'error', code: 'database_unavailable' });
  });

  it('answers a bug with 500 internal_error, the real error only in the log', async () => {
    const t = await backend.open();
    cleanups.push(() => t.close());
    const real = createStore(t.db);
    // A host wrapping the store (the `store` option) with a bug in its wrapper.
    const store: SectionStore = {
      ...real,
      getPost: async () => {
        throw new TypeError('cannot read secret_column of undefined at /srv/app/wrap.js:12');
      },
    };
    const logged: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        logged.push(String(chunk));
        done();
      },
    });
    const app = Fastify({ logger: { level: 'error', stream } });
    await app.register(sectionSync, { store, db: t.db });
    cleanups.push(() => app.close());
    const response = await app.inject({ method: 'GET', url: `${PREFIX}/posts/1/sections` });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({
      status: 'error',
      code: 'internal_error',
      message: expect.any(String),
    });
    expect(response.body).not.toContain('secret_column');
    expect(logged.join('')).toContain('secret_column');
  });

  it('refuses ambiguous or missing database options at registration', async () => {
    const t = await backend.open({ migrate: false });
    cleanups.push(() => t.close());
    await expect(Fastify().register(sectionSync, {}).ready()).rejects.toThrow(/give the database/);
    await expect(
      Fastify()
        .register(sectionSync, { db: t.db, connectionString: 'postgres://nowhere/x' })
        .ready(),
    ).rejects.toThrow(/not connectionString and db/);
  });

  it('honours prefix and migrate', async () => {
    const t = await backend.open({ migrate: false });
    cleanups.push(() => t.close());
    const app = Fastify();
    await app.register(sectionSync, { db: t.db, migrate: true, prefix: '/outline' });
    cleanups.push(() => app.close());
    await t.db.query('INSERT INTO post_development (post_id) VALUES (9)');
    const response = await app.inject({ method: 'GET', url: '/outline/posts/9/sections' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ postId: 9, sections: [] });
  });
});
