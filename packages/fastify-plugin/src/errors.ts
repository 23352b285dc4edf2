// The named import: the default one makes the emitted types name `createError.FastifyErrorConstructor`,
// a namespace a consumer with moduleResolution bundler cannot see.
import { createError } from '@fastify/error';

// Every error code the plugin itself answers, in one table. @fastify/error upper-cases `code`
// (`INVALID_REQUEST`); the wire body carries it in lower case (`invalid_request`), like the domain
// codes thrown by the store (post_not_found, version_conflict, the SectionFormatError codes...),
// whose statuses are in DOMAIN_ERROR_STATUS below.

/** 400: the request does not match the route's schema (`details`: the validation errors). */
export const InvalidRequestError = createError('invalid_request', '%s', 400);

/** 400: the body is not valid JSON (or tries prototype poisoning). */
export const InvalidJsonBodyError = createError(
  'invalid_json_body',
  'The request body is not valid JSON',
  400,
);

/** 400: the route needs a JSON body and none came. */
export const MissingBodyError = createError(
  'missing_body',
  'This route needs a JSON body (Content-Type: application/json)',
  400,
);

/** 400: `If-Match` is not one version as an entity tag (`"7"`, `W/"7"` or `7`). */
export const InvalidIfMatchError = createError(
  'invalid_if_match',
  'If-Match must be one version as an entity tag, e.g. "7"',
  400,
);

/** 400: the section ids of a reorder are not a permutation of the post's section ids. */
export const InvalidReorderError = createError('invalid_reorder', '%s', 400);

/** 400: a bulk sync names neither `postIds` nor `all: true`, or both, or too many posts. */
export const InvalidBulkTargetError = createError('invalid_bulk_target', '%s', 400);

/** 404: no route at this method and path under the plugin's prefix. */
export const RouteNotFoundError = createError('not_found', 'Route %s %s not found', 404);

/** 413: the body is larger than the `bodyLimit` option. */
export const BodyTooLargeError = createError(
  'body_too_large',
  'The request body is larger than %s bytes',
  413,
);

/** 415: only `application/json` bodies are accepted. */
export const UnsupportedMediaTypeError = createError(
  'unsupported_media_type',
  'Unsupported media type %s: send application/json',
  415,
);

/** 503: the database cannot be reached; the answer carries `Retry-After`. */
export const DatabaseUnavailableHttpError = createError(
  'database_unavailable',
  'The database is unavailable, try again shortly',
  503,
);

/** 500: a bug. The body never carries the real error; the log does. */
export const InternalError = createError(
  'internal_error',
  'Internal server error: the error was logged',
  500,
);

/** The plugin's own error classes, to tell them from other errors in the error handler. */
export const HTTP_ERRORS = [
  InvalidRequestError,
  InvalidJsonBodyError,
  MissingBodyError,
  InvalidIfMatchError,
  InvalidReorderError,
  InvalidBulkTargetError,
  RouteNotFoundError,
  BodyTooLargeError,
  UnsupportedMediaTypeError,
  DatabaseUnavailableHttpError,
  InternalError,
] as const;

/** Statuses of the domain error codes the store throws (see @section-sync/core errors). */
export const DOMAIN_ERROR_STATUS: Readonly<Record<string, number>> = Object.freeze({
  post_not_found: 404,
  section_not_found: 404,
  log_entry_not_found: 404,
  log_entry_pruned: 404,
  version_conflict: 409,
  rollback_conflict: 409,
  // Database errors input can cause, by meaning (see @section-sync/postgres toStoreError).
  invalid_value: 422,
  constraint_conflict: 409,
  database_busy: 503,
  database_unavailable: 503,
});
