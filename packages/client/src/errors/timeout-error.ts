import { SectionSyncClientError } from './section-sync-client-error.js';

/** Which deadline ran out. */
export type TimeoutPhase = 'connect' | 'headers' | 'body' | 'total';

/**
 * A deadline ran out: connecting, waiting for the answer's headers, between body chunks
 * (undici's own timers, `cause` is their error), or the call's whole `timeout`.
 *
 * @example
 * ```ts
 * try {
 *   await client.bulkSync({ all: true }, { timeout: 120_000 });
 * } catch (error) {
 *   if (error instanceof TimeoutError) log.warn(`gave up after ${error.timeout} ms (${error.phase})`);
 *   else throw error;
 * }
 * ```
 */
export class TimeoutError extends SectionSyncClientError {
  override readonly name = 'TimeoutError';
  readonly phase: TimeoutPhase;
  /** The timeout in milliseconds that ran out, when known. */
  readonly timeout: number | undefined;

  constructor(
    message: string,
    options: { phase: TimeoutPhase; timeout?: number | undefined; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.phase = options.phase;
    this.timeout = options.timeout;
  }
}
