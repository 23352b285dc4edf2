import { DatabaseUnavailableError } from '@section-sync/core';
import { backends, openPostgres, postgresUrl, type TestDatabase } from '@section-sync/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  currentMigrationVersion,
  expectedMigrationVersion,
  fromPg,
  migrate,
  quoteSchema,
  translateDatabaseError,
} from '../src/index.js';

describe.each(backends)('Db adapter and migrations on $name', (backend) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await backend.open({ migrate: false });
  });
  afterAll(() => t?.close());

  it('returns int8 as exact decimal text and jsonb parsed, the same on both backends', async () => {
    const { rows } = await t.db.query<{ n: string; m: string; c: string; j: unknown }>(
      `SELECT 9007199254740993::int8 AS n, (-9223372036854775808)::int8 AS m, count(*) AS c,
              '{"a":[1]}'::jsonb AS j FROM generate_series(1, 3)`,
    );
    expect(rows).toEqual([
      { n: '9007199254740993', m: '-9223372036854775808', c: '3', j: { a: [1] } },
    ]);
  });

  it('keeps the SQLSTATE of database errors', async () => {
    await expect(t.db.query('SELECT 1/0')).rejects.toMatchObject({ code: '22012' });
  });

  it('rolls a failed transaction back, and nested transactions back to their savepoint', async () => {
    await t.db.exec('CREATE TABLE tx_probe (v int)');
    await expect(
      t.db.transaction(async (tx) => {
        await tx.query('INSERT INTO tx_probe VALUES (1)');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await t.db.transaction(async (tx) => {
      await tx.query('INSERT INTO tx_probe VALUES (2)');
      await tx
        .transaction(async (inner) => {
          await inner.query('INSERT INTO tx_probe VALUES (3)');
          await inner.query('SELECT 1/0');
        })
        .catch(() => {});
    });
    const { rows } = await t.db.query<{ v: number }>('SELECT v FROM tx_probe ORDER BY v');
    expect(rows.map((r) => r.v)).toEqual([2]);
  });

  it('migrates existing host tables without touching host columns, and is idempotent', async () => {
    await t.db.exec(`
      CREATE TABLE post_development (id serial PRIMARY KEY, post_id bigint NOT NULL, title text, section_headings text);
      CREATE TABLE post_section (id serial PRIMARY KEY, post_id bigint NOT NULL, section_order int NOT NULL,
        section_heading text NOT NULL, draft_body text);
      INSERT INTO post_development (post_id, title, section_headings) VALUES (5, 'kept', NULL);
      INSERT INTO post_section (post_id, section_order, section_heading, draft_body)
        VALUES (5, 3, 'B', 'body of B'), (5, 1, 'A', 'body of A'), (5, 3, 'C', 'body of C');`);
    expect(await currentMigrationVersion(t.db)).toBe(0);
    const first = await migrate(t.db);
    expect(first.applied.length).toBeGreaterThan(0);
    expect(await currentMigrationVersion(t.db)).toBe(await expectedMigrationVersion());
    const again = await migrate(t.db);
    expect(again.applied).toEqual([]);

    const { rows } = await t.db.query<{
      section_heading: string;
      section_order: number;
      draft_body: string;
    }>(
      'SELECT section_heading, section_order, draft_body FROM post_section ORDER BY section_order',
    );
    expect(rows.map((r) => [r.section_order, r.section_heading, r.draft_body])).toEqual([
      [1, 'A', 'body of A'],
      [2, 'B', 'body of B'],
      [3, 'C', 'body of C'],
    ]);
    const dev = await t.db.query<{ title: string; section_sync_version: number }>(
      'SELECT title, section_sync_version FROM post_development WHERE post_id = 5',
    );
    expect(dev.rows).toEqual([{ title: 'kept', section_sync_version: expect.any(String) }]);
  });
});

describe.each(backends)('tables in another schema on $name', (backend) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await backend.open({ migrate: false });
  });
  afterAll(() => t?.close());

  it('installs for the schema given and syncs there', async () => {
    await t.db.exec('CREATE SCHEMA blog');
    await migrate(t.db, { schema: 'blog' });
    await t.db.query(
      `INSERT INTO blog.post_development (post_id, section_headings) VALUES (1, '1. A\n2. B')`,
    );
    const { rows } = await t.db.query<{ section_heading: string }>(
      'SELECT section_heading FROM blog.post_section WHERE post_id = 1 ORDER BY section_order',
    );
    expect(rows.map((r) => r.section_heading)).toEqual(['A', 'B']);
    const { rows: publicTables } = await t.db.query(
      `SELECT 1 FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'post_section'`,
    );
    expect(publicTables).toEqual([]);
  });
});

