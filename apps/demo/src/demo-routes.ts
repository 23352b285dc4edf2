import { detectFormat, ErrorResponse, type MasterFormat } from '@section-sync/core';
import { DEFAULT_BODY_LIMIT, toErrorAnswer } from '@section-sync/fastify';
import type { Db } from '@section-sync/postgres';
import type { FastifyInstance } from 'fastify';
import { SAMPLE_POSTS } from './seed/index.js';

const TITLES = new Map(SAMPLE_POSTS.map((p) => [p.postId, p.title]));

/** A post in the page's list. */
export interface DemoPostSummary {
  postId: number;
  title: string;
  format: MasterFormat;
  sectionCount: number;
}

const PostSummary = {
  type: 'object',
  required: ['postId', 'title', 'format', 'sectionCount'],
  properties: {
    postId: { type: 'integer' },
    title: { type: 'string' },
    format: { type: 'string' },
    sectionCount: { type: 'integer' },
  },
} as const;

/**
 * `GET /api/demo/posts`: the post list of the page. It is the host's own route (section-sync has
 * no "list posts" in its API: posts belong to the host), so it lives in the demo, behind the same
 * auth hook as the API. Its errors take the API's error body and statuses (the plugin's own
 * mapping: 400 for a bad query, 503 when the database is away), and its schema declares them.
 */
export async function demoRoutes(app: FastifyInstance, options: { db: Db }): Promise<void> {
  app.setErrorHandler((error, request, reply) => {
    const answer = toErrorAnswer(error, DEFAULT_BODY_LIMIT);
    if (answer.statusCode >= 500)
      request.log.error({ err: error }, `demo route failed: ${answer.body.code}`);
    else request.log.warn({ code: answer.body.code }, `demo route refused: ${answer.body.code}`);
    if (answer.headers) reply.headers(answer.headers);
    return reply.code(answer.statusCode).send(answer.body);
  });
  app.get(
    '/api/demo/posts',
    {
      schema: {
        summary: 'The posts of the demo page, with their master format',
        tags: ['demo'],
        querystring: {
          type: 'object',
          properties: { limit: { type: 'integer', minimum: 1, maximum: 500, default: 200 } },
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            required: ['posts'],
            properties: { posts: { type: 'array', items: PostSummary } },
          },
          // 400 bad limit, 401 without the token (SECTION_SYNC_TOKEN), 503 database away.
          '4xx': ErrorResponse,
          '5xx': ErrorResponse,
        },
      },
    },
    async (request) => {
      const { limit = 200 } = request.query as { limit?: number };
      const { rows } = await options.db.query<{
        post_id: number;
        section_headings: string | null;
        section_count: number;
      }>(
        `SELECT d.post_id, d.section_headings,
                (SELECT count(*) FROM post_section s WHERE s.post_id = d.post_id)::int AS section_count
         FROM post_development d ORDER BY d.post_id LIMIT $1`,
        [limit],
      );
      const posts: DemoPostSummary[] = rows.map((row) => ({
        postId: row.post_id,
        title: TITLES.get(row.post_id) ?? `Post ${row.post_id}`,
        format: detectFormat(row.section_headings),
        sectionCount: row.section_count,
      }));
      return { posts };
    },
  );
}
