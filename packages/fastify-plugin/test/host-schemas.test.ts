import { type Db, fromPg, migrate } from '@section-sync/postgres';
import { backends, reportSkippedPostgres, type TestDatabase } from '@section-sync/testing';
import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sectionSync from '../src/index.js';
import { PREFIX } from './helpers.js';

// Hosts made their tables before section-sync came: integer or bigint ids, a nullable heading,
// no updated_at or one that allows NULL, timestamps without time zone, columns of their own.
// `migrate` adds only what is missing; the API must read every one of them right.

reportSkippedPostgres('host schema matrix');

// Far from UTC and not a whole hour: a timestamp read in the wrong zone is visibly off.
const HOST_TIME_ZONE = 'Asia/Kolkata';

interface HostSchema {
  name: string;
  /** The host's tables, and a few rows written before section-sync was installed. */
  ddl: string;
}

const HOST_SCHEMAS: HostSchema[] = [
  {
    name: 'integer ids (serial), nullable heading, no description/status/updated_at',
    ddl: `
      CREATE TABLE post_development (post_id integer PRIMARY KEY, title text NOT NULL,
                                     section_headings text);
      CREATE TABLE post_section (id serial PRIMARY KEY, post_id integer NOT NULL,
                                 section_order integer NOT NULL, section_heading text,
                                 body text);
      INSERT INTO post_development VALUES (1, 'Hello', NULL);
      INSERT INTO post_development VALUES (2, 'Legacy', '["Intro","Body"]');
      INSERT INTO post_section (post_id, section_order, section_heading, body)
        VALUES (2, 1, 'Intro', 'drafted intro'), (2, 2, NULL, 'drafted body');`,
  },
  {
    name: 'bigint identity ids, updated_at timestamp without time zone, NULL allowed',
    ddl: `
      CREATE TABLE post_development (post_id bigint PRIMARY KEY, section_headings text);
      CREATE TABLE post_section (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                                 post_id bigint NOT NULL, section_order int NOT NULL,
                                 section_heading text NOT NULL, section_description text,
                                 status text, updated_at timestamp without time zone,
                                 body text);
      INSERT INTO post_development VALUES (1, NULL), (2, '["Intro","Body"]');
      INSERT INTO post_section (post_id, section_order, section_heading, updated_at, body)
        VALUES (2, 1, 'Intro', NULL, 'drafted intro'), (2, 2, 'Body', NULL, 'drafted body');`,
  },
  {
    name: 'integer post ids with bigint section ids, updated_at timestamptz without default',
    ddl: `
      CREATE TABLE post_development (post_id integer PRIMARY KEY, section_headings text);
      CREATE TABLE post_section (id bigserial PRIMARY KEY, post_id integer NOT NULL,
                                 section_order smallint NOT NULL, section_heading text NOT NULL,
                                 section_description text NOT NULL DEFAULT '',
                                 status varchar(20) NOT NULL DEFAULT 'draft',
                                 updated_at timestamptz, body text);
      INSERT INTO post_development VALUES (1, NULL), (2, '["Intro","Body"]');
      INSERT INTO post_section (post_id, section_order, section_heading, body)
        VALUES (2, 1, 'Intro', 'drafted intro'), (2, 2, 'Body', 'drafted body');`,
  },
  {
    name: 'only post_development(post_id): migrate creates the rest',
    ddl: `
      CREATE TABLE post_development (post_id bigint PRIMARY KEY);
      INSERT INTO post_development VALUES (1), (2);`,
  },
];

/** A Db on `t` whose sessions run in HOST_TIME_ZONE, as the host's own connections do. */
async function inHostTimeZone(t: TestDatabase): Promise<{ db: Db; end(): Promise<void> }> {
  if (t.connectionString) {
    const pool = new pg.Pool({
      connectionString: t.connectionString,
      options: `-c TimeZone=${HOST_TIME_ZONE}`,
    });
    return { db: fromPg(pool), end: () => pool.end() };
  }
  await t.db.query(`SET TIME ZONE '${HOST_TIME_ZONE}'`);
  return { db: t.db, end: async () => {} };
}

interface WireSection {
  id: number;
  order: number;
  heading: string;
  updatedAt: string | null;
}

