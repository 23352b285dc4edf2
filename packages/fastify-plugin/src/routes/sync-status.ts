import {
  PostParams,
  SyncStatusListResponse,
  SyncStatusQuery,
  SyncStatusResponse,
} from '@section-sync/core';
import { entityTag } from '../etag.js';
import type { RouteOptions } from '../options.js';
import { errorResponses, type Scope } from './scope.js';

/** Consistency of one post, and of all posts page by page. */
export function syncStatusRoutes(scope: Scope, { store }: RouteOptions): void {
  scope.get(
    '/posts/:postId/sync-status',
    {
      schema: {
        tags: ['status'],
        operationId: 'getSyncStatus',
        summary: 'Whether the master and the sections of a post agree',
        description:
          '`OK`, `No master data`, `No sections`, `Count mismatch`, `Content mismatch` or `Invalid master`, with the differences position by position.',
        params: PostParams,
        response: { 200: SyncStatusResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const status = await store.checkPost(request.params.postId);
      reply.header('etag', entityTag(status.version));
      return status;
    },
  );

  scope.get(
    '/sync-status',
    {
      schema: {
        tags: ['status'],
        operationId: 'listSyncStatus',
        summary: 'Consistency of every post, paginated',
        description:
          'Ordered by post id. Filter by `status` or `inconsistent=true`; pass `nextCursor` back as `cursor` for the next page (null: last page).',
        querystring: SyncStatusQuery,
        response: { 200: SyncStatusListResponse, ...errorResponses },
      },
    },
    async (request) => store.listSyncStatus(request.query),
  );
}
