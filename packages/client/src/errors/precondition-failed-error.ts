import { SectionSyncApiError } from './section-sync-api-error.js';

/**
 * 412: a precondition of the request failed (a proxy or the host checking `If-Match` itself;
 * section-sync answers a stale `ifMatch` with 409, {@link ConflictError}). Read again and retry
 * with the new version.
 *
 * @example
 * ```ts
 * await client.syncSections(7, { ifMatch: version }).catch((error) => {
 *   if (error instanceof PreconditionFailedError || error instanceof ConflictError) return reload();
 *   throw error;
 * });
 * ```
 */
export class PreconditionFailedError extends SectionSyncApiError {
  override readonly name = 'PreconditionFailedError';
  declare readonly status: 412;
}
SectionSyncApiError.register(412, PreconditionFailedError);
