import type { SectionLimits } from '@section-sync/core';
import type { Db, PgPoolLike, RetentionPolicy, SectionStore } from '@section-sync/postgres';
import type { Registry } from 'prom-client';
import type { SyncMetrics } from './observability/metrics.js';
import type { Write } from './routes/write.js';

/**
 * Options of the section-sync plugin. Give the database one way: `connectionString` (the plugin
 * opens and ends a pg Pool), `pool` (yours; the plugin never ends it), `db` (any `Db`, e.g.
 * `fromPGlite(pglite)`), or `store` (a `SectionStore` you built or wrapped).
 *
 * @example
 * await app.register(sectionSync, { pool, prefix: '/api/workflow' });
 */
export interface SectionSyncOptions {
  /** PostgreSQL URL; the plugin creates a pg Pool and ends it when Fastify closes. */
  connectionString?: string;
  /** A node-postgres Pool the host owns (and ends). */
  pool?: PgPoolLike;
  /** Any `Db` (`fromPg(...)`, `fromPGlite(...)`); the host owns it. */
  db?: Db;
  /** A ready `SectionStore` (e.g. one the host wraps); the routes use it instead of building one. */
  store?: SectionStore;
  /** Run section-sync's migrations when the plugin starts. @default false */
  migrate?: boolean;
  /** Prefix of every route. @default '/api/workflow' */
  prefix?: string;
  /**
   * Name of the instance decorator holding the {@link SectionSyncService}; `false` for none.
   * A second registration (another prefix, another database or tenant) needs a name of its own:
   * `{ prefix: '/tenant-b', pool: poolB, decorate: 'sectionSyncB' }`. Only `sectionSync` is
   * typed for you; type others with `declare module 'fastify'` (see the README).
   * @default 'sectionSync'
   */
  decorate?: string | false;
  /** Limits of the master field (sections, heading/description/status lengths). @default DEFAULT_LIMITS */
  limits?: Partial<SectionLimits>;
  /** Largest request body in bytes (413 above). @default 1048576 (1 MiB) */
  bodyLimit?: number;
  /** Most post ids one `POST /sync-sections` may name (400 above). @default 1000 */
  maxBulkPosts?: number;
  /**
   * Prometheus metrics (prom-client): `true` mounts `GET /metrics` (outside `prefix`) on a
   * registry of the plugin's own; or give `path` (`false`: mount nothing, scrape `registry`
   * yourself) and/or your `registry`. The registry is also at `fastify.sectionSync.metrics`.
   * A host that already serves `/metrics` (fastify-metrics, its own prom-client route) passes
   * `{ registry: itsRegistry, path: false }`: the metrics join its scrape. A scrape only reads
   * the database (it works on a read replica).
   * @default false
   */
  metrics?: boolean | MetricsOptions;
  /**
   * Prune the sync log on a timer with this policy (unref'd, stopped on close). Pruning runs in
   * short batches; a run still going when the next is due is not doubled. @default off
   */
  retention?: RetentionPolicy & RetentionTimerOptions;
}

export interface MetricsOptions {
  /** Where to answer the scrape; `false` for nowhere. @default '/metrics' */
  path?: string | false;
  /** The registry to register on. @default a new Registry */
  registry?: Registry;
}

export interface RetentionTimerOptions {
  /** Time between prune runs, in ms. @default 3600000 (1 hour) */
  intervalMs?: number;
  /** Entries per batch (one statement each). @default 5000 */
  batchSize?: number;
}

/** The options after defaults, as the routes see them. */
export interface RouteOptions {
  store: SectionStore;
  /** The database `GET /ready` checks (absent when only a store was given). */
  db: Db | undefined;
  limits: Partial<SectionLimits>;
  bodyLimit: number;
  maxBulkPosts: number;
  write: Write;
  metrics: SyncMetrics | undefined;
}

export const DEFAULT_PREFIX = '/api/workflow';
export const DEFAULT_DECORATOR = 'sectionSync';
export const DEFAULT_BODY_LIMIT = 1024 * 1024;
export const DEFAULT_MAX_BULK_POSTS = 1000;
export const DEFAULT_METRICS_PATH = '/metrics';
export const DEFAULT_RETENTION_INTERVAL_MS = 60 * 60 * 1000;
