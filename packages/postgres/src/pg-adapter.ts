import { translateDatabaseError } from './database-errors.js';
import {
  type Db,
  type FieldDescription,
  int8AsText,
  type QueryResult,
  quoteChannel,
} from './db.js';

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
  /** pg's Pool is an EventEmitter: its 'connect' event hands over each new client. */
  on?(event: 'connect', listener: (client: PgClientLike) => void): unknown;
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
      rows: int8AsText(result.rows as Row[], result.fields),
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

/** What LISTEN needs of a pg `Client` beyond queries: its events (pg's Client is an EventEmitter). */
interface NotifyingClient extends PgClientLike {
  on(
    event: 'notification',
    listener: (message: { channel: string; payload?: string }) => void,
  ): void;
  on(event: 'error' | 'end', listener: (error?: Error) => void): void;
  removeListener(event: string, listener: (...args: never[]) => void): void;
}

function canNotify(client: PgClientLike): client is NotifyingClient {
  const c = client as Partial<NotifyingClient>;
  return typeof c.on === 'function' && typeof c.removeListener === 'function';
}

/** LISTEN on a single client the caller owns; no reconnect (the caller owns the connection too). */
async function listenOnClient(
  client: PgClientLike,
  channel: string,
  onPayload: (payload: string) => void,
): Promise<() => Promise<void>> {
  if (!canNotify(client)) throw new TypeError('This pg client cannot receive notifications');
  const onNotification = (message: { channel: string; payload?: string }) => {
    if (message.channel === channel) onPayload(message.payload ?? '');
  };
  client.on('notification', onNotification);
  try {
    await run(client, `LISTEN ${quoteChannel(channel)}`);
  } catch (error) {
    client.removeListener('notification', onNotification);
    throw error;
  }
  return async () => {
    client.removeListener('notification', onNotification);
    await run(client, `UNLISTEN ${quoteChannel(channel)}`).catch(() => {});
  };
}

// A pooled connection that breaks while lent (pg_terminate_backend, a server restart) reports
// the failure through the query it fails, and pg then also emits 'error' on the client: with no
// listener that would crash the host. The pool listens only while the connection is idle.
const ignoreError = () => {};

/** Swallows the client's late 'error' events for as long as it is lent; returns the undo. */
function whileLent(client: PgClientLike): () => void {
  if (!canNotify(client)) return () => {};
  client.on('error', ignoreError);
  return () => client.removeListener('error', ignoreError);
}

// pg emits 'error' on a client whose connection breaks while none of its queries runs, and
// pg-pool listens only while the client is idle in the pool. Under a server restart there are
// moments when nobody does (seen: a client between pool.query's own callbacks), and the host
// crashes. Every client the pool connects gets a listener that ignores the event: the failure
// still reaches the query that runs on it, and the pool still drops the client.
const watchedPools = new WeakSet<object>();
function ignoreClientErrors(pool: PgPoolLike): void {
  if (watchedPools.has(pool) || typeof pool.on !== 'function') return;
  watchedPools.add(pool);
  pool.on('connect', (client) => {
    if (canNotify(client)) client.on('error', ignoreError);
  });
}

const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 5000;

/**
 * LISTEN on one connection lent by the pool for as long as we listen. When that connection
 * breaks (server restart, pg_terminate_backend) it is destroyed and a new one LISTENs again,
 * retrying with backoff; notifications sent while no connection listened are lost.
 */
