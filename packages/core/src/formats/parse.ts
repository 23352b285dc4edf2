import { SectionFormatError } from '../errors.js';
import { type DesiredSection, MAX_JSON_DEPTH, type SectionLimits } from '../types.js';
import { locateContent } from './fence.js';
import { parseExactJson } from './json-exact.js';
import { parseJsonItems } from './json-items.js';
import { INEXACT_NUMBER } from './json-numbers.js';
import { findJsonSyntaxProblem } from './json-syntax.js';
import { resolveLimits } from './limits.js';
import { parseLines } from './lines.js';
import { positionAt } from './position.js';

/**
 * Parses a master text (`post_development.section_headings`) in any of its formats into the
 * desired sections, orders 1..n. Follows the README's "The rules, exactly"; the PL/pgSQL port
 * follows the same rules and the conformance corpus checks both.
 *
 * @throws {SectionFormatError} with a `code`, a message naming the problem and the place, and
 * `line`/`column` (text) or `index`/`field` (JSON items).
 *
 * @example
 * parse('[{"heading":"Intro","order":2},{"title":"Setup","order":1}]');
 * // [{ order: 1, heading: 'Setup' }, { order: 2, heading: 'Intro' }]
 * parse('1. Intro\n2) Setup\n- Results'); // headings Intro, Setup, Results
 * parse('[1, 2]'); // throws: Item 1 (index 0) must be a string or an object, got number
 */
export function parse(
  text: string | null | undefined,
  limits?: Partial<SectionLimits>,
): DesiredSection[] {
  if (text === null || text === undefined) return [];
  if (typeof text !== 'string') {
    throw new TypeError(`parse expects a string, null or undefined, got ${typeof text}`);
  }
  const content = locateContent(text);
  if (content === undefined) return [];
  const resolved = resolveLimits(limits);
  const { start, end } = content;
  const first = text.charCodeAt(start);
  if (first === 0x5b /* [ */ || first === 0x7b /* { */) {
    return parseJsonItems(parseJson(text, start, end, 'invalid_json'), resolved);
  }
  if (first === 0x22 /* " */) {
    const decoded = parseJson(text, start, end, 'invalid_string_literal') as string;
    const label = ' of the decoded JSON string';
    return parseLines(
      { text: decoded, start: 0, end: decoded.length, firstLine: 1, label },
      resolved,
    );
  }
  return parseLines(
    {
      text,
      start: content.linesStart,
      end: content.linesEnd,
      firstLine: content.firstLine,
      label: '',
    },
    resolved,
  );
}

/**
 * `JSON.parse` of `text[start, end)`; on failure the error says where, in the original text.
 * Numbers a double may get wrong (ids past 2^53, `1e-400`) send the text down the exact path,
 * which keeps their literals (`JsonNumber`); both paths enforce `MAX_JSON_DEPTH` and the range
 * of numbers PostgreSQL can store, so the SQL parser gives the same verdict.
 */
function parseJson(
  text: string,
  start: number,
  end: number,
  code: 'invalid_json' | 'invalid_string_literal',
): unknown {
  const json = start === 0 && end === text.length ? text : text.slice(start, end);
  let value: unknown;
  try {
    if (INEXACT_NUMBER.test(json)) {
      if (findJsonSyntaxProblem(text, start, end) !== undefined) throw new SyntaxError('invalid');
      return parseExactJson(text, start, end);
    }
    value = JSON.parse(json);
  } catch (error) {
    throw syntaxError(text, start, end, code, error);
  }
  if (exceedsDepth(value, MAX_JSON_DEPTH)) throw syntaxError(text, start, end, code, undefined);
  return value;
}

function syntaxError(
  text: string,
  start: number,
  end: number,
  code: 'invalid_json' | 'invalid_string_literal',
  error: unknown,
): SectionFormatError {
  const found = findJsonSyntaxProblem(text, start, end);
  // The scanner and V8 agree on what JSON is; V8's own words are only a fallback.
  const offset = found?.offset ?? start + v8Position(error);
  const problem = found?.problem ?? (error instanceof Error ? error.message : String(error));
  const { line, column } = positionAt(text, offset);
  const what = code === 'invalid_json' ? 'Invalid JSON' : 'Invalid JSON string literal';
  return new SectionFormatError(code, `${what} at line ${line}, column ${column}: ${problem}`, {
    line,
    column,
  });
}

/** Whether arrays and objects nest deeper than `limit` (the value itself is level 1). */
function exceedsDepth(value: unknown, limit: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (limit === 0) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item !== null && typeof item === 'object' && exceedsDepth(item, limit - 1)) return true;
    }
    return false;
  }
  for (const key in value) {
    const item: unknown = (value as Record<string, unknown>)[key];
    if (item !== null && typeof item === 'object' && exceedsDepth(item, limit - 1)) return true;
  }
  return false;
}

function v8Position(error: unknown): number {
  const match = error instanceof Error ? /at position (\d+)/.exec(error.message) : null;
  return match ? Number(match[1]) : 0;
}
