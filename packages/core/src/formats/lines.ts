import { SectionFormatError } from '../errors.js';
import type { DesiredSection, SectionLimits } from '../types.js';
import {
  codePointName,
  HEADING_CONTROL,
  hasHeadingControl,
  skipTrimmable,
  skipTrimmableBack,
} from './characters.js';
import { exceedsLength } from './limits.js';
import { markerLength } from './markers.js';
import { columnAt } from './position.js';

/** Which text line numbers refer to, for messages. */
export interface LineSource {
  text: string;
  /** Region holding the lines: starts at a line start. */
  start: number;
  end: number;
  /** 1-based number of the line at `start`. */
  firstLine: number;
  /** Words after "Line N" naming the text when it is not the master itself. */
  label: string;
}

/**
 * Rule 5: one section per non-blank line, one leading list marker stripped. Two passes: the
 * first finds the non-blank lines and enforces `maxSections` before any line's content is
 * judged (as the JSON path does), the second builds the sections.
 *
 * @example
 * parseLines({ text: '1. Intro\n2. Setup', start: 0, end: 17, firstLine: 1, label: '' }, DEFAULT_LIMITS);
 * // [{ order: 1, heading: 'Intro' }, { order: 2, heading: 'Setup' }]
 */
export function parseLines(source: LineSource, limits: Readonly<SectionLimits>): DesiredSection[] {
  const { text, end } = source;
  // Per non-blank line: trimmed start, trimmed end, line start, line number.
  const found: number[] = [];
  let count = 0;
  let firstPastLimit = 0;
  let line = source.firstLine;
  for (let lineStart = source.start; lineStart <= end; line++) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1 || lineEnd > end) lineEnd = end;
    const from = skipTrimmable(text, lineStart, lineEnd);
    if (from < lineEnd) {
      count++;
      if (count <= limits.maxSections) {
        found.push(from, skipTrimmableBack(text, from, lineEnd), lineStart, line);
      } else if (firstPastLimit === 0) {
        firstPastLimit = line;
      }
    }
    lineStart = lineEnd + 1;
  }
  if (count > limits.maxSections) {
    throw new SectionFormatError(
      'too_many_sections',
      `Too many sections: ${count}, the limit is ${limits.maxSections} (section ${limits.maxSections + 1} is on line ${firstPastLimit}${source.label})`,
      { line: firstPastLimit },
    );
  }
  const sections: DesiredSection[] = new Array(count);
  for (let k = 0; k < count; k++) {
    const from = found[4 * k]!;
    const to = found[4 * k + 1]!;
    const marker = markerLength(text, from, to);
    const headingStart = marker === 0 ? from : skipTrimmable(text, from + marker, to);
    const heading = text.slice(headingStart, to);
    checkLineHeading(source, heading, headingStart, found[4 * k + 2]!, found[4 * k + 3]!, limits);
    sections[k] = { order: k + 1, heading };
  }
  return sections;
}

function checkLineHeading(
  source: LineSource,
  heading: string,
  headingStart: number,
  lineStart: number,
  line: number,
  limits: Readonly<SectionLimits>,
): void {
  if (hasHeadingControl(heading)) {
    const control = HEADING_CONTROL.exec(heading)!;
    const column = columnAt(source.text, lineStart, headingStart + control.index);
    const name = codePointName(heading.codePointAt(control.index)!);
    throw new SectionFormatError(
      'control_character',
      `Line ${line}${source.label}, column ${column}: control character ${name} is not allowed in a heading`,
      { line, column },
    );
  }
  if (exceedsLength(heading, limits.maxHeadingLength)) {
    const column = columnAt(source.text, lineStart, headingStart);
    throw new SectionFormatError(
      'heading_too_long',
      `Line ${line}${source.label}, column ${column}: the heading has ${[...heading].length} characters, the limit is ${limits.maxHeadingLength}`,
      { line, column },
    );
  }
}
