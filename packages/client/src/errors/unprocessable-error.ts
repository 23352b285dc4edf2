import { SectionSyncApiError } from './section-sync-api-error.js';

/**
 * 422: the section data cannot be used: an unparsable master text or a value over a limit.
 * `details` says where (line/column for text, item index for JSON).
 *
 * @example
 * ```ts
 * try {
 *   await client.setSectionHeadings(7, '[{"heading": ');
 * } catch (error) {
 *   if (error instanceof UnprocessableError) showProblem(error.message, error.details);
 *   else throw error;
 * }
 * ```
 */
export class UnprocessableError extends SectionSyncApiError {
  override readonly name = 'UnprocessableError';
  declare readonly status: 422;
}
SectionSyncApiError.register(422, UnprocessableError);
