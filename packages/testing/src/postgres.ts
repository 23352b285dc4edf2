import { randomBytes } from 'node:crypto';
import { fromPg, migrate } from '@section-sync/postgres';
import pg from 'pg';
import { migrationsFingerprint } from './fingerprint.js';
import type { OpenOptions, TestDatabase } from './types.js';

/** The server the PostgreSQL tests run on; unset means they are skipped. */
export const postgresUrl: string | undefined = process.env.DATABASE_URL || undefined;

/** The same server URL naming another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Runs `fn` on a short-lived connection to DATABASE_URL (CREATE / DROP DATABASE). */
export async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

// CREATE DATABASE ... TEMPLATE copies a migrated database in ~100 ms, much less than migrating.
async function ensureTemplate(migrated: boolean): Promise<string> {
  const name = migrated
    ? `section_sync_tpl_${await migrationsFingerprint()}`
    : 'section_sync_tpl_empty';
  await withAdmin(async (admin) => {
    await admin.query('SELECT pg_advisory_lock(7365636)');
    try {
      const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [
        name,
      ]);
      if (rowCount) return;
      await admin.query(`CREATE DATABASE "${name}"`);
      if (migrated) {
        const pool = new pg.Pool({ connectionString: withDatabase(postgresUrl!, name), max: 1 });
        try {
          await migrate(fromPg(pool));
        } catch (error) {
          await pool.end();
          await admin.query(`DROP DATABASE "${name}"`);
          throw error;
        }
        await pool.end();
      }
    } finally {
      await admin.query('SELECT pg_advisory_unlock(7365636)');
    }
  });
  return name;
}

/** A fresh PostgreSQL database on `DATABASE_URL`'s server, dropped by `close()`. */
/**
 * A pg Pool for a test's own plain-SQL writers whose connections may be killed (faults, DROP
 * DATABASE ... WITH (FORCE) at the end): neither the pool nor a client of it ever crashes the
 * run with an 'error' nobody listens to (pg-pool listens only while a client is idle).
 */
export function expendablePool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool(config);
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}

export async function openPostgres(
  options: OpenOptions = {},
): Promise<TestDatabase & { pool: pg.Pool; connectionString: string }> {
  if (!postgresUrl) throw new Error('DATABASE_URL is not set');
  const template = await ensureTemplate(options.migrate !== false);
  const name = `section_sync_t_${randomBytes(6).toString('hex')}`;
  await withAdmin((admin) => admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  const connectionString = withDatabase(postgresUrl, name);
  const pool = new pg.Pool({ connectionString, max: 20 });
  pool.on('error', () => {}); // connections killed on purpose by fault tests
  return {
    backend: 'postgres',
    db: fromPg(pool),
    pool,
    connectionString,
    close: async () => {
      await pool.end().catch(() => {});
      await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
