import { postgresUrl } from '@section-sync/testing';
import { describe } from 'vitest';

/**
 * `describe` for tests that need a real PostgreSQL server (several connections, killed
 * backends, restarts): skipped, with a visible reason, when `DATABASE_URL` is not set.
 *
 * @example
 * describeWithPostgres('16 SDK clients and plain SQL writers', () => { ... });
 */
export function describeWithPostgres(name: string, body: () => void): void {
  if (!postgresUrl) {
    console.warn(`[section-sync reliability] skipped "${name}": set DATABASE_URL to run it`);
  }
  describe.skipIf(!postgresUrl)(name, body);
}
