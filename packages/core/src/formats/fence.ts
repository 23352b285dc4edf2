import { skipTrimmable, skipTrimmableBack } from './characters.js';

/**
 * Where the master content sits in the original text, after rule 1 (trim) and rule 2 (one
 * surrounding code fence). Offsets are UTF-16 indices of the original text, so error positions
 * can always be reported against what the user wrote.
 */
export interface MasterContent {
  /** Content trimmed: `text.slice(start, end)` is what rules 3-5 look at. */
  start: number;
  end: number;
  /** The lines of the content (at a line start), for rule 5. */
  linesStart: number;
  linesEnd: number;
  /** 1-based line number of the line at `linesStart`. */
  firstLine: number;
}

const BACKTICK = 96;

/**
 * Locates the content of a master text, or `undefined` when there is none (rule 1, or a fence
 * around blank content).
 *
 * A fence is recognised when the trimmed text has at least two lines, its first line is
 * three backticks followed by an optional language tag (anything without a backtick) and its
 * last line is exactly three backticks (after trimming).
 *
 * @example
 * locateContent('```json\n[1]\n```'); // { start: 8, end: 11, linesStart: 8, linesEnd: 11, firstLine: 2 }
 */
export function locateContent(text: string): MasterContent | undefined {
  const length = text.length;
  const start = skipTrimmable(text, 0, length);
  if (start === length) return undefined;
  const end = skipTrimmableBack(text, start, length);
  if (text.charCodeAt(start) === BACKTICK && text.startsWith('```', start)) {
    const fenced = fenceContent(text, start, end);
    if (fenced !== null) return fenced;
  }
  return { start, end, linesStart: 0, linesEnd: length, firstLine: 1 };
}

function fenceContent(text: string, start: number, end: number): MasterContent | undefined | null {
  const openEnd = text.indexOf('\n', start);
  if (openEnd === -1 || openEnd >= end) return null;
  const tagStart = skipTrimmable(text, start + 3, openEnd);
  const tagEnd = skipTrimmableBack(text, tagStart, openEnd);
  if (text.slice(tagStart, tagEnd).includes('`')) return null;
  const closeStart = text.lastIndexOf('\n', end - 1) + 1;
  if (skipTrimmable(text, closeStart, end) !== end - 3 || !text.startsWith('```', end - 3)) {
    return null;
  }
  const linesStart = openEnd + 1;
  const linesEnd = Math.max(linesStart, closeStart - 1);
  const contentStart = skipTrimmable(text, linesStart, linesEnd);
  if (contentStart === linesEnd) return undefined;
  let firstLine = 2;
  for (let i = text.indexOf('\n'); i !== -1 && i < start; i = text.indexOf('\n', i + 1)) {
    firstLine++;
  }
  return {
    start: contentStart,
    end: skipTrimmableBack(text, contentStart, linesEnd),
    linesStart,
    linesEnd,
    firstLine,
  };
}
