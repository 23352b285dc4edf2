import { SectionSyncApiError } from './section-sync-api-error.js';

/**
 * 403: authenticated, but the host does not let this caller do this (its own authorization, or
 * a ban from its rate limiter). `body` is the host's answer as sent.
 *
 * @example
 * ```ts
 * await client.deleteSection(7, 12).catch((error) => {
 *   if (error instanceof PermissionDeniedError) return showReadOnlyNotice();
 *   throw error;
 * });
 * ```
 */
export class PermissionDeniedError extends SectionSyncApiError {
  override readonly name = 'PermissionDeniedError';
  declare readonly status: 403;
}
SectionSyncApiError.register(403, PermissionDeniedError);
