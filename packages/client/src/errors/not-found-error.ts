import { SectionSyncApiError } from './section-sync-api-error.js';

/**
 * 404: the post, section or sync log entry does not exist.
 *
 * @example
 * ```ts
 * const sections = await client.getSections(7).catch((error) => {
 *   if (error instanceof NotFoundError) return null;
 *   throw error;
 * });
 * ```
 */
export class NotFoundError extends SectionSyncApiError {
  override readonly name = 'NotFoundError';
  declare readonly status: 404;
}
SectionSyncApiError.register(404, NotFoundError);
