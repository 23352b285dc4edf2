// Differential test: random master texts, existing rows + desired lists, and sections go to the
// TypeScript core (the specification) and to its PL/pgSQL port (sql/functions/10_pure.sql);
// the results must be identical. Cases are generated in bulk and sent to SQL in batches, so
// thousands of cases run in seconds. A failure prints the seed (SECTION_SYNC_SEED=<n> replays it)
// and the differing cases.

import type { DesiredSection, ExistingSection, SectionLimits } from '@section-sync/core';
import {
  isInSync,
  parse,
  plan,
  type RenderableSection,
  render,
  SectionFormatError,
} from '@section-sync/core';
import { backends, type TestDatabase } from '@section-sync/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  canonicalJson,
  type ParseCase,
  type PlanCase,
  representable,
  type SqlParseResult,
  sqlParse,
  sqlPlan,
  sqlRender,
  sqlRenderRows,
} from './sql-batch.js';

const PARSE_CASES = 1500;
const PLAN_CASES = 600;
const RENDER_CASES = 300;
const BATCH = 300;

const seed = Number(process.env.SECTION_SYNC_SEED ?? Math.floor(Math.random() * 2 ** 31));

// ---- characters -------------------------------------------------------------------------------

/** Characters that matter to the rules: white space, markers, JSON syntax, controls, Unicode. */
const special = fc.constantFrom(
  ' ',
  '  ',
  '\t',
  '\v',
  '\f',
  '\r',
  '-',
  '*',
  '•',
  '#',
  '.',
  ')',
  '(',
  '[',
  ']',
  '{',
  '}',
  '"',
  "'",
  '\\',
  '`',
  '```',
  ':',
  ',',
  '1',
  '12',
  '0',
  'é',
  'e\u0301',
  'Ä',
  'ß',
  '中文',
  '😀',
  '\u00a0',
  '\u3000',
  '\u2028',
  '\u200b',
  '\u0001',
  '\u0007',
  '\u001f',
  '\u007f',
  '\u0085',
  '\u009f',
  '\ufeff',
);
const word = fc.constantFrom('Intro', 'intro', 'Setup', 'The Plan', 'A', 'b', 'Résumé', '2024');

/** Any Unicode text but NUL (graphemes never hold a lone surrogate). */
function anyText(maxLength?: number): fc.Arbitrary<string> {
  return fc
    .string({ unit: 'grapheme', ...(maxLength === undefined ? {} : { maxLength }) })
    .map((s) => s.replaceAll('\u0000', ''));
}

/** Text a PostgreSQL `text` can hold: no NUL, no lone surrogate. */
const textPiece = fc.oneof(
  { weight: 4, arbitrary: word },
  { weight: 4, arbitrary: special },
  { weight: 1, arbitrary: anyText(4) },
);
const phrase = fc.array(textPiece, { maxLength: 6 }).map((parts) => parts.join(''));

/** Strings for JSON values: may also hold NUL and lone surrogates (JSON.stringify escapes them). */
const jsonString = fc.oneof(
  { weight: 6, arbitrary: phrase },
  {
    weight: 1,
    arbitrary: fc
      .tuple(phrase, fc.constantFrom('\u0000', '\ud800', '\udfff', '\ud83d', '\n', '\r\n'), phrase)
      .map(([a, b, c]) => a + b + c),
  },
  { weight: 1, arbitrary: fc.constantFrom('', '  ', ' x ', 'draft', 'done', '\t') },
);

// ---- master texts -----------------------------------------------------------------------------

const marker = fc.constantFrom(
  '',
  '',
  '',
  '1.',
  '12)',
  '(3)',
  '-',
  '*',
  '•',
  '#',
  '###',
  '######',
  '#######',
  '1.5',
  '()',
  '(a)',
  '-5',
  '1',
  '#x',
);
const afterMarker = fc.constantFrom(' ', '\t', '', '  ', '\v', ' \t');
const line = fc
  .tuple(
    fc.constantFrom('', ' ', '\t', '  ', '\v'),
    marker,
    afterMarker,
    phrase,
    fc.constantFrom('', ' ', '\r', '\t'),
  )
  .map((parts) => parts.join(''));
const linesText = fc
  .tuple(
    fc.array(fc.oneof(line, line, fc.constant('')), { maxLength: 10 }),
    fc.constantFrom('\n', '\r\n'),
  )
  .map(([lines, eol]) => lines.join(eol));

