import {
  LogEntryParams,
  PostParams,
  RollbackRequest,
  RollbackResponse,
  SyncLogQuery,
  SyncLogResponse,
  WriteHeaders,
} from '@section-sync/core';
import type { RouteOptions } from '../options.js';
import { defaultBody } from './body.js';
import { errorResponses, type Scope } from './scope.js';

/** The sync log of a post and rollback to an entry's before-state. */
export function syncLogRoutes(scope: Scope, { store, write }: RouteOptions): void {
  scope.get(
    '/posts/:postId/sync-log',
    {
      schema: {
        tags: ['log'],
        operationId: 'getSyncLog',
        summary: 'Recent sync log entries of a post, newest first',
        description: 'Page with `before` (an entry id) and `limit`.',
        params: PostParams,
        querystring: SyncLogQuery,
        response: { 200: SyncLogResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { postId } = request.params;
      const entries = await store.getSyncLog(postId, request.query);
      return { postId, entries };
    },
  );

  scope.post(
    '/posts/:postId/sync-log/:entryId/rollback',
    {
      schema: {
        tags: ['log'],
        operationId: 'rollback',
        summary: "Restore a log entry's before-state",
        description:
          'Sections deleted since come back with their ids and content; the rollback is itself a logged sync. A pruned entry answers 404 `log_entry_pruned`. A rollback never takes a section from another post: when a section to bring back now belongs to another post, or one to delete was moved here from another post, it answers 409 `rollback_conflict` naming them (`details.sections`) and changes nothing. The body is optional.',
        params: LogEntryParams,
        headers: WriteHeaders,
        body: RollbackRequest,
        response: { 200: RollbackResponse, ...errorResponses },
      },
      preValidation: defaultBody,
    },
    async (request, reply) => {
      const { postId, entryId } = request.params;
      const outcome = await write(request, reply, { postId, direction: 'rollback' }, (options) =>
        store.rollback(postId, entryId, options),
      );
      return { status: 'success' as const, ...outcome };
    },
  );
}
