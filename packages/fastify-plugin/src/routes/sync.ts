import {
  BulkSyncRequest,
  BulkSyncResponse,
  PostParams,
  SyncRequest,
  SyncResponse,
  WriteHeaders,
} from '@section-sync/core';
import { InvalidBulkTargetError } from '../errors.js';
import type { RouteOptions } from '../options.js';
import { defaultBody, requireBody } from './body.js';
import { errorResponses, type Scope } from './scope.js';

/** The answer the original design documents for a successful sync, kept word for word. */
export const SYNC_MESSAGE = 'Sections synchronized successfully';

/** `POST /posts/:postId/sync-sections` and the bulk `POST /sync-sections`. */
export function syncRoutes(scope: Scope, { store, maxBulkPosts, write }: RouteOptions): void {
  scope.post(
    '/posts/:postId/sync-sections',
    {
      schema: {
        tags: ['sync'],
        operationId: 'syncPost',
        summary: "Sync a post's master and its sections",
        description:
          '`to_sections`: master -> sections; `to_development`: sections -> master; `both` (default): master -> sections when the master is not empty, then sections -> master. Sections keep their ids and content. The body is optional.',
        params: PostParams,
        headers: WriteHeaders,
        body: SyncRequest,
        response: { 200: SyncResponse, ...errorResponses },
      },
      preValidation: defaultBody,
    },
    async (request, reply) => {
      const { postId } = request.params;
      const direction = request.body.direction ?? 'both';
      const outcome = await write(request, reply, { postId, direction }, (options) =>
        store.sync(postId, direction, options),
      );
      return { status: 'success' as const, ...outcome, direction, message: SYNC_MESSAGE };
    },
  );

  scope.post(
    '/sync-sections',
    {
      schema: {
        tags: ['sync'],
        operationId: 'syncPosts',
        summary: 'Sync many posts',
        description:
          'Give `postIds` or `all: true`. Posts are synced in batches of `batchSize`, each post in its own transaction; one failing post does not stop the others (see `results`).',
        body: BulkSyncRequest,
        response: { 200: BulkSyncResponse, ...errorResponses },
      },
      preValidation: requireBody,
    },
    async (request) => {
      const { postIds, all, direction = 'both', batchSize, dryRun = false } = request.body;
      if ((postIds === undefined) === (all !== true)) {
        throw new InvalidBulkTargetError('Give either postIds or all: true');
      }
      if (postIds && postIds.length > maxBulkPosts) {
        throw new InvalidBulkTargetError(
          `At most ${maxBulkPosts} post ids per request (got ${postIds.length}); use all: true or several requests`,
        );
      }
      const started = performance.now();
      const outcome = await store.bulkSync({
        ...(postIds ? { postIds } : {}),
        ...(batchSize ? { batchSize } : {}),
        direction,
        dryRun,
        origin: 'api',
      });
      request.log.info(
        {
          total: outcome.total,
          succeeded: outcome.succeeded,
          failed: outcome.failed,
          dryRun,
          durationMs: Math.round(performance.now() - started),
        },
        'section-sync bulk sync',
      );
      return { status: 'success' as const, ...outcome };
    },
  );
}
