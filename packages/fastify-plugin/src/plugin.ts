import {
  createStore,
  type Db,
  fromPg,
  migrate,
  type SectionStore,
} from '@section-sync/core/postgres';
import type { FastifyBaseLogger, FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import pg from 'pg';
import {
  DEFAULT_BODY_LIMIT,
  DEFAULT_MAX_BULK_POSTS,
  DEFAULT_PREFIX,
  type SectionSyncOptions,
} from './options.js';
import { routes } from './routes/index.js';

/** What the plugin decorates the Fastify instance with (`fastify.sectionSync`). */
export interface SectionSyncService {
  /** The store every route uses: the same operations, callable from the host's own code. */
  store: SectionStore;
  /** The database the store runs on (`undefined` when only a `store` was given). */
  db: Db | undefined;
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

const sectionSyncPlugin: FastifyPluginAsync<SectionSyncOptions> = async (fastify, options) => {
  const { db, close } = openDatabase(options, fastify.log);
  let store: SectionStore;
  try {
    if (options.migrate) {
      if (!db) throw new TypeError('@section-sync/fastify: migrate needs a database, not a store');
      await migrate(db);
    }
    store = options.store ?? createStore(db as Db, { limits: options.limits });
  } catch (error) {
    await close();
    throw error;
  }

  fastify.decorate('sectionSync', { store, db });
  fastify.addHook('onClose', close);

  await fastify.register(routes, {
    prefix: options.prefix ?? DEFAULT_PREFIX,
    store,
    limits: options.limits ?? {},
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    maxBulkPosts: options.maxBulkPosts ?? DEFAULT_MAX_BULK_POSTS,
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
