/**
 * Base of every error the client throws on purpose, so one `instanceof` tells the SDK's
 * failures apart from bugs in the caller. An aborted call is the exception: it rejects with
 * the signal's own reason, as `fetch` does.
 *
 * @example
 * ```ts
 * try {
 *   await client.getSections(7);
 * } catch (error) {
 *   if (error instanceof SectionSyncClientError) log.warn(error.message);
 *   else throw error;
 * }
 * ```
 */
export class SectionSyncClientError extends Error {
  override readonly name: string = 'SectionSyncClientError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
