import type { Db } from '@section-sync/postgres';
import type { TestBackend, TestDatabase } from '@section-sync/testing';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import sectionSync, { type SectionSyncOptions } from '../src/index.js';

export const PREFIX = '/api/workflow';

/** A Fastify app with the plugin on a fresh database of `backend`. */
export interface TestApp {
  app: FastifyInstance;
  t: TestDatabase;
  db: Db;
  close(): Promise<void>;
}

export async function openApp(
  backend: TestBackend,
  options: Partial<SectionSyncOptions> = {},
  server: FastifyServerOptions = {},
): Promise<TestApp> {
  const t = await backend.open();
  const app = Fastify({ logger: false, ...server });
  await app.register(sectionSync, { db: t.db, ...options });
  await app.ready();
  return {
    app,
    t,
    db: t.db,
    close: async () => {
      await app.close();
      await t.close();
    },
  };
}

/** Creates the `post_development` row of a post, then writes its master through the API. */
export async function seedPost(
  app: FastifyInstance,
  db: Db,
  postId: number,
  master: string | null,
): Promise<void> {
  await db.query('INSERT INTO post_development (post_id) VALUES ($1)', [postId]);
  if (master === null) return;
  const response = await app.inject({
    method: 'PUT',
    url: `${PREFIX}/posts/${postId}/section-headings`,
    payload: { sectionHeadings: master },
  });
  if (response.statusCode !== 200) {
    throw new Error(`seeding post ${postId} failed: ${response.statusCode} ${response.body}`);
  }
}

/** Ids of a post's sections in order. */
export async function sectionIds(db: Db, postId: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    'SELECT id FROM post_section WHERE post_id = $1 ORDER BY section_order',
    [postId],
  );
  return rows.map((r) => r.id);
}

/** Everything a request could change about a post: master, version, rows, log entries. */
export async function snapshot(db: Db, postId: number): Promise<unknown> {
  const post = await db.query(
    'SELECT section_headings, section_sync_version FROM post_development WHERE post_id = $1',
    [postId],
  );
  const sections = await db.query(
    `SELECT id, section_order, section_heading, section_description, status, updated_at
     FROM post_section WHERE post_id = $1 ORDER BY id`,
    [postId],
  );
  const log = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM section_sync.log WHERE post_id = $1',
    [postId],
  );
  return { post: post.rows, sections: sections.rows, logEntries: log.rows[0]?.n };
}

/** The post's version as the API reports it. */
export async function versionOf(app: FastifyInstance, postId: number): Promise<number> {
  const response = await app.inject({ method: 'GET', url: `${PREFIX}/posts/${postId}/sections` });
  return response.json<{ version: number }>().version;
}

/** A canonical master of `headings` without ids. */
export function masterOf(...headings: string[]): string {
  return JSON.stringify(
    headings.map((heading, i) => ({ order: i + 1, heading, description: '', status: 'draft' })),
  );
}
