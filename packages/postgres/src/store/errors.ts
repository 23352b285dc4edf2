import {
  ConstraintConflictError,
  InvalidOperationError,
  InvalidValueError,
  LogEntryNotFoundError,
  PostNotFoundError,
  SectionFormatError,
  type SectionFormatErrorCode,
  SectionNotFoundError,
  VersionConflictError,
} from '@section-sync/core';

/** What the store needs of a database error: SQLSTATE, message and DETAIL. */
interface DatabaseErrorLike {
  code?: unknown;
  message?: unknown;
  detail?: unknown;
  /** pg and PGlite name the column and constraint of integrity errors. */
  column?: unknown;
  constraint?: unknown;
}

/** DETAIL of our own SQLSTATEs is JSON text; anything else yields an empty object. */
function detailOf(error: DatabaseErrorLike): Record<string, unknown> {
  if (typeof error.detail !== 'string' || !error.detail.startsWith('{')) return {};
  try {
    return JSON.parse(error.detail) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function optionalNumber(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

/** A string property of a database error, if it has one. */
function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The errors input can cause that are not our own SQLSTATEs, by meaning: data the database
 * refuses (class 22, a host's NOT NULL or CHECK constraint, a program limit such as a too
 * complex value) is `InvalidValueError` (422); a unique, foreign key or exclusion conflict is
 * `ConstraintConflictError` (409). Deadlocks and timeouts are handled by the retry loop and
 * `translateDatabaseError` (503). Undefined for anything else.
 */
function fromDataError(
  e: DatabaseErrorLike,
  code: string,
  message: string,
  field: string | undefined,
): unknown {
  const constraint = text(e.constraint);
  const column = text(e.column);
  if (code.startsWith('22') || code === '23502' || code === '23514' || code.startsWith('54')) {
    const named = field ?? column;
    return new InvalidValueError(
      `The database refused ${named === undefined ? 'a value of the request' : `"${named}"`}: ${message}`,
      {
        sqlstate: code,
        ...(named === undefined ? {} : { field: named }),
        ...(constraint === undefined ? {} : { constraint }),
      },
    );
  }
  if (code === '23505' || code === '23503' || code === '23P01') {
    return new ConstraintConflictError(
      `The write conflicts with ${constraint === undefined ? 'a constraint' : `constraint "${constraint}"`}: ${message}`,
      { sqlstate: code, ...(constraint === undefined ? {} : { constraint }) },
    );
  }
  return undefined;
}

/**
 * Turns the SQLSTATEs our SQL raises into the error classes of `errors.ts` (the HTTP layer maps
 * those to statuses): SS001 unparsable section data, SS404 post / section / log entry not
 * found, SS409 version conflict, SS400 invalid operation. Text PostgreSQL cannot store (NUL)
 * is a control character too. Data and integrity errors input can cause become
 * `InvalidValueError` / `ConstraintConflictError` (`field` names the request field the value
 * came from, when the caller knows). Everything else, `DatabaseUnavailableError` included,
 * passes through unchanged.
 *
 * @example
 * try { await tx.query(...) } catch (error) { throw toStoreError(error, postId, 'sectionId') }
 */
export function toStoreError(error: unknown, postId: number, field?: string): unknown {
  if (error === null || typeof error !== 'object') return error;
  const e = error as DatabaseErrorLike;
  const message = typeof e.message === 'string' ? e.message : String(error);
  const detail = detailOf(e);
  switch (e.code) {
    case 'SS001':
      return new SectionFormatError(
        (typeof detail.code === 'string' ? detail.code : 'invalid_item') as SectionFormatErrorCode,
        message,
        {
          line: optionalNumber(detail.line),
          column: optionalNumber(detail.column),
          index: optionalNumber(detail.index),
          field: typeof detail.field === 'string' ? detail.field : undefined,
        },
      );
    case 'SS404':
      if (detail.entity === 'section') {
        return new SectionNotFoundError(postId, String(detail.sectionId));
      }
      if (detail.entity === 'log_entry' || /log entry/i.test(message)) {
        return new LogEntryNotFoundError(postId, Number(detail.entryId), detail.pruned === true);
      }
      return new PostNotFoundError(optionalNumber(detail.postId) ?? postId);
    case 'SS409':
      return new VersionConflictError(postId, Number(detail.expected), Number(detail.actual));
    case 'SS400': {
      // DETAIL {code, ...what the API shows as details}, when our SQL gives one.
      const { code, ...details } = detail;
      return new InvalidOperationError(
        typeof code === 'string' ? code : 'invalid_operation',
        message,
        Object.keys(details).length > 0 ? { details } : {},
      );
    }
    case '22021': // invalid byte sequence: a NUL character in a text parameter
      return new SectionFormatError(
        'control_character',
        'The text contains a NUL character (U+0000), which is not allowed',
      );
    default:
      return typeof e.code === 'string'
        ? (fromDataError(e, e.code, message, field) ?? error)
        : error;
  }
}

// Node encodes a lone surrogate as U+FFFD on its way to the database, silently, and PostgreSQL
// text cannot hold NUL: refuse both here, as the parser refuses them (control_character).
const UNSTORABLE = /\u0000|[\u{d800}-\u{dfff}]/u;

/**
 * Refuses text that would change or fail on its way into PostgreSQL (NUL, lone UTF-16
 * surrogates). Everything else is validated in the database by the parser's own rules.
 *
 * @example
 * assertStorableText(input.heading, 'heading', 'heading');
 */
export function assertStorableText(value: string | undefined, what: string, field?: string): void {
  if (value === undefined) return;
  const match = UNSTORABLE.exec(value);
  if (!match) return;
  const code = match[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
  throw new SectionFormatError(
    'control_character',
    `The ${what} contains the control character U+${code} at character ${match.index + 1}`,
    field === undefined ? {} : { index: 0, field },
  );
}