const jsonValue: fc.Arbitrary<unknown> = fc.oneof(
  jsonString,
  fc.constantFrom(1, 2, 1.5, -0, 0, 1e21, 9007199254740991, 9007199254740992, true, false, null),
  fc.constant([]),
  fc.constant({}),
);
/**
 * Number tokens JSON.stringify never writes: JavaScript reads them as doubles (1e400 is
 * Infinity, 1.0000000000000001 is 1), PostgreSQL as exact numerics. Written as a placeholder
 * string and put in place after stringifying.
 */
const rawNumber = fc
  .constantFrom(
    '1e400',
    '-1e400',
    '2e-400',
    '1.0000000000000001',
    '1E2',
    '-0.0',
    '9007199254740993',
    '3.0',
    '1e308',
    '0.1e1',
    // Exact ids and the edges of what PostgreSQL's numeric and float8 hold.
    '9223372036854775807',
    '9223372036854775808',
    '-9223372036854775808',
    '90071992547409930e-1',
    '1e3',
    '2.50e1',
    '25e-1',
    '1e-320',
    '1e-16383',
    '1e-16384',
    '0e-16384',
    '1e131071',
    '1e131072',
    '1e200000',
    '-1e-400',
  )
  .map((token) => `@@number:${token}@@`);
const numberish = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -3, max: 6 }) },
  { weight: 2, arbitrary: fc.constantFrom(0.5, -0, 2.5, 1e300, -1e300, 1e-7) },
  { weight: 1, arbitrary: rawNumber },
);
const objectItem = fc.record(
  {
    heading: fc.oneof({ weight: 5, arbitrary: jsonString }, { weight: 1, arbitrary: jsonValue }),
    title: fc.oneof({ weight: 3, arbitrary: jsonString }, { weight: 1, arbitrary: jsonValue }),
    description: fc.oneof(
      { weight: 5, arbitrary: jsonString },
      { weight: 1, arbitrary: jsonValue },
    ),
    status: fc.oneof({ weight: 5, arbitrary: jsonString }, { weight: 1, arbitrary: jsonValue }),
    id: fc.oneof(
      { weight: 5, arbitrary: fc.integer({ min: -5, max: 50 }) },
      { weight: 2, arbitrary: rawNumber },
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          '2',
          '-5',
          '0',
          '  2 ',
          '00012',
          '+5',
          '1e3',
          '2.0',
          '',
          '9007199254740993',
          '9223372036854775808',
        ),
      },
      { weight: 1, arbitrary: jsonValue },
    ),
    order: fc.oneof({ weight: 6, arbitrary: numberish }, { weight: 1, arbitrary: jsonValue }),
    other: jsonValue,
  },
  { requiredKeys: [] },
);
const item = fc.oneof(
  { weight: 4, arbitrary: objectItem },
  { weight: 3, arbitrary: jsonString },
  { weight: 1, arbitrary: jsonValue },
);
/** Objects that all carry a numeric order, so sorting (stable) is exercised often. */
const orderedItems = fc.array(
  fc.record({ heading: phrase, order: numberish }, { requiredKeys: ['order'] }),
  { maxLength: 8 },
);
const jsonRoot = fc.oneof(
  { weight: 5, arbitrary: fc.array(item, { maxLength: 8 }) },
  { weight: 3, arbitrary: orderedItems },
  { weight: 1, arbitrary: fc.array(item, { maxLength: 6 }).map((sections) => ({ sections })) },
  { weight: 1, arbitrary: jsonValue.map((sections) => ({ sections })) },
);
/** A value nested `depth` arrays or objects deep, around the limit of 64 levels. */
const nested = fc
  .tuple(fc.integer({ min: 60, max: 70 }), fc.boolean())
  .map(([depth, objects]) =>
    objects
      ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`
      : `${'['.repeat(depth)}${']'.repeat(depth)}`,
  )
  .map((text) => `@@number:${text}@@`);
const jsonText = fc
  .tuple(
    fc.oneof(
      { weight: 12, arbitrary: jsonRoot },
      {
        weight: 1,
        arbitrary: fc.array(fc.record({ heading: phrase, deep: nested }), { maxLength: 2 }),
      },
    ),
    fc.constantFrom(undefined, 2, '\t'),
  )
  .map(([root, indent]) =>
    JSON.stringify(root, null, indent).replace(/"@@number:([^@]+)@@"/g, (_, token: string) =>
      token.replaceAll('\\"', '"'),
    ),
  );

/** A text with one character deleted, replaced or inserted: mostly invalid JSON. */
const corrupted = (base: fc.Arbitrary<string>) =>
  fc
    .tuple(
      base,
      fc.nat(),
      fc.constantFrom('', ',', '"', ']', '}', 'x', '\n', '\\', ' '),
      fc.boolean(),
    )
    .map(([text, at, insert, remove]) => {
      // By code points, so no surrogate pair is split.
      const chars = Array.from(text);
      const i = chars.length === 0 ? 0 : at % chars.length;
      chars.splice(i, remove ? 1 : 0, insert);
      return chars.join('');
    });

const fence = (content: fc.Arbitrary<string>) =>
  fc
    .tuple(
      fc.constantFrom('```', '```json', '``` text ', '````', '```a`b', ' ```'),
      content,
      fc.constantFrom('\n```', '\n```\n', '\n  ```  ', '```', '\n````', '\n'),
      fc.constantFrom('', '\n\n', '  '),
    )
    .map(([open, body, close, around]) => `${around}${open}\n${body}${close}${around}`);

const masterText: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: linesText },
  { weight: 6, arbitrary: jsonText },
  { weight: 2, arbitrary: fence(fc.oneof(linesText, jsonText)) },
  { weight: 2, arbitrary: linesText.map((t) => JSON.stringify(t)) },
  { weight: 2, arbitrary: corrupted(jsonText) },
  { weight: 1, arbitrary: corrupted(linesText.map((t) => JSON.stringify(t))) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('', '   ', '\n\t\n', '[]', '{}', '""', '"', '[', '```\n```'),
  },
);

const limits: fc.Arbitrary<Partial<SectionLimits> | undefined> = fc.oneof(
  { weight: 4, arbitrary: fc.constant(undefined) },
  {
    weight: 1,
    arbitrary: fc.record(
      {
        maxSections: fc.integer({ min: 0, max: 6 }),
        maxHeadingLength: fc.integer({ min: 1, max: 12 }),
        maxDescriptionLength: fc.integer({ min: 0, max: 12 }),
        maxStatusLength: fc.integer({ min: 0, max: 6 }),
      },
      { requiredKeys: [] },
    ),
  },
);

const parseCase: fc.Arbitrary<ParseCase> = fc
  .tuple(masterText, limits)
  .map(([input, l]) => (l === undefined ? { input } : { input, limits: l }));

// ---- plan and render --------------------------------------------------------------------------

// Near-duplicates exercise steps 2 and 3; arbitrary phrases the rest.
const planHeading = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      'Intro',
      'intro',
      'INTRO',
      ' Intro ',
      'In  tro',
      'In\ttro',
      'in tro',
      'The  Plan',
      'the plan',
      'Ärger',
      'ärger',
      'Setup',
      'Section 1',
      '',
      'A',
      'B',
      'C',
    ),
  },
  { weight: 1, arbitrary: phrase },
);
const planText = fc.constantFrom('', 'one', 'two', 'Two ', 'x\ny');
const planStatus = fc.constantFrom('draft', 'review', 'done', '', 'Done');

const existingRows: fc.Arbitrary<ExistingSection[]> = fc
  .uniqueArray(fc.integer({ min: 1, max: 60 }).map(String), { maxLength: 14 })
  .chain((ids) =>
    fc.tuple(
      fc.constant(ids),
      fc.array(fc.record({ heading: planHeading, description: planText, status: planStatus }), {
        minLength: ids.length,
        maxLength: ids.length,
      }),
      fc.constantFrom('in order', 'gaps', 'shuffled', 'duplicate orders'),
      fc.array(fc.nat(), { minLength: ids.length, maxLength: ids.length }),
    ),
  )
  .map(([ids, rows, layout, noise]) => {
    // Orders 1..n, or with gaps, or repeated (rows written by hand in SQL).
    const orders = ids.map((_, i) =>
      layout === 'gaps'
        ? i + 1 + (noise[i]! % 3) * i
        : layout === 'duplicate orders'
          ? 1 + (noise[i]! % 4)
          : i + 1,
    );
    const sections = ids.map((id, i) => ({ id, order: orders[i]!, ...rows[i]! }));
    if (layout !== 'shuffled') return sections;
    // Rows may come in any order: plan takes them by order (stable).
    return sections
      .map((section, i) => [noise[i]! % 7, section] as const)
      .sort(([a], [b]) => a - b)
      .map(([, section]) => section);
  });

const desiredItems = (existing: readonly ExistingSection[]): fc.Arbitrary<DesiredSection[]> => {
  const id = fc.oneof(
    fc.integer({ min: 1, max: 70 }).map(String),
    ...(existing.length > 0 ? [fc.constantFrom(...existing.map((s) => s.id))] : []),
  );
  const kept = existing.length > 0 ? [fc.constantFrom(...existing.map((s) => s.heading))] : [];
  const heading = fc.oneof(planHeading, ...kept);
  return fc
    .array(
      fc.record(
        { heading, description: planText, status: planStatus, id },
        { requiredKeys: ['heading'] },
      ),
      { maxLength: 14 },
    )
    .map((items) => items.map((entry, i) => ({ order: i + 1, ...entry })));
};

const planCase: fc.Arbitrary<
  PlanCase & { existing: ExistingSection[]; desired: DesiredSection[] }
> = existingRows.chain((existing) =>
  desiredItems(existing).map((desired) => ({ existing, desired })),
);

/**
 * Edits of a list whose items all carry their sections' ids (shuffled, some dropped, some
 * fields changed, sometimes new items without an id): the lists plan_by_ids answers for, and
 * the near misses it must leave to the five steps (a duplicate id, an id of no section).
 */
const idEditCase: fc.Arbitrary<
  PlanCase & { existing: ExistingSection[]; desired: DesiredSection[] }
> = existingRows.chain((existing) =>
  fc
    .tuple(
      fc.array(fc.nat(), { minLength: existing.length, maxLength: existing.length }),
      fc.array(
        fc.record(
          { keep: fc.boolean(), heading: planHeading, description: planText, status: planStatus },
          { requiredKeys: ['keep'] },
        ),
        { minLength: existing.length, maxLength: existing.length },
      ),
      fc.array(fc.record({ heading: planHeading }), { maxLength: 3 }),
      fc.constantFrom('every id', 'a duplicate id', 'an unknown id'),
    )
    .map(([noise, edits, added, twist]) => {
      const kept = existing
        .map((section, i) => ({ section, edit: edits[i]!, rank: noise[i]! % 5 }))
        .filter(({ edit }) => edit.keep || noise.length < 3)
        .sort((a, b) => a.rank - b.rank)
        .map(({ section, edit }) => {
          const { keep: _, ...fields } = edit;
          return { id: section.id, heading: section.heading, ...fields };
        });
      if (twist === 'a duplicate id' && kept.length > 1) kept[1]!.id = kept[0]!.id;
      if (twist === 'an unknown id' && kept.length > 0) kept[0]!.id = '999';
      const desired = [...kept, ...added];
      return { existing, desired: desired.map((item, i) => ({ order: i + 1, ...item })) };
    }),
);

const isJson = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/** Canonical masters (every id, order = position) and near misses of the parser's shortcut. */
const canonicalCase: fc.Arbitrary<ParseCase> = fc
  .tuple(
    fc.array(
      fc.record({
        heading: fc.oneof(
          {
            weight: 3,
            arbitrary: fc.constantFrom('Intro', 'Set up', 'Écrire 😀', 'A "quoted" one'),
          },
          { weight: 2, arbitrary: phrase },
          { weight: 1, arbitrary: fc.constantFrom(' padded ', '', 'tab\there', 'x'.repeat(30)) },
        ),
        description: fc.oneof(phrase, fc.constant(''), fc.constantFrom('a\u0007b', 'two\nlines')),
        status: fc.oneof(
          { weight: 4, arbitrary: fc.constantFrom('draft', 'done') },
          { weight: 1, arbitrary: fc.oneof(planStatus, fc.constant('x'.repeat(12))) },
        ),
      }),
      { maxLength: 8 },
    ),
    fc.constantFrom(
      'canonical',
      'id 1.0',
      'id 2^53',
      'order off by one',
      'extra key',
      'no id',
      'no order',
      'a number for a heading',
      'string ids',
      'string id with a leading zero',
      'padded string id',
    ),
    fc.constantFrom(undefined, { maxHeadingLength: 20, maxStatusLength: 10 }),
  )
  .map(([fields, twist, limits]) => {
    const sections = fields.map((f, i) => ({ id: String(10 + i), order: i + 1, ...f }));
    let text = render(sections);
    if (sections.length > 0) {
      if (twist === 'id 1.0') text = text.replace('"id":10,', '"id":10.0,');
      if (twist === 'id 2^53') text = text.replace('"id":10,', '"id":9007199254740993,');
      if (twist === 'order off by one') text = text.replace('"order":1,', '"order":0,');
      if (twist === 'extra key') text = text.replace('"id":10,', '"id":10,"x":1,');
      if (twist === 'no id') text = text.replace('"id":10,', '"id":null,');
      if (twist === 'no order') text = text.replace('"order":1,', '');
      if (twist === 'a number for a heading')
        text = text.replace(/"heading":"[^"]*"/, '"heading":7');
      // What a master written from the wire's items looks like: ids as decimal strings.
      if (twist === 'string ids') text = text.replace(/\{"id":([0-9]+),/g, '{"id":"$1",');
      if (twist === 'string id with a leading zero') text = text.replace('"id":10,', '"id":"010",');
      if (twist === 'padded string id') text = text.replace('"id":10,', '"id":" 10",');
    }
    return { input: text, ...(limits ? { limits } : {}) };
  });

const renderRows: fc.Arbitrary<RenderableSection[]> = fc.array(
  fc.record({
    id: fc.oneof(fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }).map(String), fc.constant(null)),
    order: fc.integer({ min: 1, max: 600 }),
    heading: fc.oneof(phrase, anyText()),
    description: fc.oneof(phrase, fc.constant(''), fc.constant(null), planText),
    status: fc.oneof(planStatus, fc.constant(null), phrase),
  }),
  { maxLength: 10 },
);

// Posts whose master is the render of their rows, mostly in sync, each with at most one of the
// defects that make parse give back something else (or fail), and a few with another master.
const IN_SYNC_CASES = 600;
/** A row of the case, mutable while its defect is applied. */
type InSyncRow = {
  id: string;
  order: number;
  heading: string;
  description: string | null;
  status: string | null;
};
/** Each defect changes the row at `at` (or the rows after it); index keeps ids unique. */
const defects = {
  'untrimmed heading': (row) => {
    row.heading = ` ${row.heading}`;
  },
  'empty heading': (row) => {
    row.heading = '';
  },
  'heading control': (row) => {
    row.heading += '\u0007';
  },
  'heading newline': (row) => {
    row.heading = 'a\nb';
  },
  'heading C1 control': (row) => {
    row.heading += '\u0085';
  },
  'heading with tab': (row) => {
    row.heading = 'a\tb';
  },
  'heading at limit': (row) => {
    row.heading = 'h'.repeat(1000);
  },
  'heading over limit': (row) => {
    row.heading = 'h'.repeat(1001);
  },
  'empty status': (row) => {
    row.status = '';
  },
  'untrimmed status': (row) => {
    row.status = 'done ';
  },
  'status control': (row) => {
    row.status = 'do\u0001ne';
  },
  'description control': (row) => {
    row.description = 'x\u000b';
  },
  'description CRLF': (row) => {
    row.description = 'a\r\nb';
  },
  'description over limit': (row) => {
    row.description = 'd'.repeat(10_001);
  },
  'order gap': (_row, rows, at) => {
    for (const later of rows.slice(at)) later.order += 1;
  },
  // Not defects any more (ids are exact): both sides must still agree they are in sync.
  'id past 2^53': (row, _rows, _at, index) => {
    row.id = String(2n ** 53n + 1n + 2n * BigInt(index));
  },
  'id at 2^53 - 1': (row, _rows, _at, index) => {
    row.id = String(2n ** 53n - 1n - BigInt(index));
  },
  'id near 2^63': (row, _rows, _at, index) => {
    row.id = String(2n ** 63n - 1n - BigInt(index));
  },
} satisfies Record<string, (row: InSyncRow, rows: InSyncRow[], at: number, index: number) => void>;
/** Not a row defect: the master is not the rendering of the rows. */
const MASTER_DIFFERS = 'master differs';
type DefectKind = keyof typeof defects | typeof MASTER_DIFFERS;
interface InSyncSample {
  rows: { heading: string; description: string | null; status: string | null }[];
  defect: { at: number; kind: DefectKind } | null;
}
const inSyncCase: fc.Arbitrary<InSyncSample> = fc.record({
  rows: fc.array(
    fc.record({
      heading: fc.constantFrom(
        'Intro',
        'Set up',
        'Écrire',
        '数据 😀',
        'A "quoted" one',
        'back\\slash',
        '1. Numbered',
      ),
      description: fc.constantFrom(null, '', 'Notes', 'two\nlines'),
      status: fc.constantFrom(null, 'draft', 'done', 'in progress'),
    }),
    { maxLength: 8 },
  ),
  defect: fc.option(
    fc.record({
      at: fc.nat(),
      kind: fc.constantFrom<DefectKind>(
        ...(Object.keys(defects) as (keyof typeof defects)[]),
        MASTER_DIFFERS,
      ),
    }),
    { freq: 3 },
  ),
});
type InSyncCase = { rows: InSyncRow[]; master: string };

function withDefect(sample: InSyncSample, index: number): InSyncCase {
  const { rows: fields, defect } = sample;
  const rows: InSyncRow[] = fields.map((f, k) => ({
    id: String(index * 100 + k + 1),
    order: k + 1,
    ...f,
  }));
  const at = defect && rows.length > 0 ? defect.at % rows.length : -1;
  const row = rows[at];
  if (!defect || !row) return { rows, master: render(rows) };
  if (defect.kind === MASTER_DIFFERS) return { rows, master: `${render(rows)} ` };
  defects[defect.kind](row, rows, at, index);
  return { rows, master: render(rows) };
}

// ---- comparison -------------------------------------------------------------------------------

/** The TypeScript result in the SQL result's terms. */
function tsParse(input: ParseCase): SqlParseResult {
  try {
    return { items: parse(input.input, input.limits) as unknown as Record<string, unknown>[] };
  } catch (error) {
    if (!(error instanceof SectionFormatError)) throw error;
    return { error: { code: error.code, message: error.message, ...error.position } };
  }
}

/**
 * Whether a generated text nests near the limit of 64 levels (maybe corrupted too) or holds a
 * number numeric cannot: PostgreSQL's parser then never runs (or names no line), so only the
 * code is compared.
 */
function exceedsJsonLimit(input: string | null): boolean {
  return input !== null && /\[{30}|(\{\\?"a\\?":){30}|1e131072|1e200000|e-16384/.test(input);
}

/**
 * Everything both sides must agree on: items, or the code and position (line only for JSON
 * syntax), and the message, except where PostgreSQL words it differently: JSON syntax errors
 * (its parser's own words) and the characters jsonb cannot hold (NUL, lone surrogates).
 */
function comparable(result: SqlParseResult, input: string | null): unknown {
  if ('items' in result) return { items: result.items };
  const { message, ...error } = result.error;
  if (error.code === 'invalid_json' || error.code === 'invalid_string_literal') {
    // Past a limit (nesting, numeric range) PostgreSQL's parser never runs or names no line.
    if (exceedsJsonLimit(input)) return { error: { code: error.code } };
    return { error: { code: error.code, line: error.line } };
  }
  if (/U\+0000|U\+D[89A-F]/.test(message)) return { error };
  return { error: { ...error, message } };
}

function chunks<T>(list: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += BATCH) out.push(list.slice(i, i + BATCH));
  return out;
}

async function inBatches<T, R>(list: readonly T[], run: (part: T[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (const part of chunks(list)) out.push(...(await run(part)));
  return out;
}

function differences<T>(
  cases: readonly T[],
  ts: readonly unknown[],
  sql: readonly unknown[],
): { case: T; ts: unknown; sql: unknown }[] {
  return cases.flatMap((c, i) =>
    canonicalJson(ts[i]) === canonicalJson(sql[i]) ? [] : [{ case: c, ts: ts[i], sql: sql[i] }],
  );
}

describe.each(backends)(
  `TypeScript and SQL agree on random inputs on $name (seed ${seed})`,
  (backend) => {
    let t: TestDatabase;
    beforeAll(async () => {
      t = await backend.open();
    });
    afterAll(() => t?.close());

    it(`parse: ${PARSE_CASES} random master texts in every format`, async () => {
      const cases = fc
        .sample(parseCase, { numRuns: PARSE_CASES, seed })
        .filter((c) => representable(c.input));
      expect(cases.length).toBe(PARSE_CASES);
      const ts = cases.map((c) => comparable(tsParse(c), c.input));
      const sql = (await inBatches(cases, (part) => sqlParse(t.db, part))).map((r, i) =>
        comparable(r, cases[i]!.input),
      );
      const kinds = new Set(ts.map((r) => canonicalJson(r).slice(0, 20)));
      expect(kinds.size, 'the generator reaches both items and errors').toBeGreaterThan(5);
      expect(differences(cases, ts, sql), `seed ${seed}`).toEqual([]);
    });

    it(`plan: ${PLAN_CASES} random existing rows and desired lists`, async () => {
      const cases = fc.sample(planCase, { numRuns: PLAN_CASES, seed });
      const ts = cases.map((c) => plan(c.existing, c.desired));
      const sql = await inBatches(cases, (part) => sqlPlan(t.db, part));
      expect(differences(cases, ts, sql), `seed ${seed}`).toEqual([]);
    });

    it(`parse: ${PARSE_CASES} canonical masters and near misses (the canonical shortcut)`, async () => {
      const cases = fc.sample(canonicalCase, { numRuns: PARSE_CASES, seed });
      const ts = cases.map((c) => comparable(tsParse(c), c.input));
      const sql = (await inBatches(cases, (part) => sqlParse(t.db, part))).map((r, i) =>
        comparable(r, cases[i]!.input),
      );
      expect(differences(cases, ts, sql), `seed ${seed}`).toEqual([]);
      const { rows } = await t.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM jsonb_array_elements_text($1::jsonb) AS x(text)
         WHERE section_sync.canonical_items(x.text::jsonb, x.text, 1000, 10000, 100)`,
        [
          JSON.stringify(
            cases
              .filter((c) => !c.limits && c.input !== null && isJson(c.input))
              .map((c) => c.input),
          ),
        ],
      );
      expect(rows[0]!.n, 'the shortcut answers a good share').toBeGreaterThan(PARSE_CASES / 20);

      // The sync paths' parse_desired keeps a canonical master's ids as JSON numbers; with
      // them written as text it is parse(), item for item, wherever parse succeeds.
      const parsable = cases.filter(
        (c, i) => !c.limits && c.input !== null && 'items' in (ts[i] as object),
      );
      const { rows: agree } = await t.db.query<{ input: string; same: boolean }>(
        `SELECT x.text AS input,
                section_sync.parse(x.text) = (
                  SELECT coalesce(jsonb_agg(CASE WHEN jsonb_typeof(e.value -> 'id') = 'number'
                           THEN jsonb_set(e.value, '{id}', to_jsonb(e.value ->> 'id'))
                           ELSE e.value END ORDER BY e.ordinality), '[]')
                  FROM jsonb_array_elements(section_sync.parse_desired(x.text))
                    WITH ORDINALITY AS e) AS same
         FROM jsonb_array_elements_text($1::jsonb) AS x(text)`,
        [JSON.stringify(parsable.map((c) => c.input))],
      );
      expect(agree.length, 'cases that parse').toBeGreaterThan(PARSE_CASES / 10);
      expect(
        agree.filter((r) => !r.same).map((r) => r.input),
        `seed ${seed}`,
      ).toEqual([]);
    });

    it(`plan: ${PLAN_CASES} edits of lists carrying every id (the by-ids shortcut)`, async () => {
      const cases = fc.sample(idEditCase, { numRuns: PLAN_CASES, seed });
      const ts = cases.map((c) => plan(c.existing, c.desired));
      const sql = await inBatches(cases, (part) => sqlPlan(t.db, part));
      expect(differences(cases, ts, sql), `seed ${seed}`).toEqual([]);
      const { rows } = await t.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM jsonb_array_elements($1::jsonb) AS x(c)
         WHERE section_sync.plan_by_ids(x.c -> 'existing', x.c -> 'desired') IS NOT NULL`,
        [JSON.stringify(cases)],
      );
      expect(rows[0]!.n, 'the shortcut answers a good share').toBeGreaterThan(PLAN_CASES / 8);
      expect(rows[0]!.n, 'and leaves some to the five steps').toBeLessThan(PLAN_CASES);
    });

    // The trigger's path: plan_post reads the rows from post_section (in a transaction that is
    // rolled back, so duplicate orders can stand, as they can inside a writer's transaction).
    it(`plan_post: ${PLAN_CASES} posts' rows against random and id-carrying desired lists`, async () => {
      const sampled: { existing: ExistingSection[]; desired: DesiredSection[] }[] = [
        ...fc.sample(idEditCase, { numRuns: PLAN_CASES / 2, seed }),
        ...fc.sample(planCase, { numRuns: PLAN_CASES / 2, seed }),
      ];
      const cases = sampled.map((c, index) => {
        // Ids unique across posts: each post's ids move up by a block of their own.
        const shift = (id: string) => String(Number(id) + (index + 1) * 1000);
        // A table has no array order: rows with the same order come by id, as the trigger reads them.
        return {
          existing: c.existing
            .map((e) => ({ ...e, id: shift(e.id) }))
            .sort((a, b) => a.order - b.order || Number(a.id) - Number(b.id)),
          desired: c.desired.map((d) =>
            typeof d.id === 'string' ? { ...d, id: shift(d.id) } : d,
          ) as DesiredSection[],
        };
      });
      const ts = cases.map((c) => plan(c.existing, c.desired));
      const sql = await t.db
        .transaction(async (tx) => {
          await tx.query("SELECT set_config('section_sync.applying', 'on', true)");
          await tx.query(
            `INSERT INTO post_section (id, post_id, section_order, section_heading,
               section_description, status)
             SELECT x.id, x.post_id, x."order", x.heading, x.description, x.status
             FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, post_id bigint, "order" int,
               heading text, description text, status text)`,
            [
              JSON.stringify(
                cases.flatMap((c, index) => c.existing.map((e) => ({ ...e, post_id: index + 1 }))),
              ),
            ],
          );
          const { rows } = await tx.query<{ plans: unknown[] }>(
            `SELECT jsonb_agg(section_sync.plan_post(x.i::bigint, x.desired) ORDER BY x.i) AS plans
             FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(desired, i)`,
            [JSON.stringify(cases.map((c) => c.desired))],
          );
          throw { rolledBack: rows[0]!.plans };
        })
        .catch((error: { rolledBack?: unknown[] }) => {
          if (!error.rolledBack) throw error;
          return error.rolledBack;
        });
      expect(differences(cases, ts, sql), `seed ${seed}`).toEqual([]);
    });

    it(`in sync: in_sync_count agrees with isInSync on ${IN_SYNC_CASES} posts`, async () => {
      const cases = fc
        .sample(inSyncCase, { numRuns: IN_SYNC_CASES, seed })
        .map((sample, index) => withDefect(sample, index));
      const rows = cases.flatMap((c, index) =>
        c.rows.map((r) => ({
          id: r.id,
          post_id: index + 1,
          section_order: r.order,
          section_heading: r.heading,
          section_description: r.description,
          status: r.status,
        })),
      );
      await t.db.transaction(async (tx) => {
        await tx.query("SELECT set_config('session_replication_role', 'replica', true)");
        await tx.query('DELETE FROM post_section');
        // A host's own tables may allow NULL where ours say NOT NULL.
        await tx.query(
          'ALTER TABLE post_section ALTER COLUMN section_description DROP NOT NULL, ALTER COLUMN status DROP NOT NULL',
        );
        await tx.query(
          `INSERT INTO post_section (id, post_id, section_order, section_heading, section_description, status)
           SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, post_id bigint,
             section_order int, section_heading text, section_description text, status text)`,
          [JSON.stringify(rows)],
        );
      });
      const { rows: counts } = await t.db.query<{ n: number | null }>(
        `SELECT section_sync.in_sync_count(x.post_id, x.master) AS n
         FROM jsonb_to_recordset($1::jsonb) AS x(post_id bigint, master text)
         ORDER BY x.post_id`,
        [JSON.stringify(cases.map((c, index) => ({ post_id: index + 1, master: c.master })))],
      );
      const ts = cases.map((c) => (isInSync(c.master, c.rows) ? c.rows.length : null));
      const sql = counts.map((r) => (r.n === null ? null : Number(r.n)));
      expect(ts.filter((n) => n !== null).length, 'both outcomes are reached').toBeGreaterThan(100);
      expect(ts.filter((n) => n === null).length, 'both outcomes are reached').toBeGreaterThan(100);
      expect(differences(cases, ts, sql), `seed ${seed}`).toEqual([]);
    });

    it(`render: ${RENDER_CASES} random section lists, from jsonb and from rows`, async () => {
      const cases = fc.sample(renderRows, { numRuns: RENDER_CASES, seed });
      const ts = cases.map((rows) => render(rows));
      const fromJson = await inBatches(cases, (part) => sqlRender(t.db, part));
      const fromRows = await inBatches(cases, (part) => sqlRenderRows(t.db, part));
      expect(differences(cases, ts, fromJson), `seed ${seed}`).toEqual([]);
      expect(differences(cases, ts, fromRows), `seed ${seed}`).toEqual([]);
    });
  },
);
