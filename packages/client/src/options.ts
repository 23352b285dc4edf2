import type { Dispatcher } from 'undici';

/**
 * When and how a failed call is tried again. Delays use exponential backoff with full jitter:
 * before retry n (1-based) the client waits a random time between 0 and
 * `min(maxDelay, initialDelay * 2 ** (n - 1))`, unless the answer carried `Retry-After`.
 */
export interface RetryOptions {
  /**
   * Retries after the first attempt. `0` turns retrying off.
   * @default 2
   */
  limit?: number;
  /**
   * Upper bound of the first backoff, in milliseconds; it doubles on every retry.
   * @default 500
   */
  initialDelay?: number;
  /**
   * Cap of one backoff, in milliseconds.
   * @default 8000
   */
  maxDelay?: number;
  /**
   * Longest `Retry-After` the client will honour, in milliseconds. A server asking for a longer
   * wait gets no retry: the call fails at once with the server's error.
   * @default 60000
   */
  maxRetryAfter?: number;
  /**
   * Bound on a whole call, attempts and waits included, in milliseconds. A retry whose wait
   * would end past it is not made, and the last attempt's timeout is cut to what is left.
   * @default 60000
   */
  maxElapsed?: number;
  /**
   * Statuses worth another try. 429 and 503 mean the API did nothing (rate limited, database
   * unavailable), so every method retries them; 502 and 504 come from a proxy that may have
   * passed the request on, so POST and PATCH retry them only with `nonIdempotent`.
   * @default [429, 502, 503, 504]
   */
  statusCodes?: readonly number[];
  /**
   * Also retry POST and PATCH after a failure that may have happened after the server acted
   * (reset connection, timeout, 502/504). Safe for `syncSections`, `bulkSync` and
   * `updateSection` (repeating them changes nothing more); `createSection` may then create
   * the section twice. With `ifMatch`, a repeated write that had been applied answers 409.
   * @default false
   */
  nonIdempotent?: boolean;
}

/** Options every method takes. */
export interface CallOptions {
  /** Cancels the call, including a wait between retries; the call rejects with `signal.reason`. */
  signal?: AbortSignal | undefined;
  /** Milliseconds (> 0) one attempt may take, from sending to the last body byte. Overrides the client's. */
  timeout?: number | undefined;
  /** Extra request headers for this call (e.g. a per-user token). */
  headers?: Record<string, string> | undefined;
  /**
   * `X-Request-Id` of this call (e.g. the id of the request your service is handling, to
   * follow it across services). Default: a new UUID per call, kept by its retries.
   */
  requestId?: string | undefined;
  /** Retry policy for this call, merged over the client's; `false` or `0` for one attempt only. */
  retry?: RetryOptions | number | false | undefined;
}

/** Options of a method that writes. */
export interface WriteOptions extends CallOptions {
  /**
   * Version the write expects the post to have (sent as `If-Match: "<version>"`); a stale one
   * fails with `ConflictError`. Pass a result's `version` or its `etag`.
   */
  ifMatch?: number | string | undefined;
}

/** Options of a write that can be tried without writing. */
export interface DryRunWriteOptions extends WriteOptions {
  /** Plan and answer as if writing, but write nothing. */
  dryRun?: boolean | undefined;
}

/** Options of {@link createClient}. */
export interface ClientOptions {
  /** Where the API's host listens, e.g. `http://127.0.0.1:5000`; may include a base path. */
  baseUrl: string | URL;
  /**
   * Route prefix the plugin was registered with.
   * @default '/api/workflow'
   */
  prefix?: string;
  /** Headers sent with every call (e.g. `authorization`). */
  headers?: Record<string, string>;
  /**
   * Milliseconds (> 0) one attempt may take, from sending to the last body byte. Also used for
   * undici's `headersTimeout` and `bodyTimeout`, and (capped at 10 s) its connect timeout.
   * @default 30000
   */
  timeout?: number;
  /** Retry policy; `false` or `0` turns retrying off. */
  retry?: RetryOptions | number | false;
  /**
   * undici dispatcher to send through (an `Agent`, a `ProxyAgent`, a `MockAgent` in tests).
   * The client does not close a dispatcher it was given. Default: its own `Pool` for `baseUrl`.
   */
  dispatcher?: Dispatcher;
  /**
   * Connections of the client's own `Pool` (ignored with `dispatcher`).
   * @default 16
   */
  connections?: number;
}
