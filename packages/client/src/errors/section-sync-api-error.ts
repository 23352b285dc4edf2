import type { ErrorResponse } from '@section-sync/core';
import { SectionSyncClientError } from './section-sync-client-error.js';

/** What an API error is built from: the answer's status, parsed body and headers. */
export interface ApiErrorInit {
  status: number;
  /** The parsed JSON body, or the raw text when it was not JSON, or `undefined` when empty. */
  body: unknown;
  headers?: Record<string, string | string[] | undefined>;
}

type ApiErrorClass = new (init: ApiErrorInit) => SectionSyncApiError;

// Filled by the subclasses' own modules: `from` cannot import them without an import cycle
// (a subclass module evaluates `extends SectionSyncApiError` before this class exists).
const classByStatus = new Map<number, ApiErrorClass>();

function isErrorBody(body: unknown): body is ErrorResponse {
  if (typeof body !== 'object' || body === null) return false;
  const { code, message } = body as Record<string, unknown>;
  return typeof code === 'string' && typeof message === 'string';
}

/**
 * The server answered with a non-2xx status. `code`, `message` and `details` come from the
 * API's error body (`{status:'error', code, message, details?}`); `body` is that body as sent.
 * Build one with {@link SectionSyncApiError.from}, which picks the subclass for the status.
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

  constructor({ status, body, headers = {} }: ApiErrorInit) {
    const errorBody = isErrorBody(body) ? body : undefined;
    super(errorBody?.message ?? `The server answered HTTP ${status}`);
    this.status = status;
    this.code = errorBody?.code ?? `http_${status}`;
    this.details = errorBody?.details;
    this.body = body;
    this.headers = headers;
  }

  /**
   * The error for an answer: {@link NotFoundError} for 404, {@link ConflictError} for 409,
   * {@link UnprocessableError} for 422, this class for any other status.
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
  ): SectionSyncApiError {
    const ErrorClass = classByStatus.get(status) ?? SectionSyncApiError;
    return new ErrorClass(headers === undefined ? { status, body } : { status, body, headers });
  }

  /** @internal Called once by each status subclass's module. */
  static register(status: number, errorClass: ApiErrorClass): void {
    classByStatus.set(status, errorClass);
  }
}
