import rateLimit from '@fastify/rate-limit';
import sensible from '@fastify/sensible';
import { fromPg } from '@section-sync/postgres';
import { backends, reportSkippedPostgres, type TestDatabase } from '@section-sync/testing';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyMetricsModule from 'fastify-metrics';
import pg from 'pg';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import sectionSync, { type SectionSyncService } from '../src/index.js';
import { masterOf, PREFIX } from './helpers.js';

// A CommonJS module compiled from `export default`: under NodeNext its default is the exports.
const fastifyMetrics = fastifyMetricsModule.default;

// The plugin as a guest in an app that already has its own hooks, error handler, rate limiter,
// metrics route and a second tenant: none of them may be broken by it.

reportSkippedPostgres('plugin as a guest in a host app');

describe.each(backends)('a guest in the host app on $name', (backend) => {
  let t: TestDatabase;
  let other: TestDatabase;
  beforeAll(async () => {
    t = await backend.open();
    other = await backend.open();
    await t.db.query('INSERT INTO post_development (post_id) VALUES (1)');
    await other.db.query('INSERT INTO post_development (post_id) VALUES (1)');
  });
  afterAll(async () => {
    await t?.close();
    await other?.close();
  });
  const apps: FastifyInstance[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });
  function host(): FastifyInstance {
    const app = Fastify();
    apps.push(app);
    return app;
  }
  const sections = (app: FastifyInstance, prefix = PREFIX) =>
    app.inject({ method: 'GET', url: `${prefix}/posts/1/sections` });

  describe("the host's errors reach the client with their own status and body", () => {
    it('a hook replying 401 with a body of its own shape', async () => {
      const app = host();
      app.addHook('onRequest', async (_request, reply) =>
        reply.code(401).send({ message: 'Log in' }),
      );
      await app.register(sectionSync, { db: t.db });
      const response = await sections(app);
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ message: 'Log in' });
    });

    it('a hook replying 403, and 404 for a tenant it does not know', async () => {
      const app = host();
      app.addHook('onRequest', async (request, reply) => {
        if (request.headers['x-tenant'] === undefined) {
          return reply.code(404).send({ error: 'no such tenant' });
        }
        if (request.headers['x-role'] !== 'editor') return reply.code(403).send({ denied: true });
      });
      await app.register(sectionSync, { db: t.db });
      const forbidden = await app.inject({
        method: 'PUT',
        url: `${PREFIX}/posts/1/section-headings`,
        headers: { 'x-tenant': 'a' },
        payload: { sectionHeadings: 'Intro' },
      });
      expect(forbidden.statusCode).toBe(403);
      expect(forbidden.json()).toEqual({ denied: true });
      const unknownTenant = await sections(app);
      expect(unknownTenant.statusCode).toBe(404);
      expect(unknownTenant.json()).toEqual({ error: 'no such tenant' });
      const { rows } = await t.db.query('SELECT count(*)::int AS n FROM post_section');
      expect(rows[0]).toEqual({ n: 0 });
    });

    it('@fastify/sensible httpErrors.unauthorized() thrown from a hook', async () => {
      const app = host();
      await app.register(sensible);
      app.addHook('onRequest', async () => {
        throw app.httpErrors.unauthorized('Token expired');
      });
      await app.register(sectionSync, { db: t.db });
      const response = await sections(app);
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'Token expired',
      });
    });

    it("the host's error handler renders the errors of its hooks, plain errors too", async () => {
      const app = host();
      await app.register(sensible);
      app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) =>
        reply.code(error.statusCode ?? 500).send({ problem: error.message }),
      );
      app.addHook('preHandler', async (request) => {
        if (request.headers.authorization === undefined) throw app.httpErrors.forbidden('No');
        if (request.headers.authorization === 'broken') throw new Error('jwt library crashed');
      });
      await app.register(sectionSync, { db: t.db });
      const forbidden = await sections(app);
      expect(forbidden.statusCode).toBe(403);
      expect(forbidden.json()).toEqual({ problem: 'No' });
      const crashed = await app.inject({
        method: 'GET',
        url: `${PREFIX}/posts/1/sections`,
        headers: { authorization: 'broken' },
      });
      expect(crashed.statusCode).toBe(500);
      expect(crashed.json()).toEqual({ problem: 'jwt library crashed' });
      // The plugin's own errors keep the plugin's body.
      const missing = await app.inject({
        method: 'GET',
        url: `${PREFIX}/posts/404/sections`,
        headers: { authorization: 'ok' },
      });
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toMatchObject({ status: 'error', code: 'post_not_found' });
    });

    it("@fastify/rate-limit's 429 with Retry-After", async () => {
      const app = host();
      await app.register(rateLimit, { max: 1, timeWindow: 60_000 });
      await app.register(sectionSync, { db: t.db });
      expect((await sections(app)).statusCode).toBe(200);
      const limited = await sections(app);
      expect(limited.statusCode).toBe(429);
      expect(limited.headers['retry-after']).toBe('60');
      expect(limited.json()).toEqual({
        statusCode: 429,
        error: 'Too Many Requests',
        message: 'Rate limit exceeded, retry in 1 minute',
      });
    });
  });

  it('answers with the id its log lines carry, the caller’s own with requestIdHeader', async () => {
    const app = Fastify({ requestIdHeader: 'x-request-id' });
    apps.push(app);
    await app.register(sectionSync, { db: t.db });
    const ok = await app.inject({
      method: 'GET',
      url: `${PREFIX}/posts/1/sections`,
      headers: { 'x-request-id': 'trace-1' },
    });
    expect(ok.headers['x-request-id']).toBe('trace-1');
    // A request refused by validation, before any handler ran, too.
    const invalid = await app.inject({
      method: 'GET',
      url: `${PREFIX}/posts/x/sections`,
      headers: { 'x-request-id': 'trace-2' },
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.headers['x-request-id']).toBe('trace-2');
  });

  describe('registered twice: two prefixes, two databases', () => {
    it('each registration has its own decorator, routes and database', async () => {
      const app = host();
      await app.register(sectionSync, { db: t.db, prefix: '/a', decorate: 'tenantA' });
      await app.register(sectionSync, { db: other.db, prefix: '/b', decorate: 'tenantB' });
      const tenantA = (app as unknown as { tenantA: SectionSyncService }).tenantA;
      const tenantB = (app as unknown as { tenantB: SectionSyncService }).tenantB;
      expect(tenantA.db).toBe(t.db);
      expect(tenantB.db).toBe(other.db);

      const write = await app.inject({
        method: 'PUT',
        url: '/b/posts/1/section-headings',
        payload: { sectionHeadings: masterOf('Only in B') },
      });
      expect(write.statusCode).toBe(200);
      expect((await sections(app, '/a')).json().sections).toEqual([]);
      expect((await sections(app, '/b')).json().sections).toMatchObject([{ heading: 'Only in B' }]);
      await other.db.query('DELETE FROM post_section');
    });

    it('a second registration under the same decorator name says what to do', async () => {
      const app = host();
      await app.register(sectionSync, { db: t.db, prefix: '/a' });
      app.register(sectionSync, { db: other.db, prefix: '/b' });
      await expect(app.ready()).rejects.toThrow(/already has a 'sectionSync' decorator.*decorate/);
    });
  });

  describe('metrics next to the host', () => {
    it('two registrations cannot both mount /metrics; with paths of their own they can', async () => {
      const clash = host();
      await clash.register(sectionSync, { db: t.db, prefix: '/a', metrics: true });
      clash.register(sectionSync, {
        db: other.db,
        prefix: '/b',
        decorate: 'tenantB',
        metrics: true,
      });
      await expect(clash.ready()).rejects.toThrow(/GET \/metrics is already served/);

      const app = host();
      await app.register(sectionSync, { db: t.db, prefix: '/a', metrics: { path: '/metrics/a' } });
      await app.register(sectionSync, {
        db: other.db,
        prefix: '/b',
        decorate: 'tenantB',
        metrics: { path: '/metrics/b' },
      });
      for (const path of ['/metrics/a', '/metrics/b']) {
        const scrape = await app.inject({ method: 'GET', url: path });
        expect(scrape.statusCode).toBe(200);
        expect(scrape.body).toContain('section_sync_syncs_total');
      }
    });

    it('a host with its own /metrics route gets a clear error, not a route clash', async () => {
      const app = host();
      app.get('/metrics', async () => 'host metrics');
      app.register(sectionSync, { db: t.db, metrics: true });
      await expect(app.ready()).rejects.toThrow(/GET \/metrics is already served/);
    });

    it("joins fastify-metrics' registry and scrape, mounting nothing", async () => {
      const app = host();
      // Its default: prom-client's global registry (cleared here, as a restarted process has it).
      await app.register(fastifyMetrics, { endpoint: '/metrics', clearRegisterOnInit: true });
      const registry = app.metrics.client.register;
      await app.register(sectionSync, { db: t.db, metrics: { registry, path: false } });
      expect(app.sectionSync.metrics).toBe(registry);
      await sections(app);
      const scrape = await app.inject({ method: 'GET', url: '/metrics' });
      expect(scrape.statusCode).toBe(200);
      expect(scrape.body).toContain('section_sync_syncs_total');
      expect(scrape.body).toContain('http_request_duration_seconds');
    });

    it('a scrape works on a read replica: nothing is written', async () => {
      await t.db.query(
        `UPDATE post_development SET section_headings = '["Counted"]' WHERE post_id = 1`,
      );
      // A replica refuses every write: so does a session with default_transaction_read_only.
      const replica = t.connectionString
        ? new pg.Pool({
            connectionString: t.connectionString,
            options: '-c default_transaction_read_only=on',
          })
        : undefined;
      if (!replica) await t.db.query('SET default_transaction_read_only = on');
      try {
        const app = host();
        await app.register(sectionSync, { db: replica ? fromPg(replica) : t.db, metrics: true });
        const scrape = await app.inject({ method: 'GET', url: '/metrics' });
        expect(scrape.statusCode).toBe(200);
        expect(scrape.body).toMatch(/section_sync_syncs_total\{[^}]*origin="trigger"[^}]*\} [1-9]/);
      } finally {
        if (replica) await replica.end();
        else await t.db.query('SET default_transaction_read_only = off');
        await t.db.query('DELETE FROM post_section');
        await t.db.query('UPDATE post_development SET section_headings = NULL');
      }
    });

    it('a second registration into the same registry says to give each its own', async () => {
      const registry = new Registry();
      const app = host();
      await app.register(sectionSync, {
        db: t.db,
        prefix: '/a',
        metrics: { registry, path: false },
      });
      app.register(sectionSync, {
        db: other.db,
        prefix: '/b',
        decorate: 'tenantB',
        metrics: { registry, path: false },
      });
      await expect(app.ready()).rejects.toThrow(/already holds section-sync's metrics/);
    });
  });
});
