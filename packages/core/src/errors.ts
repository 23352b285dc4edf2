import type { SectionId } from './schemas/domain.js';

/**
 * Base of every error section-sync throws on purpose. `code` is stable and machine-readable;
 * the HTTP layer maps codes to statuses in one table.
 */
export class SectionSyncError extends Error {
  override readonly name: string = 'SectionSyncError';
  readonly code: string;
  readonly details?: unknown;

  constructor(code: string, message: string, options: { details?: unknown; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.details !== undefined) this.details = options.details;
  }
}

/** Machine-readable kinds of master format errors, shared by the TypeScript parser and its SQL port. */
export type SectionFormatErrorCode =
  | 'invalid_json'
  | 'invalid_root'
  | 'invalid_item'
  | 'invalid_string_literal'
  | 'too_many_sections'
  | 'heading_too_long'
  | 'description_too_long'
  | 'status_too_long'
  | 'control_character';

export interface SectionFormatErrorPosition {
  /** 1-based line of the original text (line formats and invalid JSON). */
  line?: number;
  /** 1-based column in code points (line formats and invalid JSON). */
  column?: number;
  /** 0-based index of the JSON array item at fault. */
  index?: number;
  /** Field of the JSON item at fault (`heading`, `description`, `status`, `id`, `order`). */
  field?: string;
}

/**
 * The master text cannot be turned into sections. `message` says what is wrong and where,
 * in words a person understands; `code` and the position are for programs.
 */
export class SectionFormatError extends SectionSyncError {
  override readonly name = 'SectionFormatError';
  declare readonly code: SectionFormatErrorCode;
  readonly line?: number;
  readonly column?: number;
  readonly index?: number;
  readonly field?: string;

  constructor(
    code: SectionFormatErrorCode,
    message: string,
    position: SectionFormatErrorPosition = {},
  ) {
    super(code, message);
    if (position.line !== undefined) this.line = position.line;
    if (position.column !== undefined) this.column = position.column;
    if (position.index !== undefined) this.index = position.index;
    if (position.field !== undefined) this.field = position.field;
  }

  /** The position as a plain object (what the API puts in `details`). */
  get position(): SectionFormatErrorPosition {
    const { line, column, index, field } = this;
    return Object.fromEntries(
      Object.entries({ line, column, index, field }).filter(([, v]) => v !== undefined),
    );
  }
}

/** No `post_development` row for this post. */
export class PostNotFoundError extends SectionSyncError {
  override readonly name = 'PostNotFoundError';
  constructor(readonly postId: number) {
    super('post_not_found', `Post ${postId} does not exist`);
  }
}

/** No section with this id in this post (it may exist in another post: that is not found too). */
export class SectionNotFoundError extends SectionSyncError {
  override readonly name = 'SectionNotFoundError';
  constructor(
    readonly postId: number,
    readonly sectionId: SectionId,
  ) {
    super('section_not_found', `Section ${sectionId} does not exist in post ${postId}`);
  }
}

/** No sync log entry with this id for this post, or it was pruned by retention. */
export class LogEntryNotFoundError extends SectionSyncError {
  override readonly name = 'LogEntryNotFoundError';
  constructor(
    readonly postId: number,
    readonly entryId: number,
    readonly pruned = false,
  ) {
    super(
      pruned ? 'log_entry_pruned' : 'log_entry_not_found',
      pruned
        ? `Sync log entry ${entryId} of post ${postId} was pruned by the retention policy and can no longer be rolled back`
        : `Sync log entry ${entryId} does not exist for post ${postId}`,
    );
  }
}

/** An `If-Match` / expected version no longer matches: someone else wrote first. Nothing changed. */
export class VersionConflictError extends SectionSyncError {
  override readonly name = 'VersionConflictError';
  constructor(
    readonly postId: number,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(
      'version_conflict',
      `Post ${postId} is at version ${actual}, not ${expected}: reload and try again`,
      { details: { expected, actual } },
    );
  }
}

/** A well-formed request that cannot be applied (reorder that is not a permutation, bad position...). */
export class InvalidOperationError extends SectionSyncError {
  override readonly name = 'InvalidOperationError';
}

/** The database cannot be reached or went away mid-operation. Safe to retry. */
export class DatabaseUnavailableError extends SectionSyncError {
  override readonly name = 'DatabaseUnavailableError';
  constructor(message = 'The database is unavailable', options: { cause?: unknown } = {}) {
    super('database_unavailable', message, options);
  }
}

/**
 * The database refused a value of the request as data (SQLSTATE class 22: out of range, bad
 * text representation, too long for a host column; or a NOT NULL / CHECK constraint of the
 * host's). Nothing changed. `details`: `{ sqlstate, field?, constraint? }`.
 */
export class InvalidValueError extends SectionSyncError {
  override readonly name = 'InvalidValueError';
  constructor(message: string, details: { sqlstate: string; field?: string; constraint?: string }) {
    super('invalid_value', message, { details });
  }
}

/**
 * The write would break a unique, foreign key or exclusion constraint (SQLSTATE 23505, 23503,
 * 23P01), usually one of the host's, or a row another writer just added. Nothing changed.
 * `details`: `{ sqlstate, constraint? }`.
 */
export class ConstraintConflictError extends SectionSyncError {
  override readonly name = 'ConstraintConflictError';
  constructor(message: string, details: { sqlstate: string; constraint?: string }) {
    super('constraint_conflict', message, { details });
  }
}

/**
 * Deadlock or serialization failure (40P01, 40001) still there after the store's retries.
 * Nothing changed; safe to retry (the API answers 503 with `Retry-After`).
 */
export class DatabaseBusyError extends SectionSyncError {
  override readonly name = 'DatabaseBusyError';
  constructor(message: string, options: { cause?: unknown; details?: unknown } = {}) {
    super('database_busy', message, options);
  }
}
