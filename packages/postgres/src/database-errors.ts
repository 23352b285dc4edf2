import { DatabaseUnavailableError } from '@section-sync/core';

// Socket-level codes (node) and SQLSTATEs meaning "the server is not there (any more)".
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  '57P01', // admin_shutdown (pg_terminate_backend, restart)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up)
  '53300', // too_many_connections
  // Cancelled, so rolled back whole and worth another try: statement_timeout (or a cancel
  // request) and lock_timeout. Not bugs: without these they answered 500.
  '57014', // query_canceled
  '55P03', // lock_not_available
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);

const UNAVAILABLE_MESSAGES =
  /Connection terminated|connection error|timeout exceeded when trying to connect|Client was closed|Cannot use a pool after calling end|PGlite is closed/i;

/**
 * True when an error means the database is unreachable, dropped the connection, or cancelled
 * the statement (timeouts): the transaction did not commit and a later try may succeed.
 */
export function isUnavailableError(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return false;
  return UNAVAILABLE_MESSAGES.test(error.message);
}

/** Deadlock and serialization failures: the transaction may simply be run again. */
export function isRetryableTransactionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40P01' || code === '40001';
}

/** Connection failures become `DatabaseUnavailableError` (cause kept); others pass unchanged. */
export function translateDatabaseError(error: unknown): unknown {
  if (error instanceof DatabaseUnavailableError) return error;
  if (isUnavailableError(error)) {
    return new DatabaseUnavailableError(
      `The database is unavailable: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return error;
}