async function listenOnPool(
  pool: PgPoolLike,
  channel: string,
  onPayload: (payload: string) => void,
): Promise<() => Promise<void>> {
  type Lent = Awaited<ReturnType<PgPoolLike['connect']>>;
  let current: { client: Lent & NotifyingClient; detach: () => void } | undefined;
  let stopped = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let delay = RECONNECT_MIN_MS;

  const attach = async (): Promise<void> => {
    let client: Lent;
    try {
      client = await pool.connect();
    } catch (error) {
      throw translateDatabaseError(error);
    }
    if (!canNotify(client)) {
      client.release();
      throw new TypeError('The pool lent a client that cannot receive notifications');
    }
    const lent = client;
    const onNotification = (message: { channel: string; payload?: string }) => {
      if (message.channel === channel) onPayload(message.payload ?? '');
    };
    let broken = false;
    const onBroken = (error?: Error) => {
      if (broken) return;
      broken = true;
      detach();
      lent.release(error ?? new Error('LISTEN connection ended'));
      if (current?.client === lent) current = undefined;
      scheduleReconnect();
    };
    // Every lent LISTEN connection is destroyed in the end: errors it emits while ending are
    // ignored (see whileLent).
    lent.on('error', ignoreError);
    const detach = () => {
      lent.removeListener('notification', onNotification);
      lent.removeListener('error', onBroken);
      lent.removeListener('end', onBroken);
    };
    lent.on('notification', onNotification);
    lent.on('error', onBroken);
    lent.on('end', onBroken);
    try {
      await run(lent, `LISTEN ${quoteChannel(channel)}`);
    } catch (error) {
      if (!broken) {
        broken = true;
        detach();
        lent.release(error instanceof Error ? error : new Error(String(error)));
      }
      throw error;
    }
    if (stopped) {
      broken = true;
      detach();
      lent.release(new Error('stopped listening')); // destroyed: it still LISTENs
      return;
    }
    current = { client: lent, detach };
    delay = RECONNECT_MIN_MS;
  };

  const scheduleReconnect = () => {
    if (stopped || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      attach().catch(() => {
        delay = Math.min(delay * 2, RECONNECT_MAX_MS);
        scheduleReconnect();
      });
    }, delay);
    retryTimer.unref?.();
  };

  await attach();
  return async () => {
    stopped = true;
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = undefined;
    const held = current;
    current = undefined;
    if (!held) return;
    held.detach();
    // Destroy rather than return it: a pooled connection must not keep a LISTEN for the next user.
    held.client.release(new Error('stopped listening'));
  };
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
  if (!isPool(target)) {
    const db = clientDb(target, 0);
    db.listen = (channel, onPayload) => listenOnClient(target, channel, onPayload);
    db.session = (fn) => fn(db);
    return db;
  }
  const pool = target;
  ignoreClientErrors(pool);
  return {
    listen: (channel, onPayload) => listenOnPool(pool, channel, onPayload),
    kind: 'postgres',
    query: (text, params) => run(pool, text, params),
    exec: async (text) => {
      await run(pool, text);
    },
    session: (fn) => lend(pool, (client) => fn(sessionDb(client))),
    transaction: (fn) => lend(pool, (client) => clientDb(client, 0).transaction(fn)),
  };
}

/** A lent connection as a `Db` that is its own session. */
function sessionDb(client: PgClientLike): Db {
  const db = clientDb(client, 0);
  db.session = (fn) => fn(db);
  return db;
}

/** Lends one pooled connection to `fn`; one that failed is destroyed instead of returned. */
async function lend<T>(
  pool: PgPoolLike,
  fn: (client: Awaited<ReturnType<PgPoolLike['connect']>>) => Promise<T>,
): Promise<T> {
  let client: Awaited<ReturnType<PgPoolLike['connect']>>;
  try {
    client = await pool.connect();
  } catch (error) {
    throw translateDatabaseError(error);
  }
  let broken: Error | undefined;
  const returned = whileLent(client);
  try {
    return await fn(client);
  } catch (error) {
    if (error instanceof Error && error.name === 'DatabaseUnavailableError') broken = error;
    throw error;
  } finally {
    // A connection that failed is destroyed rather than returned to the pool; it keeps
    // ignoring errors while it ends. One returned is the pool's to watch again.
    client.release(broken);
    if (!broken) returned();
  }
}
