/**
 * @section-sync/postgres: everything that talks to a database — the `Db` interface and its
 * node-postgres and PGlite adapters, migrations (tables, PL/pgSQL functions and triggers), and the
 * store the HTTP API and the CLI use.
 */
export * from './database-errors.js';
export * from './db.js';
export * from './migrate.js';
export * from './migration-plan.js';
export * from './online/lock-retry.js';
export * from './online/locks.js';
export { splitStatements } from './online/statements.js';
export * from './operations/index.js';
export * from './pg-adapter.js';
export * from './pglite-adapter.js';
export * from './pglite-lock.js';
export * from './product-schema.js';
export { createStore, type StoreOptions } from './store.js';
export type * from './store-types.js';
export * from './uninstall.js';
