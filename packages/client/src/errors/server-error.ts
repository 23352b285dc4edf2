import { SectionSyncApiError } from './section-sync-api-error.js';

/**
 * 5xx: the server (or a proxy in front of it) failed. A 500 from section-sync is a bug on the
 * server: its log has the error, under the `requestId` this error carries. 503 is the subclass
 * {@link ServiceUnavailableError}.
 *
 * @example
 * ```ts
 * await client.getSections(7).catch((error) => {
 *   if (error instanceof ServerError) log.error({ requestId: error.requestId }, error.message);
 *   throw error;
 * });
 * ```
 */
export class ServerError extends SectionSyncApiError {
  override readonly name: string = 'ServerError';
}
// Every 5xx without a class of its own.
SectionSyncApiError.register(500, ServerError);
