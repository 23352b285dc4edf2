import { isUnavailableError } from '../database-errors.js';
import type { Db } from '../db.js';
import { currentMigrationVersion, expectedMigrationVersion } from '../migrate.js';

/** Whether the database can take work: reachable, and migrated to the version this code expects. */
export interface Readiness {
  ready: boolean;
  database: 'up' | 'down';
  /** The migration version found (absent when the database is down). */
  migrations?: { current: number; expected: number };
  /** Why not ready. */
  reason?: string;
}

// The files do not change while the process runs: read them once.
let expectedVersion: Promise<number> | undefined;

/**
 * Asks the database whether section-sync can work on it: one round trip to read the migration
 * version (which also proves it is reachable).
 *
 * @example
 * const { ready, reason } = await checkReadiness(db);
 */
export async function checkReadiness(db: Db): Promise<Readiness> {
  expectedVersion ??= expectedMigrationVersion();
  const expected = await expectedVersion;
  let current: number;
  try {
    current = await currentMigrationVersion(db);
  } catch (error) {
    if (!isUnavailableError(error)) throw error;
    return { ready: false, database: 'down', reason: (error as Error).message };
  }
  const migrations = { current, expected };
  if (current < expected) {
    return {
      ready: false,
      database: 'up',
      migrations,
      reason: `The database is at migration ${current} of ${expected}: run the migrations`,
    };
  }
  return { ready: true, database: 'up', migrations };
}
