import { MAX_JSON_DEPTH } from '../types.js';
import { codePointName, describeCharacterAt } from './characters.js';
import { isStorableNumber } from './json-numbers.js';

/** Where and why a text is not JSON: a UTF-16 offset and a phrase for the message. */
export interface JsonSyntaxProblem {
  offset: number;
  problem: string;
}

// What the scanner expects next.
const Expect = {
  Value: 0,
  ValueOrArrayEnd: 1,
  KeyOrObjectEnd: 2,
  Key: 3,
  Colon: 4,
  AfterValue: 5,
} as const;
type Expect = (typeof Expect)[keyof typeof Expect];

/**
 * Finds the first JSON syntax error in `text[start, end)`: the first character at which the
 * text can no longer be the beginning of a valid JSON text, or `end` when the text stops too
 * early. Two limits count as syntax here, because PostgreSQL's parser has them too: nesting
 * deeper than `MAX_JSON_DEPTH` arrays and objects, and numbers its `numeric` cannot hold. Runs
 * only after `JSON.parse` failed or a limit was found exceeded (V8 does not give a position for
 * every error, and its wording changes between versions), so it favours clear messages over
 * speed. Iterative, so deeply nested input cannot overflow the stack.
 *
 * @example
 * findJsonSyntaxProblem('[1 2]', 0, 5); // { offset: 3, problem: "expected ',' or ']' after an array item, found '2'" }
 */
export function findJsonSyntaxProblem(
  text: string,
  start: number,
  end: number,
): JsonSyntaxProblem | undefined {
  // true: array, false: object
  const stack: boolean[] = [];
  let expect: Expect = Expect.Value;
  let i = start;
  for (;;) {
    while (i < end && isJsonSpace(text.charCodeAt(i))) i++;
    if (expect === Expect.AfterValue && stack.length === 0) {
      return i < end
        ? { offset: i, problem: `unexpected ${found(text, i, end)} after the JSON value` }
        : undefined;
    }
    if (i >= end) return { offset: end, problem: endProblem(expect, stack) };
    const c = text.charCodeAt(i);
    switch (expect) {
      case Expect.ValueOrArrayEnd:
      case Expect.Value: {
        if (c === 0x5d /* ] */ && expect === Expect.ValueOrArrayEnd) {
          stack.pop();
          i++;
          expect = Expect.AfterValue;
          break;
        }
        if ((c === 0x5b /* [ */ || c === 0x7b) /* { */ && stack.length >= MAX_JSON_DEPTH) {
          return { offset: i, problem: tooDeep() };
        }
        if (c === 0x5b /* [ */) {
          stack.push(true);
          i++;
          expect = Expect.ValueOrArrayEnd;
          break;
        }
        if (c === 0x7b /* { */) {
          stack.push(false);
          i++;
          expect = Expect.KeyOrObjectEnd;
          break;
        }
        const scanned = scanScalar(text, i, end);
        if (typeof scanned !== 'number') return scanned;
        i = scanned;
        expect = Expect.AfterValue;
        break;
      }
      case Expect.KeyOrObjectEnd:
      case Expect.Key: {
        if (c === 0x7d /* } */ && expect === Expect.KeyOrObjectEnd) {
          stack.pop();
          i++;
          expect = Expect.AfterValue;
          break;
        }
        if (c !== 0x22 /* " */) {
          const wanted =
            expect === Expect.Key
              ? 'a property name in double quotes'
              : "a property name in double quotes or '}'";
          return { offset: i, problem: `expected ${wanted}, found ${found(text, i, end)}` };
        }
        const scanned = scanString(text, i, end);
        if (typeof scanned !== 'number') return scanned;
        i = scanned;
        expect = Expect.Colon;
        break;
      }
      case Expect.Colon: {
        if (c !== 0x3a /* : */) {
          return {
            offset: i,
            problem: `expected ':' after the property name, found ${found(text, i, end)}`,
          };
        }
        i++;
        expect = Expect.Value;
        break;
      }
      case Expect.AfterValue: {
        const inArray = stack[stack.length - 1];
        if (c === 0x2c /* , */) {
          i++;
          expect = inArray ? Expect.Value : Expect.Key;
        } else if (c === (inArray ? 0x5d : 0x7d)) {
          stack.pop();
          i++;
        } else {
          return {
            offset: i,
            problem: inArray
              ? `expected ',' or ']' after an array item, found ${found(text, i, end)}`
              : `expected ',' or '}' after a property value, found ${found(text, i, end)}`,
          };
        }
        break;
      }
    }
  }
}

function isJsonSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

function found(text: string, i: number, end: number): string {
  return i >= end ? 'the end of the text' : describeCharacterAt(text, i);
}