describe('migration options', () => {
  it('refuses a schema name that is not a plain identifier', () => {
    expect(() => quoteSchema('public; DROP TABLE x')).toThrow(/Invalid schema name/);
    expect(quoteSchema('blog_2')).toBe('"blog_2"');
  });
});

describe('unavailable database', () => {
  it('treats a statement cancelled by statement_timeout or lock_timeout as unavailable, not as a bug', () => {
    // Both roll the transaction back whole; the API used to answer them 500.
    for (const code of ['57014', '55P03']) {
      const error = Object.assign(new Error('canceling statement due to statement timeout'), {
        code,
      });
      expect(translateDatabaseError(error)).toBeInstanceOf(DatabaseUnavailableError);
    }
    const bug = Object.assign(new Error('division by zero'), { code: '22012' });
    expect(translateDatabaseError(bug)).toBe(bug);
  });

  it('turns a refused connection into DatabaseUnavailableError', async () => {
    const pg = (await import('pg')).default;
    const pool = new pg.Pool({
      connectionString: 'postgres://root@127.0.0.1:1/none',
      connectionTimeoutMillis: 2000,
    });
    try {
      await expect(fromPg(pool).query('SELECT 1')).rejects.toBeInstanceOf(DatabaseUnavailableError);
      await expect(fromPg(pool).transaction(async () => 1)).rejects.toBeInstanceOf(
        DatabaseUnavailableError,
      );
    } finally {
      await pool.end();
    }
  });
});

describe.skipIf(!postgresUrl)('a pooled connection killed while lent (PostgreSQL)', () => {
  let t: Awaited<ReturnType<typeof openPostgres>>;
  beforeAll(async () => {
    t = await openPostgres({ migrate: false });
  });
  afterAll(() => t?.close());

  // pg emits 'error' on a client whose connection dies; the pool only listens while the client
  // is idle, so a lent one used to crash the process with an unhandled 'error' event.
  it('fails the transaction with DatabaseUnavailableError and raises nothing unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUncaught = (error: unknown) => unhandled.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      const db = fromPg(t.pool);
      const killer = new pg.Client({ connectionString: t.connectionString });
      await killer.connect();
      try {
        await expect(
          db.transaction(async (tx) => {
            const { rows } = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
            await killer.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
            await new Promise((resolve) => setTimeout(resolve, 200)); // the FATAL arrives, idle
            await tx.query('SELECT 1');
          }),
        ).rejects.toBeInstanceOf(DatabaseUnavailableError);
      } finally {
        await killer.end();
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(unhandled).toEqual([]);
      expect((await db.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });

  // The same event outside any call of ours: a server restart breaks a connection at a moment
  // when neither pg-pool nor a query listens (seen as a crash of the restart fault test).
  it('raises nothing unhandled when a connection of the pool breaks while nobody listens', async () => {
    const unhandled: unknown[] = [];
    const onUncaught = (error: unknown) => unhandled.push(error);
    process.on('uncaughtException', onUncaught);
    const pool = new pg.Pool({ connectionString: t.connectionString, max: 2 });
    try {
      const db = fromPg(pool);
      await db.query('SELECT 1');
      const client = await pool.connect(); // lent to nobody that listens
      const ended = new Promise((resolve) => client.once('end', resolve));
      await db.query('SELECT pg_terminate_backend($1)', [
        (client as unknown as { processID: number }).processID,
      ]);
      // Without a listener pg throws from its socket handler before it emits 'end'.
      await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 2000))]);
      client.release(true);
      expect(unhandled).toEqual([]);
      expect((await db.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      process.off('uncaughtException', onUncaught);
      await pool.end();
    }
  });
});
