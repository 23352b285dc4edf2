/** Rows and count of one statement. */
export interface QueryResult<Row> {
  rows: Row[];
  rowCount: number;
}

/**
 * The small database interface every part of section-sync talks to: parameterized queries and
 * transactions. Adapters exist for node-postgres (`fromPg`) and PGlite (`fromPGlite`); both return
 * int8 as decimal strings (never a rounded number), json/jsonb parsed, timestamps as `Date`, and
 * keep the SQLSTATE in `code` of errors. Connection failures become `DatabaseUnavailableError`.
 *
 * @example
 * const db = fromPg(new pg.Pool({ connectionString }));
 * await db.transaction(async (tx) => tx.query('select 1'));
 */
export interface Db {
  readonly kind: 'postgres' | 'pglite';
  /** One statement with `$1`-style parameters. */
  query<Row extends object = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
  ): Promise<QueryResult<Row>>;
  /** Several statements, no parameters (migrations). */
  exec(text: string): Promise<void>;
  /** Runs `fn` in a transaction (a savepoint when already in one); only `tx` may be used inside. */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` on one connection held for the whole call, outside any transaction: for work that
   * needs a session (a session-level advisory lock, `CREATE INDEX CONCURRENTLY`, which cannot run
   * in a transaction). Absent on transaction handles.
   *
   * @example
   * await db.session?.(async (conn) => conn.query('CREATE INDEX CONCURRENTLY i ON t (a)'));
   */
  session?<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  /**
   * LISTEN on `channel` and call `onPayload` with each notification's payload; resolves once the
   * LISTEN is active, to a function that stops listening. Absent on transaction handles and on
   * adapters that cannot hold a connection for it (a single pg `Client` can, a `Pool` lends one).
   *
   * @example
   * const stop = await db.listen?.('section_sync', (payload) => console.log(JSON.parse(payload)));
   * await stop?.();
   */
  listen?(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
}

/** Quotes a channel name for LISTEN / UNLISTEN (case and any character kept). */
export function quoteChannel(channel: string): string {
  return `"${channel.replaceAll('"', '""')}"`;
}

/** What the adapters need of a field description to normalise int8 columns. */
export interface FieldDescription {
  name: string;
  dataTypeID: number;
}

const INT8_OID = 20;

/**
 * int8 arrives as text (pg) or BigInt (PGlite): both become the decimal text, so a bigint id
 * keeps every digit (2^53 + 1 as a JS number is 2^53). Counts and versions are converted by
 * whoever reads them, knowing they are small.
 */
export function int8AsText<Row>(
  rows: Row[],
  fields: readonly FieldDescription[] | undefined,
): Row[] {
  if (!fields || rows.length === 0) return rows;
  const int8Names = fields.filter((f) => f.dataTypeID === INT8_OID).map((f) => f.name);
  if (int8Names.length === 0) return rows;
  for (const row of rows as Record<string, unknown>[]) {
    for (const name of int8Names) {
      const value = row[name];
      if (value === null || value === undefined || typeof value === 'string') continue;
      row[name] = String(value);
    }
  }
  return rows;
}
