import { translateDatabaseError } from './database-errors.js';
import { type Db, type FieldDescription, int8AsText, type QueryResult } from './db.js';

/** The part of a PGlite instance (or its transaction handle) section-sync uses. */
export interface PGliteLike {
  query<T>(
    text: string,
    params?: unknown[],
  ): Promise<{ rows: T[]; affectedRows?: number; fields: { name: string; dataTypeID: number }[] }>;
  exec(text: string): Promise<unknown>;
  transaction?<T>(fn: (tx: PGliteLike) => Promise<T>): Promise<T>;
  listen?(channel: string, callback: (payload: string) => void): Promise<() => Promise<void>>;
}

async function run<Row>(
  target: PGliteLike,
  text: string,
  params?: readonly unknown[],
): Promise<QueryResult<Row>> {
  try {
    const result = await target.query<Row>(text, params as unknown[] | undefined);
    return {
      rows: int8AsText(result.rows, result.fields as FieldDescription[]),
      rowCount: result.affectedRows ?? result.rows.length,
    };
  } catch (error) {
    throw translateDatabaseError(error);
  }
}

function handleDb(target: PGliteLike, depth: number): Db {
  const db: Db = {
    kind: 'pglite',
    query: (text, params) => run(target, text, params),
    exec: async (text) => {
      try {
        await target.exec(text);
      } catch (error) {
        throw translateDatabaseError(error);
      }
    },
    transaction: async (fn) => {
      if (depth === 0 && target.transaction) {
        try {
          return await target.transaction((tx) => fn(handleDb(tx, 1)));
        } catch (error) {
          // PGlite's own errors (e.g. "PGlite is closed") arrive here untranslated.
          throw translateDatabaseError(error);
        }
      }
      // Inside a PGlite transaction only the tx handle may be used: nest with savepoints.
      const savepoint = `section_sync_sp_${depth}`;
      await run(target, `SAVEPOINT ${savepoint}`);
      try {
        const result = await fn(handleDb(target, depth + 1));
        await run(target, `RELEASE SAVEPOINT ${savepoint}`);
        return result;
      } catch (error) {
        await run(target, `ROLLBACK TO SAVEPOINT ${savepoint}`).catch(() => {});
        throw error;
      }
    },
  };
  // One connection: the instance is its own session.
  if (depth === 0) db.session = (fn) => fn(db);
  // PGlite is one connection: its own NOTIFYs (from our triggers) reach its own LISTENs.
  const pglite = target;
  if (depth === 0 && pglite.listen) {
    db.listen = async (channel, onPayload) => {
      try {
        const stop = await pglite.listen!(channel, onPayload);
        return async () => {
          await stop().catch(() => {}); // already closed: nothing is listening any more
        };
      } catch (error) {
        throw translateDatabaseError(error);
      }
    };
  }
  return db;
}

/**
 * Wraps a PGlite instance (Postgres in WebAssembly, one connection). The caller keeps ownership
 * and closes it.
 *
 * @example
 * import { PGlite } from '@electric-sql/pglite';
 * const db = fromPGlite(await PGlite.create());
 */
export function fromPGlite(pglite: PGliteLike): Db {
  return handleDb(pglite, 0);
}
