import type { Db } from './db.js';

/** The schema section-sync's own objects live in unless told otherwise. */
export const DEFAULT_PRODUCT_SCHEMA = 'section_sync';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Quotes a schema name taken from options after checking it is a plain identifier. */
export function quoteSchema(schema: string): string {
  if (!IDENTIFIER.test(schema)) {
    throw new TypeError(`Invalid schema name ${JSON.stringify(schema)}: use letters, digits and _`);
  }
  return `"${schema}"`;
}

/**
 * Rewrites SQL written against the default product schema (`section_sync.log`,
 * `CREATE SCHEMA section_sync`) for another one. Only code is rewritten: string literals keep
 * their text, so setting names such as `'section_sync.applying'` and the NOTIFY channel stay as
 * they are, while function bodies (dollar-quoted) are code and are rewritten. Comments are left
 * alone.
 *
 * @example
 * inProductSchema("SELECT section_sync.render(x), current_setting('section_sync.applying')", 'ss');
 * // `SELECT "ss".render(x), current_setting('section_sync.applying')`
 */
export function inProductSchema(sql: string, productSchema: string): string {
  if (productSchema === DEFAULT_PRODUCT_SCHEMA) return sql;
  return rewrite(sql, quoteSchema(productSchema));
}

const WORD = /[A-Za-z0-9_$]/;

function rewrite(sql: string, quoted: string): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      const stop = end === -1 ? sql.length : end + 2;
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === "'") {
      const stop = endOfQuoted(sql, i, "'");
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === '"') {
      const stop = endOfQuoted(sql, i, '"');
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === '$' && !(i > 0 && WORD.test(sql[i - 1]!))) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
      if (!tag) {
        out += c;
        i++;
        continue;
      }
      // A dollar-quoted body is code (a function, a DO block): rewrite inside it too.
      const close = sql.indexOf(tag[0], i + tag[0].length);
      const stop = close === -1 ? sql.length : close;
      out += tag[0] + rewrite(sql.slice(i + tag[0].length, stop), quoted);
      if (close !== -1) out += tag[0];
      i = close === -1 ? sql.length : close + tag[0].length;
    } else if (
      sql.startsWith(DEFAULT_PRODUCT_SCHEMA, i) &&
      !(i > 0 && WORD.test(sql[i - 1]!)) &&
      !WORD.test(sql[i + DEFAULT_PRODUCT_SCHEMA.length] ?? '')
    ) {
      out += quoted;
      i += DEFAULT_PRODUCT_SCHEMA.length;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

function endOfQuoted(sql: string, at: number, quote: string): number {
  let i = at + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return i;
}

/**
 * A `Db` whose statements name another product schema: every query text written against
 * `section_sync` is rewritten once (cached) by {@link inProductSchema}. The store, the
 * operations and the CLI use it, so their SQL stays written as `section_sync.`.
 *
 * @example
 * const store = createStore(withProductSchema(db, 'sync_tools'));
 */
export function withProductSchema(db: Db, productSchema: string | undefined): Db {
  const schema = productSchema ?? DEFAULT_PRODUCT_SCHEMA;
  if (schema === DEFAULT_PRODUCT_SCHEMA) return db;
  quoteSchema(schema);
  const cache = new Map<string, string>();
  const sql = (text: string) => {
    let rewritten = cache.get(text);
    if (rewritten === undefined) {
      rewritten = inProductSchema(text, schema);
      if (cache.size < 1000) cache.set(text, rewritten);
    }
    return rewritten;
  };
  return wrap(db, sql, schema);
}

function wrap(db: Db, sql: (text: string) => string, schema: string): Db {
  const wrapped: Db & { productSchema?: string } = {
    kind: db.kind,
    productSchema: schema,
    query: (text, params) => db.query(sql(text), params),
    exec: (text) => db.exec(sql(text)),
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx, sql, schema))),
  };
  if (db.listen) wrapped.listen = db.listen.bind(db);
  if (db.session) {
    const session = db.session.bind(db);
    wrapped.session = (fn) => session((conn) => fn(wrap(conn, sql, schema)));
  }
  return wrapped;
}

/** The product schema a `Db` from {@link withProductSchema} names (`section_sync` otherwise). */
export function productSchemaOf(db: Db): string {
  return (db as { productSchema?: string }).productSchema ?? DEFAULT_PRODUCT_SCHEMA;
}
