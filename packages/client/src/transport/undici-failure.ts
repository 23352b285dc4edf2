import { ConnectionError } from '../errors/connection-error.js';
import { SectionSyncClientError } from '../errors/section-sync-client-error.js';
import { TimeoutError } from '../errors/timeout-error.js';

/** A failed attempt without an answer, and whether the request may have reached the server. */
export interface AttemptFailure {
  error: SectionSyncClientError;
  /** `false` only when the request certainly never left (nothing to fear from repeating it). */
  sent: boolean;
  /** Whether another attempt could succeed (a closed client or a bad argument cannot). */
  transient: boolean;
}

/** Codes of failures before a connection existed: the request was never sent. */
const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Codes of a connection that broke while the request or its answer was under way. */
const BROKEN_CONNECTION_CODES: ReadonlySet<string> = new Set([
  'UND_ERR_SOCKET',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);

/** Codes of a client that was closed: nothing to retry. */
const CLOSED_CODES: ReadonlySet<string> = new Set(['UND_ERR_CLOSED', 'UND_ERR_DESTROYED']);

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  // Happy eyeballs (autoSelectFamily) reports every address's failure in one AggregateError.
  const inner = (error as { errors?: unknown }).errors;
  return Array.isArray(inner) ? codeOf(inner[0]) : undefined;
}

/**
 * Turns what undici (or Node's socket) threw into the SDK's error, matched by `err.code`
 * rather than by class: undici's classes differ between its copies, the codes do not.
 */
export function classifyFailure(
  cause: unknown,
  request: { method: string; url: string; timeout: number },
): AttemptFailure {
  const code = codeOf(cause);
  const where = `${request.method} ${request.url}`;
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return timeout('connect', `Connecting timed out: ${where}`);
    case 'UND_ERR_HEADERS_TIMEOUT':
      return timeout('headers', `No answer within ${request.timeout} ms: ${where}`);
    case 'UND_ERR_BODY_TIMEOUT':
      return timeout('body', `The answer stalled for ${request.timeout} ms: ${where}`);
  }
  if (code !== undefined && (NOT_SENT_CODES.has(code) || BROKEN_CONNECTION_CODES.has(code))) {
    const sent = !NOT_SENT_CODES.has(code);
    const message = sent
      ? `Connection lost (${code}): ${where}`
      : `Cannot connect (${code}): ${where}`;
    return { error: new ConnectionError(message, { cause, code }), sent, transient: true };
  }
  if (code !== undefined && CLOSED_CODES.has(code)) {
    const error = new ConnectionError(`The client is closed: ${where}`, { cause, code });
    return { error, sent: false, transient: false };
  }
  const message = `Request failed: ${where}: ${cause instanceof Error ? cause.message : String(cause)}`;
  return { error: new SectionSyncClientError(message, { cause }), sent: true, transient: false };

  function timeout(phase: 'connect' | 'headers' | 'body', message: string): AttemptFailure {
    const error = new TimeoutError(message, { phase, timeout: request.timeout, cause });
    return { error, sent: phase !== 'connect', transient: true };
  }
}
