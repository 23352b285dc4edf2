import { SectionSyncApiError } from './section-sync-api-error.js';

/**
 * 401: the host's authentication refused the call (section-sync leaves authentication to the
 * host app). `body` is whatever the host answered, as sent; `code` is `http_401` unless the
 * host's body has a `code`.
 *
 * @example
 * ```ts
 * try {
 *   await client.getSections(7);
 * } catch (error) {
 *   if (error instanceof AuthenticationError) await refreshToken();
 *   else throw error;
 * }
 * ```
 */
export class AuthenticationError extends SectionSyncApiError {
  override readonly name = 'AuthenticationError';
  declare readonly status: 401;
}
SectionSyncApiError.register(401, AuthenticationError);
