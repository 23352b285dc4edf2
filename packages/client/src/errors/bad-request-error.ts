import { SectionSyncApiError } from './section-sync-api-error.js';

/**
 * 400: the request is malformed: a field the route does not take, a wrong type, an
 * `If-Match` that is not a version, a reorder that is not a permutation. `details` lists the
 * problems (`{location, path, message}` for schema errors). Not retried: the same request
 * fails the same way.
 *
 * @example
 * ```ts
 * try {
 *   await client.reorderSections(7, [3, 1]);
 * } catch (error) {
 *   if (error instanceof BadRequestError) console.error(error.code, error.details);
 *   else throw error;
 * }
 * ```
 */
export class BadRequestError extends SectionSyncApiError {
  override readonly name = 'BadRequestError';
  declare readonly status: 400;
}
SectionSyncApiError.register(400, BadRequestError);
