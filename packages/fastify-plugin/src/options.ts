import type { SectionLimits } from '@section-sync/core';
import type { Db, PgPoolLike, SectionStore } from '@section-sync/core/postgres';

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
  /** Limits of the master field (sections, heading/description/status lengths). @default DEFAULT_LIMITS */
  limits?: Partial<SectionLimits>;
  /** Largest request body in bytes (413 above). @default 1048576 (1 MiB) */
  bodyLimit?: number;
  /** Most post ids one `POST /sync-sections` may name (400 above). @default 1000 */
  maxBulkPosts?: number;
}

/** The options after defaults, as the routes see them. */
export interface RouteOptions {
  store: SectionStore;
  limits: Partial<SectionLimits>;
  bodyLimit: number;
  maxBulkPosts: number;
}

export const DEFAULT_PREFIX = '/api/workflow';
export const DEFAULT_BODY_LIMIT = 1024 * 1024;
export const DEFAULT_MAX_BULK_POSTS = 1000;
