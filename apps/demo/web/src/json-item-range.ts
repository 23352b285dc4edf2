/**
 * Where the `index`-th item of the top-level JSON array (or of its `sections` array) starts and
 * ends in `text`, so a 422 naming "item 3" can select it. `undefined` when it cannot be found.
 *
 * @example
 * jsonItemRange('[{"heading":"a"}, {"heading": 5}]', 1); // { start: 17, end: 31 }
 */
export function jsonItemRange(
  text: string,
  index: number,
): { start: number; end: number } | undefined {
  const open = arrayStart(text);
  if (open === undefined) return undefined;
  let depth = 0;
  let item = 0;
  let start: number | undefined;
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      start ??= i;
      i = stringEnd(text, i);
      continue;
    }
    if (depth === 0 && (c === ',' || c === ']')) {
      if (item === index && start !== undefined) return { start, end: trimEnd(text, i) };
      if (c === ']') return undefined;
      item++;
      start = undefined;
      continue;
    }
    if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    if (!/\s/.test(c)) start ??= i;
  }
  return undefined;
}

/** The `[` of the array of items: the root, or the value of a root object's `sections`. */
function arrayStart(text: string): number | undefined {
  const first = text.search(/\S/);
  if (first < 0) return undefined;
  if (text[first] === '[') return first;
  const sections = /"sections"\s*:\s*\[/.exec(text);
  return sections ? sections.index + sections[0].length - 1 : undefined;
}

function stringEnd(text: string, quote: number): number {
  for (let i = quote + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return text.length;
}

function trimEnd(text: string, end: number): number {
  let i = end;
  while (i > 0 && /\s/.test(text[i - 1]!)) i--;
  return i;
}
