import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { type DataDirLock, type Db, fromPGlite, fromPg, lockDataDir } from '@section-sync/postgres';
import pg from 'pg';
import {
  openFromSnapshot,
  SNAPSHOT_FILE,
  type SnapshotWrite,
  saveSnapshot,
} from './pglite-snapshot.js';

/** The demo's database and how to let go of it. */
export interface DemoDatabase {
  db: Db;
  /** Says where the data lives, for the start-up log line (never the password). */
  description: string;
  /** The lock of the PGlite data directory, while this process holds it. */
  lock?: DataDirLock;
  /**
   * In-memory PGlite only: saves the database as the snapshot later starts load. `build` calls
   * it when `migrate` applied anything (no snapshot yet, or an older one), before seeding.
   */
  saveSnapshot?: () => Promise<SnapshotWrite>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL URL; PGlite when absent. */
  databaseUrl?: string;
  /** PGlite data directory; in memory when absent. */
  dataDir?: string;
  /** The snapshot an in-memory PGlite starts from and saves. @default SNAPSHOT_FILE */
  snapshotFile?: URL;
  /** Where pool errors go (idle connections dropped by the server). */
  onPoolError?: (error: Error) => void;
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'PostgreSQL';
  }
}

/**
 * PostgreSQL through a pg Pool when `databaseUrl` is given, otherwise embedded PGlite (Postgres
 * in WebAssembly, no server needed), in memory or in `dataDir`. A data directory is locked for
 * this process (`lockDataDir`): opening one that another live process holds throws
 * `DataDirLockedError` naming its pid.
 *
 * @example
 * const { db, close } = await openDatabase({ databaseUrl: process.env.DATABASE_URL });
 */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<DemoDatabase> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
    pool.on('error', (error) => options.onPoolError?.(error));
    return {
      db: fromPg(pool),
      description: `PostgreSQL at ${redact(options.databaseUrl)}`,
      close: () => pool.end(),
    };
  }
  if (!options.dataDir) {
    // In memory: from the migrated snapshot the build (or an earlier start) left.
    const file = options.snapshotFile ?? SNAPSHOT_FILE;
    const pglite = await openFromSnapshot(file);
    const writes: Promise<unknown>[] = [];
    return {
      db: fromPGlite(pglite),
      description: 'PGlite in memory',
      saveSnapshot: async () => {
        const write = await saveSnapshot(pglite, file);
        writes.push(write.written.catch(() => {}));
        return write;
      },
      close: async () => {
        // A snapshot still being written is let finish: exiting now would leave a temporary file
        // behind and the next start without a snapshot.
        await Promise.all(writes);
        await pglite.close();
      },
    };
  }
  // One process per PGlite directory: the CLI (or a second server) refuses while we hold it.
  mkdirSync(options.dataDir, { recursive: true });
  const lock = lockDataDir(options.dataDir, 'the section-sync demo server');
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(options.dataDir);
  } catch (error) {
    lock.release();
    throw error;
  }
  return {
    db: fromPGlite(pglite),
    description: `PGlite in ${options.dataDir}`,
    lock,
    close: async () => {
      try {
        await pglite.close();
      } finally {
        lock.release();
      }
    },
  };
}
