import type { RetryOptions } from '../options.js';

/** A {@link RetryOptions} with every default filled in. */
export interface RetryPolicy {
  readonly limit: number;
  readonly initialDelay: number;
  readonly maxDelay: number;
  readonly maxRetryAfter: number;
  readonly maxElapsed: number;
  readonly statusCodes: ReadonlySet<number>;
  readonly nonIdempotent: boolean;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  limit: 2,
  initialDelay: 500,
  maxDelay: 8_000,
  maxRetryAfter: 60_000,
  maxElapsed: 60_000,
  statusCodes: new Set([429, 502, 503, 504]),
  nonIdempotent: false,
});

/**
 * Statuses this API sends before doing anything: 429 (rate limited by the host) and 503
 * (database unavailable; the write's transaction never committed). Retrying them is safe
 * whatever the method.
 */
const NOTHING_DONE_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/** Methods whose repetition leaves the same state as one call (RFC 9110 §9.2.2). */
const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);

/** Merges `override` (a call's or the client's `retry` option) over `base`. */
export function resolveRetryPolicy(
  base: RetryPolicy,
  override: RetryOptions | number | false | undefined,
): RetryPolicy {
  if (override === undefined) return base;
  if (override === false) return { ...base, limit: 0 };
  if (typeof override === 'number') return { ...base, limit: override };
  const { statusCodes, ...rest } = override;
  const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  return {
    ...base,
    ...defined,
    ...(statusCodes === undefined ? {} : { statusCodes: new Set(statusCodes) }),
  };
}

/** Whether an answer with `status` may be tried again for `method`. */
export function isRetryableStatus(policy: RetryPolicy, method: string, status: number): boolean {
  if (!policy.statusCodes.has(status)) return false;
  return NOTHING_DONE_STATUSES.has(status) || mayRepeat(policy, method);
}

/**
 * Whether a failure without an answer may be tried again. `sent` is false when the request
 * never left (connection refused, connect timeout): then any method is safe to repeat.
 */
export function isRetryableFailure(policy: RetryPolicy, method: string, sent: boolean): boolean {
  return !sent || mayRepeat(policy, method);
}

function mayRepeat(policy: RetryPolicy, method: string): boolean {
  return IDEMPOTENT_METHODS.has(method) || policy.nonIdempotent;
}

/**
 * Backoff before retry `retry` (1-based): full jitter, uniform in
 * `[0, min(maxDelay, initialDelay * 2 ** (retry - 1))]`, so clients that failed together do
 * not come back together.
 */
export function backoffDelay(policy: RetryPolicy, retry: number, random = Math.random): number {
  const ceiling = Math.min(policy.maxDelay, policy.initialDelay * 2 ** (retry - 1));
  return Math.round(random() * ceiling);
}

/**
 * Milliseconds a `Retry-After` header asks to wait: delay-seconds or an HTTP date
 * (RFC 9110 §10.2.3). `undefined` when absent or unreadable; a date in the past gives 0.
 */
export function parseRetryAfter(
  value: string | string[] | undefined,
  now = Date.now(),
): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date names its month; Date.parse would also take '-1' or '2' as years.
  if (!/[a-z]/i.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
