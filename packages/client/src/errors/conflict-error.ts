import { SectionSyncApiError } from './section-sync-api-error.js';

/**
 * 409: the `ifMatch` version was stale; someone else wrote the post since it was read.
 * Read again, reapply the change, and send it with the new version.
 *
 * @example
 * ```ts
 * try {
 *   await client.reorderSections(7, ids, { ifMatch: version });
 * } catch (error) {
 *   if (error instanceof ConflictError) return refresh();
 *   throw error;
 * }
 * ```
 */
export class ConflictError extends SectionSyncApiError {
  override readonly name = 'ConflictError';
  declare readonly status: 409;
}
SectionSyncApiError.register(409, ConflictError);
