import {
  createStore,
  type Db,
  fromPg,
  migrate,
  retentionArguments,
  type SectionStore,
} from '@section-sync/postgres';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyPluginAsync,
  FastifySchema,
} from 'fastify';
import fp from 'fastify-plugin';
import pg from 'pg';
import type { Registry } from 'prom-client';
import { createSyncMetrics, type SyncMetrics } from './observability/metrics.js';
import { startRetentionTimer } from './observability/retention-timer.js';
import {
  DEFAULT_BODY_LIMIT,
  DEFAULT_DECORATOR,
  DEFAULT_MAX_BULK_POSTS,
  DEFAULT_METRICS_PATH,
  DEFAULT_PREFIX,
  type SectionSyncOptions,
} from './options.js';
import { routes } from './routes/index.js';
import { createWrite } from './routes/write.js';

/** What the plugin decorates the Fastify instance with (`fastify.sectionSync`). */
export interface SectionSyncService {
  /** The store every route uses: the same operations, callable from the host's own code. */
  store: SectionStore;
  /** The database the store runs on (`undefined` when only a `store` was given). */
  db: Db | undefined;
  /** The Prometheus registry of the plugin's metrics (with the `metrics` option). */
  metrics: Registry | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    sectionSync: SectionSyncService;
  }
}

interface OpenedDatabase {
  db: Db | undefined;
  /** Ends what the plugin opened itself (nothing when the host owns the database). */
  close: () => Promise<void>;
}

function openDatabase(options: SectionSyncOptions, log: FastifyBaseLogger): OpenedDatabase {
  const sources = (['connectionString', 'pool', 'db'] as const).filter(
    (key) => options[key] !== undefined,
  );
  if (sources.length > 1) {
    throw new TypeError(
      `@section-sync/fastify: give one of connectionString, pool or db, not ${sources.join(' and ')}`,
    );
  }
  if (options.db) return { db: options.db, close: async () => {} };
  if (options.pool) return { db: fromPg(options.pool), close: async () => {} };
  if (options.connectionString) {
    const pool = new pg.Pool({ connectionString: options.connectionString });
    // An idle connection dropped by the server must not crash the host; requests see a 503.
    pool.on('error', (error) => log.warn({ err: error }, 'section-sync: idle connection lost'));
    return { db: fromPg(pool), close: () => pool.end() };
  }
  if (options.store) return { db: undefined, close: async () => {} };
  throw new TypeError(
    '@section-sync/fastify: give the database as connectionString, pool, db or store',
  );
}

// @fastify/swagger's `hide` (the scrape is not part of the API); a variable, since only
// @fastify/swagger's types, which the host may not load, declare it.
const HIDDEN_FROM_OPENAPI: FastifySchema = { hide: true } as FastifySchema;

/** Mounts the metrics (GET /metrics by default, outside the API prefix, as Prometheus expects). */
function mountMetrics(
  fastify: FastifyInstance,
  options: SectionSyncOptions,
  db: Db | undefined,
): SyncMetrics | undefined {
  if (!options.metrics) return undefined;
  const settings = options.metrics === true ? {} : options.metrics;
  const path = settings.path ?? DEFAULT_METRICS_PATH;
  if (path !== false && fastify.hasRoute({ method: 'GET', url: path })) {
    throw new TypeError(
      `@section-sync/fastify: GET ${path} is already served (by the host, or another registration of this plugin): give metrics a path of its own, or { registry: yourRegistry, path: false } to join the host's scrape`,
    );
  }
  const metrics = createSyncMetrics({
    db,
    log: fastify.log,
    ...(settings.registry ? { registry: settings.registry } : {}),
  });
  if (path !== false) {
    fastify.get(path, { schema: HIDDEN_FROM_OPENAPI }, async (_request, reply) =>
      reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
    );
  }
  return metrics;
}

const sectionSyncPlugin: FastifyPluginAsync<SectionSyncOptions> = async (fastify, options) => {
  const { db, close } = openDatabase(options, fastify.log);
  let store: SectionStore;
  try {
    if (options.migrate) {
      if (!db) throw new TypeError('@section-sync/fastify: migrate needs a database, not a store');
      await migrate(db);
    }
    if (options.retention) {
      if (!db)
        throw new TypeError('@section-sync/fastify: retention needs a database, not a store');
      retentionArguments(options.retention); // a wrong policy fails at start, not an hour later
    }
    store = options.store ?? createStore(db as Db, { limits: options.limits });
  } catch (error) {
    await close();
    throw error;
  }

  const decorator = options.decorate ?? DEFAULT_DECORATOR;
  if (decorator !== false && fastify.hasDecorator(decorator)) {
    await close();
    throw new TypeError(
      `@section-sync/fastify: the instance already has a '${decorator}' decorator (is the plugin registered twice?): give this registration its own, e.g. { decorate: 'sectionSyncB' }, or { decorate: false }`,
    );
  }
  let metrics: SyncMetrics | undefined;
  try {
    metrics = mountMetrics(fastify, options, db);
  } catch (error) {
    await close();
    throw error;
  }
  if (decorator !== false) {
    fastify.decorate(decorator, { store, db, metrics: metrics?.registry });
  }
  // Hooks run in reverse order: the prune timer stops (and its run ends) before the pool closes.
  fastify.addHook('onClose', close);
  if (options.retention && db) {
    fastify.addHook('onClose', startRetentionTimer(db, options.retention, fastify.log));
  }

  await fastify.register(routes, {
    prefix: options.prefix ?? DEFAULT_PREFIX,
    store,
    db,
    limits: options.limits ?? {},
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    maxBulkPosts: options.maxBulkPosts ?? DEFAULT_MAX_BULK_POSTS,
    write: createWrite(metrics),
    metrics,
  });
};

/**
 * The section-sync HTTP API as a Fastify v5 plugin: every route under `prefix` (default
 * `/api/workflow`) with TypeBox schemas from @section-sync/core, one error model, ETags and
 * `If-Match`. Authentication stays with the host's hooks.
 *
 * @example
 * import Fastify from 'fastify';
 * import pg from 'pg';
 * import sectionSync from '@section-sync/fastify';
 *
 * const app = Fastify({ logger: true });
 * await app.register(sectionSync, { pool: new pg.Pool({ connectionString }), migrate: true });
 * await app.listen({ port: 5000 });
 */
export const sectionSync = fp(sectionSyncPlugin, {
  fastify: '5.x',
  name: '@section-sync/fastify',
});
