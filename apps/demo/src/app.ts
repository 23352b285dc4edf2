import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import sectionSync from '@section-sync/fastify';
import { sectionSyncEvents } from '@section-sync/fastify/events';
import { type Db, migrate, type RetentionPolicy } from '@section-sync/postgres';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { requireBearerToken } from './auth.js';
import { type DemoDatabase, openDatabase } from './database.js';
import { demoRoutes } from './demo-routes.js';
import { seedSamplePosts } from './seed/index.js';

/**
 * Where the bundled page lives (`scripts/build-web.mjs` writes it: `npm run build`, or the
 * from-source start), from `src/` and `dist/` alike.
 */
export const WEB_ROOT = fileURLToPath(new URL('../dist/web/', import.meta.url));

export const API_PREFIX = '/api/workflow';

export interface BuildOptions {
  /** PostgreSQL URL; embedded PGlite when absent. */
  databaseUrl?: string;
  /** PGlite data directory (ignored with `databaseUrl`); in memory when absent. */
  dataDir?: string;
  /** A database you own instead (tests): the app migrates it but does not close it. */
  db?: Db;
  /** The in-memory PGlite's snapshot (read, and written when missing or stale). @default SNAPSHOT_FILE */
  snapshotFile?: URL;
  /** The bundled page's directory. @default WEB_ROOT */
  webRoot?: string;
  /** Bearer token the API requires; no auth when absent. */
  token?: string;
  /** Fastify's logger option. @default false */
  logger?: FastifyServerOptions['logger'];
  /** Insert the sample posts into an empty database. @default true */
  seed?: boolean;
  /** Prune the sync log hourly with this policy. @default none (the log keeps everything) */
  retention?: RetentionPolicy;
}

/**
 * A start without a usable snapshot (a fresh clone run from source, or migrations newer than the
 * snapshot) leaves one for the next: the dump is taken here, before the seed writes (~0.6 s),
 * the gzip and the write finish while the server starts. A failure costs only the next start.
 */
async function saveSnapshotForNextStarts(
  app: FastifyInstance,
  save: NonNullable<DemoDatabase['saveSnapshot']>,
) {
  try {
    const { file, written } = await save();
    written.then(
      () => app.log.info({ file }, 'PGlite snapshot saved: the next starts load it'),
      (error: unknown) => app.log.warn({ err: error }, 'could not save the PGlite snapshot'),
    );
  } catch (error) {
    app.log.warn({ err: error }, 'could not dump the PGlite snapshot');
  }
}

/**
 * The demo server: section-sync's API under `/api/workflow` (plus live events), the web page at
 * `/`, Swagger UI at `/documentation`. Migrates (and seeds an empty database) before answering.
 *
 * @example
 * const app = await build({ databaseUrl: process.env.DATABASE_URL });
 * await app.listen({ port: 5000 });
 */
export async function build(options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? false });
  const started = performance.now();
  const opened = options.db
    ? { db: options.db, description: 'the given database', close: async () => {} }
    : await openDatabase({
        ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
        ...(options.dataDir ? { dataDir: options.dataDir } : {}),
        ...(options.snapshotFile ? { snapshotFile: options.snapshotFile } : {}),
        onPoolError: (error) => app.log.warn({ err: error }, 'idle database connection lost'),
      });
  // Registered first so it runs after the plugins' own onClose hooks (the LISTEN, the routes).
  app.addHook('onClose', async () => {
    await opened.close();
  });
  const lock = 'lock' in opened ? opened.lock : undefined;
  if (lock) {
    // The CLI's refusal names the server's address, so an operator knows where its API is.
    app.addHook('onListen', async () => {
      const address = app.server.address();
      if (address && typeof address === 'object') {
        const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
        lock.update({
          url: `http://${host.replace(/^(0\.0\.0\.0|\[::\])$/, 'localhost')}:${address.port}`,
        });
      }
    });
  }
  try {
    // How long each step took, in the "database ready" line (the cold-start bench reads it).
    const ms: Record<string, number> = { openMs: Math.round(performance.now() - started) };
    const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
      const begun = performance.now();
      const result = await work();
      ms[`${name}Ms`] = Math.round(performance.now() - begun);
      return result;
    };
    const { applied } = await step('migrate', () => migrate(opened.db));
    const save = opened.saveSnapshot;
    if (applied.length > 0 && save) {
      await step('snapshot', () => saveSnapshotForNextStarts(app, save));
    }
    const seeded =
      options.seed === false ? 0 : await step('seed', () => seedSamplePosts(opened.db));
    app.log.info(
      { database: opened.description, migrations: applied, seeded, ...ms },
      'database ready',
    );
  } catch (error) {
    await opened.close();
    throw error;
  }

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'section-sync demo',
        description:
          "Keeps a post's master outline (`post_development.section_headings`) and its section " +
          'rows (`post_section`) equal, whoever writes.',
        version: '0.1.0',
      },
      ...(options.token
        ? {
            components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
            security: [{ bearer: [] }],
          }
        : {}),
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/documentation' });

  if (options.token) requireBearerToken(app, options.token);
  // Prometheus scrapes GET /metrics; probes use /api/workflow/health and /ready.
  await app.register(sectionSync, {
    db: opened.db,
    prefix: API_PREFIX,
    metrics: true,
    ...(options.retention ? { retention: options.retention } : {}),
  });
  await app.register(sectionSyncEvents, { db: opened.db, prefix: API_PREFIX });
  await app.register(demoRoutes, { db: opened.db });

  const webRoot = options.webRoot ?? WEB_ROOT;
  if (existsSync(webRoot)) {
    await app.register(fastifyStatic, { root: webRoot, prefix: '/', index: 'index.html' });
  } else {
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply
        .type('text/plain; charset=utf-8')
        .send('The web page is not built yet: run `npm run build` (or `npm start` at the root).'),
    );
  }
  return app;
}
