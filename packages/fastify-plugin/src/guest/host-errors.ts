import { SectionSyncError } from '@section-sync/core';
import { isUnavailableError } from '@section-sync/postgres';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HTTP_ERRORS } from '../errors.js';

// Requests whose route handler (one of the plugin's) has started: an error without a status
// after that point is the plugin's bug; before it, it came from one of the host's hooks.
const reachedHandler = new WeakSet<FastifyRequest>();

/**
 * Answers with the id the request's log lines carry (`request.id`: the caller's X-Request-Id
 * when the host sets Fastify's `requestIdHeader` to it), so a client's error names what to
 * look for in the logs.
 */
export function echoRequestId(request: FastifyRequest, reply: FastifyReply): void {
  if (!reply.hasHeader('x-request-id')) reply.header('x-request-id', request.id);
}

/**
 * Notes, for every route of `scope`, when its handler starts, so the error handler can tell
 * the plugin's failures from those of the host's hooks (auth, rate limits) that ran before;
 * and echoes the request id (no hook of its own: this is on every request's path).
 *
 * @example
 * markHandlerStart(scope); // before the routes are added
 */
export function markHandlerStart(scope: FastifyInstance): void {
  scope.addHook('onRoute', (route) => {
    const handler = route.handler;
    route.handler = function handlerOfSectionSync(this: FastifyInstance, request, reply) {
      reachedHandler.add(request);
      echoRequestId(request, reply);
      return handler.call(this, request, reply);
    };
  });
}

/** The plugin's own codes, the store's domain errors, and Fastify's request errors. */
function isPluginOwn(error: unknown): boolean {
  if (HTTP_ERRORS.some((ErrorClass) => error instanceof ErrorClass)) return true;
  if (error instanceof SectionSyncError || isUnavailableError(error)) return true;
  if (typeof error !== 'object' || error === null) return false;
  // Validation, content type and body errors: the route scope's own parser and validator.
  const { code, validation } = error as { code?: unknown; validation?: unknown };
  return validation !== undefined || (typeof code === 'string' && code.startsWith('FST_'));
}

function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { statusCode, status } = error as { statusCode?: unknown; status?: unknown };
  const value = typeof statusCode === 'number' ? statusCode : status;
  return typeof value === 'number' && value >= 400 && value < 600 ? value : undefined;
}

/**
 * Whether an error reaching the plugin's error handler belongs to the host: one with an HTTP
 * status of its own (`httpErrors.unauthorized()` of @fastify/sensible, @fastify/rate-limit's
 * 429, an `@fastify/error` of the host's), or any error thrown before the plugin's handler ran
 * (a host hook). Those go on to the host's error handler (or Fastify's), with their own status
 * and body; the plugin maps only what its routes raised.
 *
 * @example
 * if (isHostError(error, request)) throw error; // the parent error handler answers it
 */
export function isHostError(error: unknown, request: FastifyRequest): boolean {
  if (isPluginOwn(error)) return false;
  return httpStatusOf(error) !== undefined || !reachedHandler.has(request);
}