function endProblem(expect: Expect, stack: boolean[]): string {
  const open = stack.length === 0 ? 'the JSON' : stack[stack.length - 1] ? 'an array' : 'an object';
  const wanted =
    expect === Expect.Value || expect === Expect.ValueOrArrayEnd
      ? 'a value'
      : expect === Expect.Colon
        ? "':'"
        : expect === Expect.AfterValue
          ? open === 'an array'
            ? "',' or ']'"
            : "',' or '}'"
          : 'a property name';
  return `the text ends inside ${open}, expected ${wanted}`;
}

/** Scans a string, number or literal at `i`: the offset after it, or the problem. */
function scanScalar(text: string, i: number, end: number): number | JsonSyntaxProblem {
  const c = text.charCodeAt(i);
  if (c === 0x22) return scanString(text, i, end);
  if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return scanNumber(text, i, end);
  if (c === 0x74) return scanWord(text, i, end, 'true');
  if (c === 0x66) return scanWord(text, i, end, 'false');
  if (c === 0x6e) return scanWord(text, i, end, 'null');
  return { offset: i, problem: `expected a value, found ${found(text, i, end)}` };
}

function scanWord(text: string, i: number, end: number, word: string): number | JsonSyntaxProblem {
  for (let k = 0; k < word.length; k++) {
    if (i + k >= end || text.charCodeAt(i + k) !== word.charCodeAt(k)) {
      return {
        offset: i + k,
        problem: `expected '${word}', found ${found(text, i + k, end)}`,
      };
    }
  }
  return i + word.length;
}

function scanString(text: string, open: number, end: number): number | JsonSyntaxProblem {
  let i = open + 1;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c < 0x20) {
      return {
        offset: i,
        problem: `control character ${codePointName(c)} inside a string (write it as an escape such as \\n)`,
      };
    }
    if (c !== 0x5c) {
      i++;
      continue;
    }
    const escaped = i + 1 < end ? text.charCodeAt(i + 1) : -1;
    if (escaped === 0x75 /* u */) {
      for (let k = i + 2; k < i + 6; k++) {
        if (k >= end) break;
        if (!isHexDigit(text.charCodeAt(k))) {
          return {
            offset: k,
            problem: `expected 4 hexadecimal digits after \\u, found ${found(text, k, end)}`,
          };
        }
      }
      i += 6;
    } else if (escaped === -1) {
      i++;
    } else if ('"\\/bfnrt'.includes(String.fromCharCode(escaped))) {
      i += 2;
    } else {
      return {
        offset: i + 1,
        problem: `invalid escape: a backslash cannot be followed by ${found(text, i + 1, end)}`,
      };
    }
  }
  return {
    offset: end,
    problem: 'the text ends inside a string (a closing " is missing)',
  };
}

function isHexDigit(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x41 && code <= 0x46) ||
    (code >= 0x61 && code <= 0x66)
  );
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function scanNumber(text: string, start: number, end: number): number | JsonSyntaxProblem {
  let i = start;
  if (text.charCodeAt(i) === 0x2d) i++;
  if (i < end && text.charCodeAt(i) === 0x30) {
    i++;
  } else if (i < end && isDigit(text.charCodeAt(i))) {
    while (i < end && isDigit(text.charCodeAt(i))) i++;
  } else {
    return digitExpected(text, i, end, "after '-'");
  }
  if (i < end && text.charCodeAt(i) === 0x2e) {
    i++;
    if (!(i < end && isDigit(text.charCodeAt(i)))) {
      return digitExpected(text, i, end, "after '.' in a number");
    }
    while (i < end && isDigit(text.charCodeAt(i))) i++;
  }
  const mantissaEnd = i;
  if (i < end && (text.charCodeAt(i) === 0x65 || text.charCodeAt(i) === 0x45)) {
    i++;
    if (i < end && (text.charCodeAt(i) === 0x2b || text.charCodeAt(i) === 0x2d)) i++;
    if (!(i < end && isDigit(text.charCodeAt(i)))) {
      return digitExpected(text, i, end, 'in the exponent of a number');
    }
    while (i < end && isDigit(text.charCodeAt(i))) i++;
  }
  // Without an exponent only a literal longer than the scale limit can be out of range.
  if ((i > mantissaEnd || i - start > 16383) && !isStorableNumber(text.slice(start, i))) {
    const shown = i - start > 40 ? `${text.slice(start, start + 20)}...` : text.slice(start, i);
    return {
      offset: start,
      problem: `the number ${shown} is out of range (at most 131072 digits before the decimal point and 16383 after it)`,
    };
  }
  return i;
}

/** The message of a text nested deeper than the limit. */
export function tooDeep(): string {
  return `arrays and objects are nested deeper than ${MAX_JSON_DEPTH} levels`;
}

function digitExpected(text: string, i: number, end: number, where: string): JsonSyntaxProblem {
  return { offset: i, problem: `expected a digit ${where}, found ${found(text, i, end)}` };
}
