import { JsonNumber } from './json-numbers.js';

type Container = { value: unknown[] | Record<string, unknown>; key: string | undefined };

/**
 * `JSON.parse` of `text[start, end)` that keeps each number's literal (`JsonNumber`), so
 * `9007199254740993` and `1e-400` stay what they say. Only for text the syntax scanner found
 * valid (it checks nothing itself) and only when a literal needs it: it is slower than V8.
 * Iterative, like the scanner; duplicate keys: the last wins, as in `JSON.parse`.
 *
 * @example
 * parseExactJson('[{"id":9007199254740993}]', 0, 25); // [{ id: JsonNumber { literal: '9007199254740993' } }]
 */
export function parseExactJson(text: string, start: number, end: number): unknown {
  const stack: Container[] = [];
  let root: unknown;
  let i = start;
  const place = (value: unknown): void => {
    const top = stack[stack.length - 1];
    if (top === undefined) {
      root = value;
    } else if (Array.isArray(top.value)) {
      top.value.push(value);
    } else {
      // defineProperty: a "__proto__" key is an own property, as JSON.parse makes it.
      Object.defineProperty(top.value, top.key!, {
        value,
        writable: true,
        enumerable: true,
        configurable: true,
      });
      top.key = undefined;
    }
  };
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x2c || c === 0x3a) {
      i++;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      const value = c === 0x5b ? [] : {};
      place(value);
      stack.push({ value, key: undefined });
      i++;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      stack.pop();
      i++;
    } else if (c === 0x22 /* " */) {
      const close = stringEnd(text, i);
      const decoded = JSON.parse(text.slice(i, close)) as string;
      const top = stack[stack.length - 1];
      if (top !== undefined && !Array.isArray(top.value) && top.key === undefined) {
        top.key = decoded;
      } else {
        place(decoded);
      }
      i = close;
    } else if (c === 0x74 /* t */ || c === 0x66 /* f */ || c === 0x6e /* n */) {
      const word = c === 0x74 ? 'true' : c === 0x66 ? 'false' : 'null';
      place(c === 0x74 ? true : c === 0x66 ? false : null);
      i += word.length;
    } else {
      let j = i + 1;
      while (j < end && isNumberChar(text.charCodeAt(j))) j++;
      place(new JsonNumber(text.slice(i, j)));
      i = j;
    }
  }
  return root;
}

/** The offset after the closing quote of the (valid) string opening at `open`. */
function stringEnd(text: string, open: number): number {
  let i = open + 1;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    i += c === 0x5c ? 2 : 1;
  }
}

function isNumberChar(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) ||
    code === 0x2e ||
    code === 0x65 ||
    code === 0x45 ||
    code === 0x2b ||
    code === 0x2d
  );
}
