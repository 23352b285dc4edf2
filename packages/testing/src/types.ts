import type { PGlite } from '@electric-sql/pglite';
import type { Db } from '@section-sync/postgres';
import type pg from 'pg';

export interface OpenOptions {
  /** Run section-sync's migrations. @default true */
  migrate?: boolean;
}

/** One isolated database for one test file (or test). */
export interface TestDatabase {
  backend: 'pglite' | 'postgres';
  db: Db;
  /** Only on PGlite. */
  pglite?: PGlite;
  /** Only on PostgreSQL: a pool on the test database, ended by `close()`. */
  pool?: pg.Pool;
  /** Only on PostgreSQL. */
  connectionString?: string;
  close(): Promise<void>;
}

export interface TestBackend {
  name: 'pglite' | 'postgres';
  open(options?: OpenOptions): Promise<TestDatabase>;
}
