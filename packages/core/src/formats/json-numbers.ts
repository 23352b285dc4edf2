/**
 * JSON numbers read exactly, from their literal text. `JSON.parse` turns every number into a
 * double, which rounds ids past 2^53 and turns `1e-400` into 0; PostgreSQL's `jsonb` keeps the
 * exact decimal (and refuses what its `numeric` cannot hold). Both parsers follow these rules.
 */

/** The range of a section id: PostgreSQL `bigint`. */
export const MAX_SECTION_ID = '9223372036854775807';
export const MIN_SECTION_ID = '-9223372036854775808';

/** A JSON number kept as written (the exact path of the parser: big or long literals). */
export class JsonNumber {
  readonly value: number;
  constructor(readonly literal: string) {
    this.value = Number(literal);
  }
}

const LITERAL = /^(-?)(0|[1-9][0-9]*)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?$/;

// PostgreSQL numeric input: an exponent of at least INT_MAX / 2 is refused outright, at most
// 16,383 digits after the point, and values below 10^131072.
const MAX_EXPONENT_DIGITS = 10;
const MAX_EXPONENT = 1073741823;
const MAX_SCALE = 16383;
const MAX_LEADING_EXPONENT = 131071;

interface Decimal {
  negative: boolean;
  /** Significant digits without leading zeros ('' for zero). */
  digits: string;
  /** Decimal exponent of the last digit of `digits`. */
  exponent: number;
  /** Digits after the point as PostgreSQL counts them (its `dscale`). */
  scale: number;
}

function decimalOf(literal: string): Decimal | undefined {
  const match = LITERAL.exec(literal);
  if (!match) return undefined;
  const [, sign, int, frac = '', exp = '0'] = match;
  const expDigits = exp.replace(/^[+-]?0*/, '');
  if (expDigits.length > MAX_EXPONENT_DIGITS) return undefined;
  const e = Number(exp);
  if (Math.abs(e) >= MAX_EXPONENT) return undefined;
  const all = (int! + frac).replace(/^0+/, '');
  return {
    negative: sign === '-',
    digits: all,
    exponent: e - frac.length,
    scale: Math.max(0, frac.length - e),
  };
}

/**
 * Whether PostgreSQL's JSON parser accepts this number literal (its `numeric` holds it):
 * `1e131071` and `1e-16383` yes, `1e131072`, `1e-16384` and `0e-16384` no.
 *
 * @example
 * isStorableNumber('1e-400'); // true
 * isStorableNumber('1e200000'); // false
 */
export function isStorableNumber(literal: string): boolean {
  const d = decimalOf(literal);
  if (d === undefined || d.scale > MAX_SCALE) return false;
  return d.digits === '' || d.exponent + d.digits.length - 1 <= MAX_LEADING_EXPONENT;
}

/**
 * The canonical decimal digits of a number literal whose exact value is a whole number
 * (`1e3` -> '1000', `2.0` -> '2', `-0` -> '0'), or undefined (`2.5`, `1.0000000000000001`).
 */
export function integerDigits(literal: string): string | undefined {
  const d = decimalOf(literal);
  if (d === undefined) return undefined;
  if (d.digits === '') return '0';
  let digits = d.digits;
  if (d.exponent < 0) {
    const fraction = digits.slice(digits.length + d.exponent);
    if (fraction.length < -d.exponent || /[^0]/.test(fraction)) return undefined;
    digits = digits.slice(0, digits.length + d.exponent);
  } else {
    // An id never has more than 19 digits: a longer whole number is out of range anyway.
    if (d.exponent > 40) return undefined;
    digits += '0'.repeat(d.exponent);
  }
  return (d.negative ? '-' : '') + digits;
}

/** Whether canonical decimal digits (optional '-', no leading zero) fit a `bigint`. */
export function withinSectionIdRange(digits: string): boolean {
  const limit = digits.startsWith('-') ? MIN_SECTION_ID : MAX_SECTION_ID;
  return digits.length < limit.length || (digits.length === limit.length && digits <= limit);
}

const ID_TEXT = /^(?:0|-?[1-9][0-9]*)$/;

/**
 * A section id as written in a master item, as its canonical decimal string, or undefined when
 * it is not one: a JSON number whose exact value is a whole number in the `bigint` range (`7`,
 * `7.0`, `7e0`, `-3`), or a string of exactly its canonical digits (`"7"`; not `"07"`, `" 7"`,
 * `"7e0"`, `"+7"`).
 *
 * @example
 * sectionIdOf(new JsonNumber('9007199254740993')); // '9007199254740993'
 * sectionIdOf('12'); // '12'
 * sectionIdOf(2.5); // undefined
 */
export function sectionIdOf(value: unknown): string | undefined {
  let digits: string | undefined;
  if (typeof value === 'number') {
    // The double path only sees short literals without exponent, which doubles hold exactly.
    digits = Number.isSafeInteger(value) ? String(value) : undefined;
  } else if (value instanceof JsonNumber) {
    digits = integerDigits(value.literal);
  } else if (typeof value === 'string') {
    digits = value;
  }
  if (digits === undefined || !ID_TEXT.test(digits) || !withinSectionIdRange(digits)) {
    return undefined;
  }
  return digits;
}

/**
 * The value of an `order` as a double (what items are sorted by), or undefined when it is not
 * a JSON number or its double is not finite or underflows (`1e400`, `1e-400`).
 */
export function orderValueOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (!(value instanceof JsonNumber)) return undefined;
  const n = value.value;
  if (!Number.isFinite(n)) return undefined;
  if (n === 0 && /[1-9]/.test(value.literal.replace(/[eE].*$/, ''))) return undefined;
  return n === 0 ? 0 : n; // -0 sorts as 0
}

/**
 * Literals the double path may get wrong: an exponent, or 16 and more digits (dots counted, so
 * this errs towards the exact path). Strings are not told apart: a false alarm only costs time.
 */
export const INEXACT_NUMBER = /[0-9][eE]|[0-9.]{16}/;

/**
 * A JSON text with every integer literal past 2^53 - 1 written as a string of its digits
 * (`{"id":9007199254740993}` -> `{"id":"9007199254740993"}`), so `JSON.parse` keeps them: an
 * HTTP body's section ids may be sent as numbers, and a numeric string means the same id.
 * Strings, fractions and exponents are left as they are; the text is not validated.
 *
 * @example
 * JSON.parse(quoteBigIntegers('[9007199254740993, 7]')); // ['9007199254740993', 7]
 */
export function quoteBigIntegers(json: string): string {
  if (!/[0-9]{16}/.test(json)) return json;
  let out = '';
  let copied = 0;
  let i = 0;
  while (i < json.length) {
    const c = json.charCodeAt(i);
    if (c === 0x22 /* " */) {
      i++;
      while (i < json.length && json.charCodeAt(i) !== 0x22)
        i += json.charCodeAt(i) === 0x5c ? 2 : 1;
      i++;
    } else if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      let end = i + 1;
      while (end < json.length && /[0-9.eE+-]/.test(json[end]!)) end++;
      const token = json.slice(i, end);
      if (/^-?[0-9]{16,}$/.test(token) && !Number.isSafeInteger(Number(token))) {
        out += `${json.slice(copied, i)}"${token}"`;
        copied = end;
      }
      i = end;
    } else {
      i++;
    }
  }
  return out + json.slice(copied);
}
