import { ErrorResponse, PostParams } from '@section-sync/core';
import type { Db } from '@section-sync/postgres';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { ChangeHub } from './change-hub.js';
import { EventStream } from './event-stream.js';

export type { PostChange } from './change.js';
export { parseChange } from './change.js';
export { ChangeHub, type ChangeHubOptions } from './change-hub.js';
export { EventStream } from './event-stream.js';

export interface SectionSyncEventsOptions {
  /** The database to LISTEN on: a `Db` from `fromPg(pool)` or `fromPGlite(pglite)`. */
  db: Db;
  /** @default '/api/workflow' */
  prefix?: string;
  /** NOTIFY channel of migration 0005. @default 'section_sync' */
  channel?: string;
  /** Schema of the tables whose changes are announced. @default 'public' */
  schema?: string;
  /** Interval of the keep-alive comments. @default 15000 */
  heartbeatMs?: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The server's one LISTEN, fanned out to subscribers by post. */
    sectionSyncEvents: ChangeHub;
  }
}

const plugin: FastifyPluginAsync<SectionSyncEventsOptions> = async (fastify, options) => {
  const hub = new ChangeHub(options.db, {
    ...(options.channel ? { channel: options.channel } : {}),
    ...(options.schema ? { schema: options.schema } : {}),
  });
  const streams = new Set<EventStream>();
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  fastify.decorate('sectionSyncEvents', hub);

  fastify.get(
    `${options.prefix ?? '/api/workflow'}/posts/:postId/events`,
    {
      schema: {
        summary: 'Live changes of a post (Server-Sent Events)',
        description:
          'A `text/event-stream`: `ready` once listening, then one `change` event ' +
          '`{postId, logId, direction, origin}` per committed sync of the post, whoever wrote it ' +
          '(API, CLI, plain SQL through the triggers); `: heartbeat` comments keep it open.',
        tags: ['live'],
        params: PostParams,
        produces: ['text/event-stream'],
        response: {
          200: {
            description: 'An event stream',
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          },
          503: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const { postId } = request.params as PostParams;
      let unsubscribe: () => void;
      // Notifications arrive as I/O events, so none can come between subscribe and the stream.
      let stream: EventStream | undefined;
      try {
        unsubscribe = await hub.subscribe(postId, (change) => {
          stream?.send('change', change, String(change.logId));
        });
      } catch (error) {
        if ((error as Error).name !== 'DatabaseUnavailableError') throw error;
        request.log.warn({ err: error }, 'live updates unavailable');
        return reply.code(503).send({
          status: 'error',
          code: 'database_unavailable',
          message: 'Live updates are unavailable: the database cannot be reached',
        });
      }
      if (request.raw.destroyed) {
        unsubscribe();
        return reply;
      }
      reply.hijack();
      stream = new EventStream(reply.raw, { heartbeatMs });
      streams.add(stream);
      const opened = stream;
      opened.onClose(() => {
        unsubscribe();
        streams.delete(opened);
      });
      opened.send('ready', { postId });
      return reply;
    },
  );

  // Open streams would keep server.close() waiting forever: end them before it is called.
  fastify.addHook('preClose', async () => {
    for (const stream of [...streams]) stream.close();
  });
  fastify.addHook('onClose', async () => {
    await hub.close();
  });
};

/**
 * Server-Sent Events for live pages: `GET {prefix}/posts/:postId/events`, fed by one LISTEN on the
 * `section_sync` channel (migration 0005 NOTIFYs on every sync log entry, so writes made by plain
 * SQL are announced too). Streams end cleanly on client disconnect and on `app.close()`.
 *
 * @example
 * import { sectionSyncEvents } from '@section-sync/fastify/events';
 * await app.register(sectionSyncEvents, { db: fromPg(pool), prefix: '/api/workflow' });
 * // browser: new EventSource('/api/workflow/posts/22/events').addEventListener('change', refetch)
 */
export const sectionSyncEvents = fp(plugin, {
  fastify: '5.x',
  name: '@section-sync/fastify/events',
});

export default sectionSyncEvents;
