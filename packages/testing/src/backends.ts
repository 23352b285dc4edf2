import { openPGlite } from './pglite.js';
import { openPostgres, postgresUrl } from './postgres.js';
import type { TestBackend } from './types.js';

export type * from './types.js';

/**
 * The backends this run has: PGlite always, PostgreSQL when `DATABASE_URL` is set.
 *
 * @example
 * describe.each(backends)('sync on $name', (backend) => {
 *   let t: TestDatabase;
 *   beforeAll(async () => { t = await backend.open(); });
 *   afterAll(() => t.close());
 * });
 */
export const backends: TestBackend[] = [
  { name: 'pglite', open: openPGlite },
  ...(postgresUrl ? [{ name: 'postgres' as const, open: openPostgres }] : []),
];

/** Says once, visibly, why the PostgreSQL variants are not running. */
export function reportSkippedPostgres(what: string): void {
  if (!postgresUrl) {
    console.warn(`[section-sync] ${what}: PostgreSQL variant skipped (set DATABASE_URL to run it)`);
  }
}
