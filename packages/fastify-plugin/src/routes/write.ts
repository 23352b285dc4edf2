import type { IncomingHttpHeaders } from 'node:http';
import type { WriteOptions, WriteOutcome } from '@section-sync/core/postgres';
import type { FastifyBaseLogger } from 'fastify';
import { entityTag, parseIfMatch } from '../etag.js';

interface WriteRequest {
  headers: IncomingHttpHeaders;
  log: FastifyBaseLogger;
  body: unknown;
}

interface WriteReply {
  header(name: string, value: string): unknown;
}

/**
 * Runs one write of a route: reads `If-Match` and `dryRun`, calls the store, sets the `ETag` of
 * the new version and logs one line (post, changes, duration).
 */
export async function write<T extends WriteOutcome>(
  request: WriteRequest,
  reply: WriteReply,
  postId: number,
  run: (options: WriteOptions) => Promise<T>,
): Promise<T> {
  const expectedVersion = parseIfMatch(request.headers['if-match']);
  const dryRun = (request.body as { dryRun?: boolean } | undefined)?.dryRun === true;
  const started = performance.now();
  const outcome = await run({
    origin: 'api',
    dryRun,
    ...(expectedVersion === undefined ? {} : { expectedVersion }),
  });
  reply.header('etag', entityTag(outcome.version));
  request.log.info(
    {
      postId,
      version: outcome.version,
      dryRun: outcome.dryRun,
      changes: outcome.changes,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
    },
    'section-sync write',
  );
  return outcome;
}
