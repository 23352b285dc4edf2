import { ApiError } from './api.js';

/** Where a master text is wrong, as the API's `details` (or core's parser) give it. */
export interface FormatPosition {
  line?: number;
  column?: number;
  index?: number;
  field?: string;
}

/**
 * A format error in plain words, position first: "Line 3, column 5: expected ...". Messages that
 * already start with their position keep it; "at line X, column Y" inside is not repeated.
 */
export function describeFormatError(message: string, position: FormatPosition = {}): string {
  let text = message.replace(/^Sync failed:\s*/, '');
  if (position.line === undefined || /^Line \d+/.test(text)) return capitalize(text);
  text = text.replace(/\s+at line \d+(, column \d+)?/, '');
  const where =
    position.column === undefined
      ? `Line ${position.line}`
      : `Line ${position.line}, column ${position.column}`;
  return `${where}: ${lowerFirst(text)}`;
}

/** Any error as one sentence a person can act on. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    switch (error.status) {
      case 0:
        return error.message;
      case 401:
        return 'The API needs a token: enter it to continue.';
      case 409:
        return 'Someone else changed this post a moment ago. The page now shows the latest version: check it and try again.';
      case 422:
        return describeFormatError(error.message, (error.details ?? {}) as FormatPosition);
      case 503:
        return 'The database is not reachable right now. Try again in a moment.';
      default:
        return capitalize(error.message.replace(/^Sync failed:\s*/, ''));
    }
  }
  return error instanceof Error ? error.message : String(error);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function lowerFirst(text: string): string {
  // Keep acronyms ("JSON ...") and quoted names as written.
  return /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}
