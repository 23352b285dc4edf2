import { codePointCount } from './characters.js';

/** A place in a text: 1-based line (lines end at `\n`) and 1-based column in code points. */
export interface TextPosition {
  line: number;
  column: number;
}

/**
 * Line and column of the UTF-16 offset `offset` of `text`. Only error paths call this, so it
 * scans from the start rather than keeping a line table on the hot path.
 *
 * @example
 * positionAt('[1,\n 2 x]', 7); // { line: 2, column: 4 }
 */
export function positionAt(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: codePointCount(text, lineStart, offset) + 1 };
}

/** 1-based code-point column of `offset` on the line that starts at `lineStart`. */
export function columnAt(text: string, lineStart: number, offset: number): number {
  return codePointCount(text, lineStart, offset) + 1;
}
