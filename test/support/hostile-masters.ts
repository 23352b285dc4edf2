import fc from 'fast-check';
import { MASTER_FORMATS, masterIn } from './masters.js';

// Master texts no one should send, and some everyone sends: what the fuzz tests write through
// the API and through plain SQL. Each arbitrary is named for the attack it models.

const word = fc.constantFrom('Intro', 'Setup', 'Über', '中文', '😀', 'a', "O'Brien", '$$', '\\');
const heading = fc.array(word, { minLength: 1, maxLength: 4 }).map((w) => w.join(' '));

/** Valid masters in every format (the baseline: these must sync). */
const validMaster = fc
  .tuple(
    fc.constantFrom(...MASTER_FORMATS.filter((f) => f !== 'array')),
    fc.array(heading, { minLength: 1, maxLength: 8 }),
  )
  .map(
    ([format, headings]) =>
      masterIn(
        format,
        headings.map((h) => ({ heading: h })),
      ) as string,
  );

/** Random bytes read as UTF-8 (U+FFFD for broken sequences) or Latin-1 (every control char). */
const randomBytes = fc
  .tuple(
    fc.uint8Array({ maxLength: 300 }),
    fc.constantFrom('utf8', 'latin1') as fc.Arbitrary<BufferEncoding>,
  )
  .map(([bytes, encoding]) => Buffer.from(bytes).toString(encoding));

/** A valid JSON master with one character deleted, replaced or inserted. */
const brokenJson = fc
  .tuple(
    validMaster.filter((t) => /^[[{"]/.test(t)),
    fc.nat(),
    fc.constantFrom('', ',', '"', ']', '}', '{', '[', ':', '\\', 'x', '\n'),
    fc.boolean(),
  )
  .map(([text, at, insert, remove]) => {
    const chars = Array.from(text);
    const i = at % Math.max(1, chars.length);
    chars.splice(i, remove ? 1 : 0, insert);
    return chars.join('');
  });

/** Deeply nested JSON: arrays in arrays, objects in objects, and in a `sections` wrapper. */
const deeplyNested = fc
  .tuple(
    fc.constantFrom(50, 1_000, 20_000, 100_000),
    fc.constantFrom('array', 'object', 'wrapped', 'unclosed'),
  )
  .map(([depth, shape]) => {
    if (shape === 'array') return '['.repeat(depth) + ']'.repeat(depth);
    if (shape === 'object') return `[${'{"heading":'.repeat(depth)}"x"${'}'.repeat(depth)}]`;
    if (shape === 'wrapped') return `{"sections":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    return '['.repeat(depth);
  });

/** Huge inputs: near and past the limits (sections, heading and description length, body size). */
const huge = fc.constantFrom(
  `1. ${'h'.repeat(1000)}`,
  `1. ${'h'.repeat(1001)}`,
  Array.from({ length: 500 }, (_, i) => `- S${i}`).join('\n'),
  Array.from({ length: 501 }, (_, i) => `- S${i}`).join('\n'),
  JSON.stringify([{ heading: 'Big', description: 'd'.repeat(10_000) }]),
  JSON.stringify([{ heading: 'Big', description: 'd'.repeat(10_001) }]),
  JSON.stringify([{ heading: 'Big', status: 's'.repeat(101) }]),
  `1. ${'x'.repeat(900_000)}`,
  // Over the 1 MiB body limit once wrapped in the request.
  `1. ${'y'.repeat(1_100_000)}`,
);

/** Control characters (and NUL, lone surrogates, BOM, bidi) dropped into valid text. */
const withControlCharacters = fc
  .tuple(
    validMaster,
    fc.nat(),
    fc.constantFrom(
      '\u0000',
      '\u0001',
      '\u0007',
      '\u001b',
      '\u007f',
      '\u0085',
      '\u009f',
      '\r',
      '\v',
      '\f',
      '\ud800',
      '\udfff',
      '\ufeff',
      '\u202e',
      '\u2028',
      '\\u0000',
      '\\ud800',
    ),
  )
  .map(([text, at, char]) => {
    const chars = Array.from(text);
    chars.splice(at % Math.max(1, chars.length), 0, char);
    return chars.join('');
  });

/** What LLMs return: commentary around fences, fences inside fences, half-finished JSON. */
const llmLike = fc
  .tuple(
    fc.constantFrom('', 'Sure! Here is the outline:\n\n', 'Here you go:\n', '```\n'),
    fc.constantFrom('```json\n', '```\n', '``` json\n', '````\n', ''),
    validMaster,
    fc.constantFrom('\n```', '\n```\n', '', '\n``', '\n```\n\nLet me know if you want changes!'),
  )
  .map((parts) => parts.join(''));

/** SQL-looking text: must be stored as written, never executed. */
const sqlLooking = fc.constantFrom(
  "1. '); DROP TABLE post_section; --\n2. $$; DELETE FROM post_development; $$",
  '["\\"; TRUNCATE section_sync_log; --", "Robert\'); DROP TABLE students;--"]',
  "- \\'; SELECT pg_sleep(10); --\n- E'\\\\x00'",
  '[{"heading": "x", "description": "$body$ || (SELECT current_user) || $body$"}]',
);

/** Everything above, weighted so valid masters still make up a good share. */
export const hostileMaster: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: validMaster },
  { weight: 2, arbitrary: randomBytes },
  { weight: 3, arbitrary: brokenJson },
  { weight: 1, arbitrary: deeplyNested },
  { weight: 1, arbitrary: huge },
  { weight: 2, arbitrary: withControlCharacters },
  { weight: 2, arbitrary: llmLike },
  { weight: 1, arbitrary: sqlLooking },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
);
