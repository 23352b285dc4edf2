import { parseRetryAfter } from '../transport/retry-policy.js';
import { type ApiErrorInit, SectionSyncApiError } from './section-sync-api-error.js';

/**
 * 429: the host's rate limiter refused the call. The API did nothing, so every method retries
 * it (honouring `Retry-After`) before this is thrown; `retryAfter` is the wait the server asked
 * for, in milliseconds, when it said.
 *
 * @example
 * ```ts
 * await client.bulkSync({ all: true }).catch(async (error) => {
 *   if (!(error instanceof RateLimitError)) throw error;
 *   await sleep(error.retryAfter ?? 60_000);
 * });
 * ```
 */
export class RateLimitError extends SectionSyncApiError {
  override readonly name = 'RateLimitError';
  declare readonly status: 429;
  /** Milliseconds the server's `Retry-After` asked to wait, when it sent one. */
  readonly retryAfter: number | undefined;

  constructor(init: ApiErrorInit) {
    super(init);
    this.retryAfter = parseRetryAfter(init.headers?.['retry-after']);
  }
}
SectionSyncApiError.register(429, RateLimitError);
