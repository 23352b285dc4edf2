import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SectionFormatError } from '../src/errors.js';
import { detectFormat, parse } from '../src/formats/index.js';
import { findJsonSyntaxProblem } from '../src/formats/json-syntax.js';
import type { DesiredSection } from '../src/types.js';

// Independent restatements of rules 6 and 8, so the properties do not reuse the parser's code.
const FORBIDDEN_IN_HEADING = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u{d800}-\u{dfff}]/u;
const FORBIDDEN_IN_DESCRIPTION =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u{d800}-\u{dfff}]/u;
const TRIMMABLE = /^[\t\n\v\f\r ]|[\t\n\v\f\r ]$/;

/** Any UTF-16 code unit, so lone surrogates and every control character occur. */
const anyUnit = fc.nat(0xffff).map((code) => String.fromCharCode(code));
/** Characters that make line and JSON syntax interesting. */
const syntaxUnit = fc.constantFrom(
  ...[...'[]{}",:\\ \t\n\r\u000b#-*•().0123456789`abcABC\u0007\u0085é😀\ud800'],
  '\r\n',
  '```',
  '```json\n',
  '\\u0000',
  '\\ud800',
  '"heading":',
  '"order":',
  '"sections":',
);
/** Mostly printable text with the occasional troublemaker, so that many inputs parse. */
const mostlyPrintable = fc.oneof(
  { weight: 30, arbitrary: fc.constantFrom(...[...'abc XYZ 019 -#*.()[]{}"\',:é中😀\t']) },
  { weight: 1, arbitrary: syntaxUnit },
);
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: anyUnit, maxLength: 80 }),
  fc.string({ unit: syntaxUnit, maxLength: 60 }),
);

