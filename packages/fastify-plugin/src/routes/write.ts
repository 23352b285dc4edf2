import type { IncomingHttpHeaders } from 'node:http';
import type { SyncDirection } from '@section-sync/core';
import type { WriteOptions, WriteOutcome } from '@section-sync/postgres';
import type { FastifyBaseLogger } from 'fastify';
import { entityTag, parseIfMatch } from '../etag.js';
import type { SyncMetrics } from '../observability/metrics.js';

interface WriteRequest {
  headers: IncomingHttpHeaders;
  log: FastifyBaseLogger;
  body: unknown;
  routeOptions: { url?: string; schema?: { operationId?: string } };
}

interface WriteReply {
  header(name: string, value: string): unknown;
}

/** Which way a write syncs: a master write syncs to the sections, a section edit to the master. */
export type WriteDirection = SyncDirection | 'rollback';

/**
 * Runs the writes of the routes: reads `If-Match` and `dryRun`, calls the store, sets the `ETag`
 * of the new version, logs one line per write (post, operation, direction, changes, duration)
 * and times it for the metrics. Failures are logged (with their code) by the error handler.
 */
export type Write = <T extends WriteOutcome>(
  request: WriteRequest,
  reply: WriteReply,
  target: { postId: number; direction: WriteDirection },
  run: (options: WriteOptions) => Promise<T>,
) => Promise<T>;

const seconds = (started: number) => (performance.now() - started) / 1000;

/**
 * The routes' `write`, reporting to `metrics` when the plugin has them.
 *
 * @example
 * const write = createWrite(metrics);
 * await write(request, reply, { postId, direction: 'both' }, (o) => store.sync(postId, 'both', o));
 */
export function createWrite(metrics: SyncMetrics | undefined): Write {
  return async (request, reply, { postId, direction }, run) => {
    const expectedVersion = parseIfMatch(request.headers['if-match']);
    const dryRun = (request.body as { dryRun?: boolean } | undefined)?.dryRun === true;
    const operation =
      request.routeOptions.schema?.operationId ?? request.routeOptions.url ?? 'write';
    const started = performance.now();
    const outcome = await run({
      origin: 'api',
      dryRun,
      ...(expectedVersion === undefined ? {} : { expectedVersion }),
    }).catch((error: unknown) => {
      metrics?.observeWrite(operation, 'error', seconds(started));
      throw error;
    });
    const elapsed = seconds(started);
    metrics?.observeWrite(operation, 'success', elapsed);
    reply.header('etag', entityTag(outcome.version));
    request.log.info(
      {
        postId,
        operation,
        direction,
        version: outcome.version,
        dryRun: outcome.dryRun,
        changes: outcome.changes,
        durationMs: Math.round(elapsed * 100_000) / 100,
      },
      'section-sync write',
    );
    return outcome;
  };
}
