import { translateDatabaseError } from './database-errors.js';
import { type Db, type FieldDescription, normalizeInt8Columns, type QueryResult } from './db.js';

/** The part of a node-postgres `Client` / `PoolClient` section-sync uses. */
export interface PgClientLike {
  query(
    text: string,
    values?: unknown[],
  ): Promise<{
    rows: Record<string, unknown>[];
    rowCount: number | null;
    fields?: FieldDescription[];
  }>;
}

/** The part of a node-postgres `Pool` section-sync uses. */
export interface PgPoolLike extends PgClientLike {
  connect(): Promise<PgClientLike & { release(destroy?: boolean | Error): void }>;
}

function isPool(target: PgClientLike | PgPoolLike): target is PgPoolLike {
  // A pg Client also has connect(), but only a Pool hands out clients with release().
  return typeof (target as { totalCount?: unknown }).totalCount === 'number';
}

async function run<Row>(
  client: PgClientLike,
  text: string,
  params?: readonly unknown[],
): Promise<QueryResult<Row>> {
  try {
    const result = await client.query(text, params as unknown[] | undefined);
    return {
      rows: normalizeInt8Columns(result.rows as Row[], result.fields),
      rowCount: result.rowCount ?? 0,
    };
  } catch (error) {
    throw translateDatabaseError(error);
  }
}

function clientDb(client: PgClientLike, depth: number): Db {
  const db: Db = {
    kind: 'postgres',
    query: (text, params) => run(client, text, params),
    exec: async (text) => {
      await run(client, text);
    },
    transaction: async (fn) => {
      // Nested transactions become savepoints on the same connection.
      const savepoint = `section_sync_sp_${depth}`;
      await run(client, depth === 0 ? 'BEGIN' : `SAVEPOINT ${savepoint}`);
      try {
        const result = await fn(clientDb(client, depth + 1));
        await run(client, depth === 0 ? 'COMMIT' : `RELEASE SAVEPOINT ${savepoint}`);
        return result;
      } catch (error) {
        await run(client, depth === 0 ? 'ROLLBACK' : `ROLLBACK TO SAVEPOINT ${savepoint}`).catch(
          () => {},
        );
        throw error;
      }
    },
  };
  return db;
}

/**
 * Wraps a node-postgres `Pool` (each transaction on its own pooled connection) or a single
 * `Client`. The caller keeps ownership: section-sync never ends it.
 *
 * @example
 * import pg from 'pg';
 * const db = fromPg(new pg.Pool({ connectionString: process.env.DATABASE_URL }));
 */
export function fromPg(target: PgPoolLike | PgClientLike): Db {
  if (!isPool(target)) return clientDb(target, 0);
  const pool = target;
  return {
    kind: 'postgres',
    query: (text, params) => run(pool, text, params),
    exec: async (text) => {
      await run(pool, text);
    },
    transaction: async (fn) => {
      let client: Awaited<ReturnType<PgPoolLike['connect']>>;
      try {
        client = await pool.connect();
      } catch (error) {
        throw translateDatabaseError(error);
      }
      let broken: Error | undefined;
      try {
        return await clientDb(client, 0).transaction(fn);
      } catch (error) {
        if (error instanceof Error && error.name === 'DatabaseUnavailableError') broken = error;
        throw error;
      } finally {
        // A connection that failed is destroyed rather than returned to the pool.
        client.release(broken);
      }
    },
  };
}
