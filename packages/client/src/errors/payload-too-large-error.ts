import { SectionSyncApiError } from './section-sync-api-error.js';

/**
 * 413: the request body is larger than the server's `bodyLimit` (1 MiB by default): send a
 * smaller master, or raise the limit on the server.
 *
 * @example
 * ```ts
 * await client.setSectionHeadings(7, hugeText).catch((error) => {
 *   if (error instanceof PayloadTooLargeError) return splitIntoSmallerPosts();
 *   throw error;
 * });
 * ```
 */
export class PayloadTooLargeError extends SectionSyncApiError {
  override readonly name = 'PayloadTooLargeError';
  declare readonly status: 413;
}
SectionSyncApiError.register(413, PayloadTooLargeError);
