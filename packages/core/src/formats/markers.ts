import { isMarkerSpace } from './characters.js';

/** The kinds of list marker rule 5 strips; `detectFormat` counts them. */
export type MarkerKind = 'numbered' | 'markdown';

/**
 * Length of the list marker at `text[start]` (up to `end`), or 0 when there is none: `1.`
 * `1)` `(1)` (any number of ASCII digits), `-` `*` `•`, or `#` to `######`, and only when
 * followed by a space or tab. The white space itself is not counted.
 *
 * @example
 * markerLength('12) Intro', 0, 9); // 3
 * markerLength('1.5 Million Users', 0, 17); // 0
 */
export function markerLength(text: string, start: number, end: number): number {
  let i = start;
  const c = text.charCodeAt(i);
  if (c >= 0x30 && c <= 0x39) {
    while (i < end && isAsciiDigit(text.charCodeAt(i))) i++;
    const after = text.charCodeAt(i);
    if (i >= end || (after !== 0x2e /* . */ && after !== 0x29) /* ) */) return 0;
    i++;
  } else if (c === 0x28 /* ( */) {
    i++;
    const digits = i;
    while (i < end && isAsciiDigit(text.charCodeAt(i))) i++;
    if (i === digits || i >= end || text.charCodeAt(i) !== 0x29) return 0;
    i++;
  } else if (c === 0x2d /* - */ || c === 0x2a /* * */ || c === 0x2022 /* • */) {
    i++;
  } else if (c === 0x23 /* # */) {
    while (i < end && i - start < 7 && text.charCodeAt(i) === 0x23) i++;
    if (i - start > 6) return 0;
  } else {
    return 0;
  }
  return i < end && isMarkerSpace(text.charCodeAt(i)) ? i - start : 0;
}

/** The kind of a marker found by `markerLength` (its first character decides). */
export function markerKind(text: string, start: number): MarkerKind {
  const c = text.charCodeAt(start);
  return c === 0x28 || (c >= 0x30 && c <= 0x39) ? 'numbered' : 'markdown';
}

function isAsciiDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}
