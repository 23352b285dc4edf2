import { parseRetryAfter } from '../transport/retry-policy.js';
import type { ApiErrorInit } from './section-sync-api-error.js';
import { SectionSyncApiError } from './section-sync-api-error.js';
import { ServerError } from './server-error.js';

/**
 * 503: the database is unavailable (section-sync's `database_unavailable`: nothing was
 * written) or a proxy has no healthy server. Every method retries it, honouring
 * `Retry-After`, before this is thrown; `retryAfter` is the wait the server asked for, in ms.
 *
 * @example
 * ```ts
 * await client.syncSections(7).catch((error) => {
 *   if (error instanceof ServiceUnavailableError) return queueForLater(7, error.retryAfter);
 *   throw error;
 * });
 * ```
 */
export class ServiceUnavailableError extends ServerError {
  override readonly name = 'ServiceUnavailableError';
  declare readonly status: 503;
  /** Milliseconds the server's `Retry-After` asked to wait, when it sent one. */
  readonly retryAfter: number | undefined;

  constructor(init: ApiErrorInit) {
    super(init);
    this.retryAfter = parseRetryAfter(init.headers?.['retry-after']);
  }
}
SectionSyncApiError.register(503, ServiceUnavailableError);
