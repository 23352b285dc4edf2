import type { ErrorResponse } from '@section-sync/core';
import {
  InvalidOperationError,
  SectionFormatError,
  SectionSyncError,
  VersionConflictError,
} from '@section-sync/core';
import { isUnavailableError } from '@section-sync/postgres';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  BodyTooLargeError,
  DatabaseUnavailableHttpError,
  DOMAIN_ERROR_STATUS,
  HTTP_ERRORS,
  InternalError,
  InvalidJsonBodyError,
  MissingBodyError,
  RouteNotFoundError,
  UnsupportedMediaTypeError,
} from './errors.js';
import { echoRequestId, isHostError } from './guest/host-errors.js';
import type { SyncMetrics } from './observability/metrics.js';

/** Seconds a client should wait before retrying after a 503. */
const RETRY_AFTER_SECONDS = 1;

/** What the error handler sends: status, the error body, and extra headers. */
export interface ErrorAnswer {
  statusCode: number;
  body: ErrorResponse;
  headers?: Record<string, string>;
}

interface ValidationIssue {
  instancePath?: string;
  message?: string;
}

function answer(statusCode: number, code: string, message: string, details?: unknown): ErrorAnswer {
  const body: ErrorResponse = { status: 'error', code, message };
  if (details !== undefined) body.details = details;
  return { statusCode, body };
}

function isPluginError(error: unknown): error is FastifyError {
  return HTTP_ERRORS.some((ErrorClass) => error instanceof ErrorClass);
}

// Fastify's own request errors (content type, body, validation) become our codes.
function fromFastifyError(error: FastifyError, bodyLimit: number): ErrorAnswer | undefined {
  if (error.validation) {
    const location = error.validationContext ?? 'request';
    const details = (error.validation as ValidationIssue[]).map((issue) => ({
      location,
      path: issue.instancePath ?? '',
      message: issue.message ?? 'is invalid',
    }));
    return answer(400, 'invalid_request', error.message, details);
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return fromPluginError(new UnsupportedMediaTypeError('in Content-Type'));
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return fromPluginError(new BodyTooLargeError(bodyLimit));
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return fromPluginError(new InvalidJsonBodyError());
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return fromPluginError(new MissingBodyError());
  }
  // Any other request error Fastify raises with a 4xx (bad content length, bad URL...): its
  // message is written for clients, so it may go out.
  const status = error.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return answer(status, 'invalid_request', error.message);
  }
  return undefined;
}

function fromPluginError(error: FastifyError): ErrorAnswer {
  return answer(error.statusCode ?? 500, error.code.toLowerCase(), error.message);
}

function fromDomainError(error: SectionSyncError): ErrorAnswer | undefined {
  if (error instanceof SectionFormatError) {
    return answer(422, error.code, `Sync failed: ${error.message}`, {
      code: error.code,
      ...error.position,
    });
  }
  if (error instanceof VersionConflictError) {
    return answer(409, error.code, error.message, {
      expected: error.expected,
      actual: error.actual,
    });
  }
  if (error instanceof InvalidOperationError) {
    // 400 unless the code says the request is fine but the post's state refuses it (409).
    return answer(DOMAIN_ERROR_STATUS[error.code] ?? 400, error.code, error.message, error.details);
  }
  const status = DOMAIN_ERROR_STATUS[error.code];
  if (status === undefined) return undefined;
  return answer(status, error.code, error.message, error.details);
}

/**
 * Maps any error a route can meet to the wire error body: Fastify's request errors, the plugin's
 * own codes, the store's domain errors, an unreachable database (503). Anything else is a bug:
 * 500 with a generic message (the error handler logs the real error).
 *
 * @example
 * const { statusCode, body } = toErrorAnswer(new PostNotFoundError(7), 1_048_576);
 * // 404, { status: 'error', code: 'post_not_found', message: 'Post 7 does not exist' }
 */
export function toErrorAnswer(error: unknown, bodyLimit: number): ErrorAnswer {
  if (isPluginError(error)) return fromPluginError(error);
  if (error instanceof SectionSyncError && !isUnavailableError(error)) {
    const mapped = fromDomainError(error);
    // A 503 (database_busy) is worth another try: say when.
    if (mapped?.statusCode === 503) {
      return { ...mapped, headers: { 'retry-after': String(RETRY_AFTER_SECONDS) } };
    }
    if (mapped) return mapped;
  }
  if (isUnavailableError(error)) {
    return {
      ...fromPluginError(new DatabaseUnavailableHttpError()),
      headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
    };
  }
  if (error instanceof Error && 'code' in error) {
    const mapped = fromFastifyError(error as FastifyError, bodyLimit);
    if (mapped) return mapped;
  }
  return fromPluginError(new InternalError());
}

/**
 * The one log line of a failed request: its code and status, at warn for a 4xx (the caller's
 * problem) and error for a 5xx (ours), with the error itself for a 5xx only.
 */
function logFailure(request: FastifyRequest, error: unknown, answer: ErrorAnswer): void {
  const { statusCode, body } = answer;
  const postId = (request.params as { postId?: unknown } | undefined)?.postId;
  const fields = {
    code: body.code,
    statusCode,
    ...(postId === undefined ? {} : { postId }),
    ...(statusCode >= 500 ? { err: error } : {}),
  };
  if (statusCode >= 500) request.log.error(fields, `section-sync failed: ${body.code}`);
  else request.log.warn(fields, `section-sync refused: ${body.code}`);
}

/**
 * Installs the error handler and the not-found handler of the route scope, so every failure of
 * the plugin's routes answers `{status:'error', code, message, details?}`. Errors of the host's
 * own (its hooks' 401/403/429) are passed on, untouched, to the host's error handler.
 */
export function installErrorHandlers(
  scope: FastifyInstance,
  bodyLimit: number,
  metrics: SyncMetrics | undefined,
): void {
  scope.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    // Thrown from an error handler, it goes to the parent's: the host's, or Fastify's default.
    if (isHostError(error, request)) throw error;
    echoRequestId(request, reply);
    const answer = toErrorAnswer(error, bodyLimit);
    logFailure(request, error, answer);
    metrics?.countError(answer.body.code);
    if (answer.headers) reply.headers(answer.headers);
    return reply.code(answer.statusCode).send(answer.body);
  });
  scope.setNotFoundHandler((request, reply) => {
    echoRequestId(request, reply);
    const answer = fromPluginError(
      new RouteNotFoundError(request.method, request.url.split('?')[0]),
    );
    logFailure(request, undefined, answer);
    metrics?.countError(answer.body.code);
    return reply.code(answer.statusCode).send(answer.body);
  });
}