/** JSON-ish master texts: real JSON values, sometimes broken by one edit. */
/** Mostly valid field values, with every kind of wrong value now and then. */
function mostly<T, U>(valid: fc.Arbitrary<T>, wrong: fc.Arbitrary<U>): fc.Arbitrary<T | U> {
  return fc.oneof({ weight: 8, arbitrary: valid }, { weight: 1, arbitrary: wrong });
}
const jsonItem = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: mostlyPrintable, maxLength: 12 }) },
  {
    weight: 6,
    arbitrary: fc.record(
      {
        heading: mostly(
          fc.string({ unit: mostlyPrintable, maxLength: 10 }),
          fc.oneof(fc.constant(null), fc.nat()),
        ),
        title: mostly(fc.string({ unit: mostlyPrintable, maxLength: 6 }), fc.boolean()),
        description: mostly(
          fc.string({ unit: mostlyPrintable, maxLength: 10 }),
          fc.oneof(fc.constant(null), fc.string({ unit: anyUnit, maxLength: 10 })),
        ),
        status: mostly(fc.constantFrom('draft', ' done ', ''), fc.constantFrom('a\nb', 5)),
        id: mostly(fc.integer(), fc.oneof(fc.double(), fc.constant('7'))),
        order: mostly(
          fc.integer({ min: -5, max: 5 }),
          fc.oneof(fc.double({ noNaN: true }), fc.constant(null), fc.constant('1')),
        ),
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);
const jsonText = fc
  .tuple(
    fc.array(jsonItem, { maxLength: 6 }),
    fc.boolean(),
    fc.option(fc.tuple(fc.nat(), fc.nat(), fc.string({ unit: syntaxUnit, maxLength: 3 })), {
      freq: 2,
    }),
  )
  .map(([items, wrapped, edit]) => {
    let json = JSON.stringify(
      wrapped ? { sections: items } : items,
      null,
      items.length % 2 ? 2 : 0,
    );
    if (edit) {
      const [at, remove, insert] = edit;
      const start = at % (json.length + 1);
      json = json.slice(0, start) + insert + json.slice(start + (remove % 3));
    }
    return json;
  });

/** Line-ish master texts: marker, heading text and line ends mixed freely, maybe fenced or quoted. */
const marker = fc.constantFrom(
  '',
  '1. ',
  '12) ',
  '(3) ',
  '- ',
  '* ',
  '• ',
  '# ',
  '###### ',
  '####### ',
  '1.',
  '-',
  '#',
  '\t- ',
);
const lineText = fc
  .tuple(
    fc.array(fc.tuple(marker, fc.string({ unit: mostlyPrintable, maxLength: 12 })), {
      maxLength: 8,
    }),
    fc.constantFrom('\n', '\r\n', '\n\n', '\n \t\n'),
    fc.constantFrom('plain', 'fenced', 'literal'),
  )
  .map(([lines, eol, wrap]) => {
    const body = lines.map(([m, t]) => m + t).join(eol);
    if (wrap === 'fenced') return '```md\n' + body + '\n```';
    if (wrap === 'literal') return JSON.stringify(body);
    return body;
  });

const anyMaster = fc.oneof(text, jsonText, lineText);

function parseOrError(input: string): DesiredSection[] | SectionFormatError {
  try {
    return parse(input);
  } catch (error) {
    if (error instanceof SectionFormatError) return error;
    throw error;
  }
}

describe('parse properties', () => {
  it('throws nothing but SectionFormatError, on any string', () => {
    fc.assert(
      fc.property(anyMaster, (input) => {
        parseOrError(input);
      }),
      { numRuns: 3000 },
    );
  });

  it('every error has a code and a position of the right kind', () => {
    fc.assert(
      fc.property(anyMaster, (input) => {
        const result = parseOrError(input);
        if (!(result instanceof SectionFormatError)) return;
        expect(result.message.length).toBeGreaterThan(10);
        const { line, column, index } = result;
        if (line !== undefined) expect(line).toBeGreaterThanOrEqual(1);
        if (column !== undefined) expect(column).toBeGreaterThanOrEqual(1);
        if (index !== undefined) expect(index).toBeGreaterThanOrEqual(0);
        expect(line !== undefined && index !== undefined).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('output orders are always 1..n', () => {
    fc.assert(
      fc.property(anyMaster, (input) => {
        const result = parseOrError(input);
        if (result instanceof SectionFormatError) return;
        expect(result.map((s) => s.order)).toStrictEqual(result.map((_, i) => i + 1));
      }),
      { numRuns: 2000 },
    );
  });

  it('every heading is trimmed, non-empty, free of control characters and within the limit', () => {
    fc.assert(
      fc.property(anyMaster, (input) => {
        const result = parseOrError(input);
        if (result instanceof SectionFormatError) return;
        for (const section of result) {
          expect(section.heading).not.toBe('');
          expect(section.heading).not.toMatch(TRIMMABLE);
          expect(section.heading).not.toMatch(FORBIDDEN_IN_HEADING);
          expect([...section.heading].length).toBeLessThanOrEqual(1000);
          if (section.status !== undefined) {
            expect(section.status).not.toBe('');
            expect(section.status).not.toMatch(TRIMMABLE);
            expect(section.status).not.toMatch(FORBIDDEN_IN_HEADING);
          }
          if (section.description !== undefined) {
            expect(section.description).not.toMatch(FORBIDDEN_IN_DESCRIPTION);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("detectFormat never throws, and 'invalid' means parse fails", () => {
    fc.assert(
      fc.property(anyMaster, (input) => {
        const format = detectFormat(input);
        const result = parseOrError(input);
        if (format === 'invalid') expect(result).toBeInstanceOf(SectionFormatError);
        if (Array.isArray(result) && result.length === 0) {
          expect(['empty', 'json-objects']).toContain(format);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('the JSON syntax scanner finds an error exactly when JSON.parse rejects the text', () => {
    fc.assert(
      fc.property(fc.oneof(jsonText, text), (input) => {
        let valid = true;
        try {
          JSON.parse(input);
        } catch {
          valid = false;
        }
        expect(findJsonSyntaxProblem(input, 0, input.length) === undefined).toBe(valid);
      }),
      { numRuns: 3000 },
    );
  });
});

/** Text a heading may hold after parsing: no forbidden character, trimmed, not empty. */
const heading = fc
  .string({
    unit: fc.oneof(
      fc.constantFrom('a', 'Z', ' ', '\t', '-', '#', '1', '.', '"', '\\'),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
    ),
    minLength: 1,
    maxLength: 30,
  })
  .map((s) =>
    s.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, '').replace(/^[\t ]+|[\t ]+$/g, ''),
  )
  .filter((s) => s.length > 0);

describe('round trips', () => {
  it('a canonical text built with JSON.stringify parses back to its items', () => {
    const row = fc.record({
      id: fc.integer({ min: 1, max: 2 ** 40 }),
      heading,
      description: fc
        .string({
          unit: fc.oneof(
            fc.constantFrom('\n', '\r\n', '\t', 'x'),
            fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
          ),
          maxLength: 40,
        })
        .map((s) => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, '')),
      status: fc.constantFrom('draft', 'done', 'in review', 'Ready ✅'),
    });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 20 }), (rows) => {
        const sections = rows.map((r, i) => ({
          id: r.id,
          order: i + 1,
          heading: r.heading,
          description: r.description,
          status: r.status,
        }));
        const parsed = parse(JSON.stringify(sections));
        expect(parsed).toStrictEqual(
          sections.map(({ id, order, heading, description, status }) => ({
            order,
            heading,
            description,
            status,
            id: String(id),
          })),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('headings written one per line behind any marker come back as written', () => {
    const markers = ['1. ', '2) ', '(10) ', '- ', '* ', '• ', '# ', '### ', '###### ', '1.\t'];
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...markers), heading), { minLength: 1, maxLength: 12 }),
        fc.constantFrom('\n', '\r\n', '\n\n'),
        (lines, eol) => {
          const master = lines.map(([m, h]) => m + h).join(eol);
          expect(parse(master).map((s) => s.heading)).toStrictEqual(lines.map(([, h]) => h));
          expect(parse(JSON.stringify(master)).map((s) => s.heading)).toStrictEqual(
            lines.map(([, h]) => h),
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});
