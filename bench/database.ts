import type { Db } from '@section-sync/postgres';
import { fromPg } from '@section-sync/postgres';
import { openPGlite, openPostgres, postgresUrl, type TestDatabase } from '@section-sync/testing';
import pg from 'pg';

/** The section limit the benchmarks raise the parser to, so the 5,000-section cases parse. */
export const BENCH_MAX_SECTIONS = 5000;

/** A fresh migrated database and one connection on it, for sequential measurements. */
export interface BenchDatabase {
  backend: TestDatabase['backend'];
  /** One connection: every statement of a comparison goes through the same session. */
  db: Db;
  /** The database's own handle (a pool on PostgreSQL), for concurrent load. */
  shared: Db;
  close(): Promise<void>;
}

/**
 * PostgreSQL when `DATABASE_URL` is set (a fresh database, dropped on close), else PGlite. The
 * session's `section_sync.max_sections` is raised to {@link BENCH_MAX_SECTIONS} (the default
 * limit is 500): the triggers read it when a plain UPDATE writes the master.
 */
export async function openBenchDatabase(): Promise<BenchDatabase> {
  const t = postgresUrl ? await openPostgres() : await openPGlite();
  let db = t.db;
  let client: pg.Client | undefined;
  if (t.connectionString) {
    client = new pg.Client({ connectionString: t.connectionString });
    await client.connect();
    db = fromPg(client);
  }
  await db.exec(`SET section_sync.max_sections = '${BENCH_MAX_SECTIONS}'`);
  return {
    backend: t.backend,
    db,
    shared: t.db,
    close: async () => {
      await client?.end();
      await t.close();
    },
  };
}
