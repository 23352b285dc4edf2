import { postgresUrl } from '@section-sync/testing';
import { describe } from 'vitest';

/**
 * `describe` for tests that need a real PostgreSQL server (several connections, killed
 * backends, restarts): skipped, with a visible reason, when `DATABASE_URL` is not set, or when
 * `missing` names something else the test needs and does not have.
 *
 * @example
 * describeWithPostgres('16 SDK clients and plain SQL writers', () => { ... });
 */
export function describeWithPostgres(name: string, body: () => void, missing?: string): void {
  const reason = postgresUrl ? missing : 'set DATABASE_URL to run it';
  if (reason) console.warn(`[section-sync reliability] skipped "${name}": ${reason}`);
  describe.skipIf(reason !== undefined)(name, body);
}