describe.each(backends)('host schemas on $name', (backend) => {
  describe.each(HOST_SCHEMAS)('$name', ({ ddl }) => {
    let t: TestDatabase;
    let db: Db;
    let end: () => Promise<void>;
    let app: FastifyInstance;
    let columnsBefore: unknown[];

    const columns = async () =>
      (
        await db.query(
          `SELECT table_name, column_name, data_type, is_nullable, column_default
           FROM information_schema.columns
           WHERE table_schema = current_schema()
             AND table_name IN ('post_development', 'post_section')
           ORDER BY table_name, column_name`,
        )
      ).rows;

    beforeAll(async () => {
      t = await backend.open({ migrate: false });
      ({ db, end } = await inHostTimeZone(t));
      for (const statement of ddl.split(';').filter((s) => s.trim())) await db.query(statement);
      columnsBefore = await columns();
      await migrate(db);
      app = Fastify();
      await app.register(sectionSync, { db });
    });
    afterAll(async () => {
      await app?.close();
      await end?.();
      await t?.close();
    });

    it('migrate adds only what is missing: every host column and row stays as it was', async () => {
      const after = await columns();
      for (const column of columnsBefore) expect(after).toContainEqual(column);
      const added = after.filter((c) => !columnsBefore.some((b) => equal(b, c)));
      const names = added.map((c) => (c as { column_name: string }).column_name);
      for (const name of names) {
        expect([
          'section_headings',
          'section_sync_version',
          'id',
          'post_id',
          'section_order',
          'section_heading',
          'section_description',
          'status',
          'updated_at',
        ]).toContain(name);
      }
      if (columnsBefore.some((c) => (c as { column_name: string }).column_name === 'body')) {
        const { rows } = await db.query(
          'SELECT body FROM post_section WHERE post_id = 2 ORDER BY section_order',
        );
        expect(rows).toEqual([{ body: 'drafted intro' }, { body: 'drafted body' }]);
      }
    });

    it('a section written through the API has its id, and its updatedAt in UTC without a shift', async () => {
      const put = await app.inject({
        method: 'PUT',
        url: `${PREFIX}/posts/1/section-headings`,
        payload: { sectionHeadings: '1. Intro\n2. Setup' },
      });
      expect(put.statusCode).toBe(200);
      const { sections } = put.json<{ sections: WireSection[] }>();
      const { rows } = await db.query<{ id: string | number; now: string }>(
        `SELECT id::text AS id, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS now
         FROM post_section WHERE post_id = 1 ORDER BY section_order`,
      );
      expect(sections.map((s) => String(s.id))).toEqual(rows.map((r) => r.id));
      const now = Date.parse(rows[0]!.now);
      for (const section of sections) {
        // Written with the database's now() in a +05:30 session: read back as the same instant.
        // (A new row of a host column without a default may have no time at all: null.)
        if (section.updatedAt === null) continue;
        expect(Math.abs(Date.parse(section.updatedAt) - now)).toBeLessThan(60_000);
        expect(section.updatedAt).toMatch(/Z$/);
      }
      // An edit sets the time, whatever the column's default.
      const patch = await app.inject({
        method: 'PATCH',
        url: `${PREFIX}/posts/1/sections/${sections[0]!.id}`,
        payload: { heading: 'Introduction' },
      });
      expect(patch.statusCode).toBe(200);
      const edited = patch.json<{ sections: WireSection[] }>().sections[0]!;
      expect(edited.updatedAt).not.toBeNull();
      expect(Math.abs(Date.parse(edited.updatedAt!) - now)).toBeLessThan(60_000);
    });

    it('a section without a time answers updatedAt null, never 1970', async () => {
      const response = await app.inject({ method: 'GET', url: `${PREFIX}/posts/2/sections` });
      expect(response.statusCode).toBe(200);
      for (const section of response.json<{ sections: WireSection[] }>().sections) {
        expect(section.updatedAt === null || !section.updatedAt.startsWith('1970')).toBe(true);
      }
      const { rows } = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM post_section WHERE post_id = 2 AND updated_at IS NULL`,
      );
      const nulls = response
        .json<{ sections: WireSection[] }>()
        .sections.filter((s) => s.updatedAt === null);
      expect(nulls).toHaveLength(rows[0]!.n);
    });

    it('a NULL heading is a mismatch, not in sync', async () => {
      const { rows } = await db.query<{ sections: number; nulls: number }>(
        `SELECT count(*)::int AS sections, count(*) FILTER (WHERE section_heading IS NULL)::int AS nulls
         FROM post_section WHERE post_id = 2`,
      );
      const { sections, nulls } = rows[0]!;
      const status = await app.inject({ method: 'GET', url: `${PREFIX}/posts/2/sync-status` });
      expect(status.statusCode).toBe(200);
      if (sections === 0) return; // post_section was created by migrate: no legacy rows
      // Post 2's master is ["Intro","Body"]; its rows are Intro and Body, or Intro and NULL.
      expect(status.json().status).toBe(nulls > 0 ? 'Content mismatch' : 'OK');
      const listed = await app.inject({
        method: 'GET',
        url: `${PREFIX}/sync-status?inconsistent=true`,
      });
      const inconsistent = listed.json().items.map((p: { postId: number }) => p.postId);
      expect(inconsistent.includes(2)).toBe(nulls > 0);
    });
  });
});

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
