import { SectionSyncClientError } from './section-sync-client-error.js';

/**
 * No answer arrived: the connection was refused, reset or closed. `cause` is undici's (or
 * Node's) error and `code` its code (`ECONNREFUSED`, `UND_ERR_SOCKET`, ...).
 *
 * @example
 * ```ts
 * try {
 *   await client.getSyncStatus(7);
 * } catch (error) {
 *   if (error instanceof ConnectionError) log.warn({ code: error.code }, 'section-sync is down');
 *   else throw error;
 * }
 * ```
 */
export class ConnectionError extends SectionSyncClientError {
  override readonly name = 'ConnectionError';
  /** The underlying error's code, e.g. `ECONNREFUSED`, `ECONNRESET`, `UND_ERR_SOCKET`. */
  readonly code: string | undefined;

  constructor(message: string, options: { cause: unknown; code?: string | undefined }) {
    super(message, { cause: options.cause });
    this.code = options.code;
  }
}
