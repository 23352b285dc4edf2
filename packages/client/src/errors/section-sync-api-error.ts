import type { ErrorResponse } from '@section-sync/core';
import { SectionSyncClientError } from './section-sync-client-error.js';

/** What an API error is built from: the answer's status, parsed body and headers. */
export interface ApiErrorInit {
  status: number;
  /** The parsed JSON body, or the raw text when it was not JSON, or `undefined` when empty. */
  body: unknown;
  headers?: Record<string, string | string[] | undefined>;
  /** The `X-Request-Id` the call was sent with (the answer's own, when it has one, wins). */
  requestId?: string | undefined;
}

type ApiErrorClass = new (init: ApiErrorInit) => SectionSyncApiError;

// Filled by the subclasses' own modules: `from` cannot import them without an import cycle
// (a subclass module evaluates `extends SectionSyncApiError` before this class exists).
const classByStatus = new Map<number, ApiErrorClass>();

/** A string field of a JSON object body (a host's `{message}` counts as much as ours). */
function field(body: unknown, name: 'code' | 'message'): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The server answered with a non-2xx status. `code`, `message` and `details` come from the
 * API's error body (`{status:'error', code, message, details?}`); `body` is that body as sent
 * (a host's own 401 body, a proxy's HTML page...); `requestId` names the call in the server's
 * logs. Build one with {@link SectionSyncApiError.from}, which picks the subclass for the
 * status.
 *
 * @example
 * ```ts
 * try {
 *   await client.syncSections(7, { ifMatch: 3 });
 * } catch (error) {
 *   if (error instanceof SectionSyncApiError && error.code === 'version_conflict') reload();
 *   else throw error;
 * }
 * ```
 */
export class SectionSyncApiError extends SectionSyncClientError {
  override readonly name: string = 'SectionSyncApiError';
  /** HTTP status of the answer. */
  readonly status: number;
  /** Machine-readable error code from the body, or `http_<status>` when the body had none. */
  readonly code: string;
  /** Extra facts the server gave (e.g. where a master text is wrong). */
  readonly details: unknown;
  /** The whole error body as received. */
  readonly body: unknown;
  /** Response headers (lower-case names). */
  readonly headers: Record<string, string | string[] | undefined>;
  /**
   * The request's id: the answer's `X-Request-Id` if it has one, else the one the client sent
   * (every call sends one; its retries share it). Quote it when asking about a failure.
   */
  readonly requestId: string | undefined;

  constructor({ status, body, headers = {}, requestId }: ApiErrorInit) {
    super(field(body, 'message') ?? `The server answered HTTP ${status}`);
    this.status = status;
    this.code = field(body, 'code') ?? `http_${status}`;
    this.details = (body as Partial<ErrorResponse> | undefined)?.details;
    this.body = body;
    this.headers = headers;
    const answered = headers['x-request-id'];
    this.requestId = (Array.isArray(answered) ? answered[0] : answered) ?? requestId;
  }

  /**
   * The error for an answer: the class of its status (400 `BadRequestError`, 401
   * `AuthenticationError`, 403 `PermissionDeniedError`, 404 `NotFoundError`, 409
   * `ConflictError`, 412 `PreconditionFailedError`, 413 `PayloadTooLargeError`, 422
   * `UnprocessableError`, 429 `RateLimitError`, 503 `ServiceUnavailableError`), `ServerError`
   * for any other 5xx, this class for any other status.
   *
   * @example
   * ```ts
   * const error = SectionSyncApiError.from(409, { status: 'error', code: 'version_conflict', message: 'stale' });
   * error instanceof ConflictError; // true
   * ```
   */
  static from(
    status: number,
    body: unknown,
    headers?: Record<string, string | string[] | undefined>,
    requestId?: string,
  ): SectionSyncApiError {
    const ErrorClass =
      classByStatus.get(status) ??
      (status >= 500 && status < 600 ? classByStatus.get(500) : undefined) ??
      SectionSyncApiError;
    return new ErrorClass({ status, body, ...(headers && { headers }), requestId });
  }

  /** @internal Called once by each status subclass's module. */
  static register(status: number, errorClass: ApiErrorClass): void {
    classByStatus.set(status, errorClass);
  }
}
