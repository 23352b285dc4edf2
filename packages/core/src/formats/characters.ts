/**
 * Character classes of the master format rules (README, rules 6 and 8), kept in one place so
 * the parser, the detector and the SQL port agree on what "white space" and "control" mean.
 */

/**
 * Trimming removes ASCII space, tab, `\n`, `\v`, `\f` and `\r` (U+0009–U+000D, U+0020), never
 * Unicode spaces: `String.prototype.trim` would also eat U+00A0 or U+3000, which the SQL port
 * cannot reproduce in every locale.
 */
export function isTrimmable(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

/** White space after a list marker: ASCII space or tab only. */
export function isMarkerSpace(code: number): boolean {
  return code === 32 || code === 9;
}

/** First index in `[start, end)` that is not trimmable (`end` when there is none). */
export function skipTrimmable(text: string, start: number, end: number): number {
  let i = start;
  while (i < end && isTrimmable(text.charCodeAt(i))) i++;
  return i;
}

/** One past the last index in `[start, end)` that is not trimmable (`start` when there is none). */
export function skipTrimmableBack(text: string, start: number, end: number): number {
  let i = end;
  while (i > start && isTrimmable(text.charCodeAt(i - 1))) i--;
  return i;
}

/** `value` trimmed by the rules; returns `value` itself (no copy) when nothing is trimmed. */
export function trimMaster(value: string): string {
  const n = value.length;
  if (n === 0) return value;
  if (!isTrimmable(value.charCodeAt(0)) && !isTrimmable(value.charCodeAt(n - 1))) return value;
  const start = skipTrimmable(value, 0, n);
  return value.slice(start, skipTrimmableBack(value, start, n));
}

/**
 * Control characters forbidden in headings and statuses: C0 but tab, DEL, C1, and lone
 * surrogates (with the `u` flag a class of surrogates matches only unpaired ones). Used to
 * locate the character once a check failed.
 */
export const HEADING_CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u{d800}-\u{dfff}]/u;

/** The same for descriptions, which may also hold `\n` and `\r` (multi-line text). */
export const DESCRIPTION_CONTROL =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u{d800}-\u{dfff}]/u;

// The hot path tests without the `u` flag (faster on text with astral characters) and leaves
// lone surrogates to `isWellFormed` (Node 20, current browsers; a regex where it is missing).
const HEADING_CONTROL_BMP = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/;
const DESCRIPTION_CONTROL_BMP = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\u{d800}-\u{dfff}]/u;
const hasIsWellFormed =
  typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function';

function hasLoneSurrogate(text: string): boolean {
  return hasIsWellFormed
    ? !(text as unknown as { isWellFormed(): boolean }).isWellFormed()
    : LONE_SURROGATE.test(text);
}

/** Whether a heading or status holds a character rule 8 forbids (`HEADING_CONTROL` finds it). */
export function hasHeadingControl(text: string): boolean {
  return HEADING_CONTROL_BMP.test(text) || hasLoneSurrogate(text);
}

/** Whether a description holds a character rule 8 forbids (`DESCRIPTION_CONTROL` finds it). */
export function hasDescriptionControl(text: string): boolean {
  return DESCRIPTION_CONTROL_BMP.test(text) || hasLoneSurrogate(text);
}

/** Number of Unicode code points of `text[start, end)` (a lone surrogate counts as one). */
export function codePointCount(text: string, start = 0, end = text.length): number {
  let count = end - start;
  for (let i = start; i < end - 1; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count--;
        i++;
      }
    }
  }
  return count;
}

/** `U+0007`: how a message names a character that cannot be shown as itself. */
export function codePointName(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The character at `index` for a message: quoted when printable, `U+XXXX` otherwise. */
export function describeCharacterAt(text: string, index: number): string {
  const code = text.codePointAt(index);
  if (code === undefined) return 'the end of the text';
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || (code >= 0xd800 && code <= 0xdfff)) {
    return codePointName(code);
  }
  return `'${String.fromCodePoint(code)}'`;
}
