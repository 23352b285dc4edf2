import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from '../src/formats/index.js';
import { plan } from '../src/plan/index.js';
import { isInSync, type RenderableSection, render } from '../src/render/index.js';

const anyRow: fc.Arbitrary<RenderableSection> = fc.record({
  id: fc.option(fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }).map(String), { nil: null }),
  order: fc.integer({ min: 1, max: 10_000 }),
  // 'binary' reaches every code point; plain fc.string() adds lone surrogates and controls.
  heading: fc.oneof(fc.string(), fc.string({ unit: 'binary' })),
  description: fc.option(fc.oneof(fc.string(), fc.string({ unit: 'binary' })), { nil: null }),
  status: fc.option(fc.string(), { nil: null }),
});

// What parse accepts back unchanged (README "parse", rules 6-8): no control characters (tabs
// everywhere, \n and \r in descriptions), headings and statuses trimmed and non-empty.
const HEADING_CONTROLS = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;
const DESCRIPTION_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
const trimAscii = (s: string) => s.replace(/^[ \t\n\r\v\f]+|[ \t\n\r\v\f]+$/g, '');
const singleLine = (max: number) =>
  fc
    .string({ unit: 'binary', maxLength: max })
    .map((s) => trimAscii(s.replace(HEADING_CONTROLS, '')))
    .filter((s) => s.length > 0);

const parsableRows = fc
  .array(
    fc.record({
      id: fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }).map(String),
      heading: fc.oneof(singleLine(40), fc.constantFrom('1. Intro', '# Title', '"quoted"', 'a\\b')),
      description: fc
        .string({ unit: 'binary', maxLength: 60 })
        .map((s) => s.replace(DESCRIPTION_CONTROLS, '')),
      status: singleLine(20),
    }),
    { maxLength: 20 },
  )
  .map((rows) => rows.map((row, i) => ({ ...row, order: i + 1 })));

describe('render', () => {
  it('is JSON.stringify of the canonical objects, for any strings and ids', () => {
    fc.assert(
      fc.property(fc.array(anyRow, { maxLength: 10 }), (rows) => {
        const canonical = rows.map((s) => ({
          id: s.id,
          order: s.order,
          heading: s.heading,
          description: s.description ?? '',
          status: s.status ?? 'draft',
        }));
        // Ids are bigint digits: written as JSON numbers, every digit kept.
        const json = JSON.stringify(canonical).replace(/\{"id":"(-?[0-9]+)"/g, '{"id":$1');
        expect(render(rows)).toBe(json);
      }),
    );
  });

  it('ignores fields it does not render (a wire section with updatedAt)', () => {
    const wire = {
      id: '1',
      order: 1,
      heading: 'A',
      description: '',
      status: 'done',
      updatedAt: 'x',
    };
    expect(render([wire])).toBe(
      '[{"id":1,"order":1,"heading":"A","description":"","status":"done"}]',
    );
  });

  it('parse(render(rows)) gives back the rows', () => {
    fc.assert(
      fc.property(parsableRows, (rows) => {
        expect(parse(render(rows))).toEqual(rows);
      }),
    );
  });

  it('rendering the parse of a canonical text gives the same text', () => {
    fc.assert(
      fc.property(parsableRows, (rows) => {
        const canonical = render(rows);
        const items = parse(canonical).map((item) => ({
          id: item.id ?? null,
          order: item.order,
          heading: item.heading,
          description: item.description ?? null,
          status: item.status ?? null,
        }));
        expect(render(items)).toBe(canonical);
      }),
    );
  });
});

describe('isInSync', () => {
  const asExisting = (rows: RenderableSection[]) =>
    rows.map((row) => ({
      id: row.id ?? '0',
      order: row.order,
      heading: row.heading,
      description: row.description ?? '',
      status: row.status ?? 'draft',
    }));

  it('holds for the rendering of parsable rows, whose plan against their own parse is empty', () => {
    fc.assert(
      fc.property(parsableRows, (rows) => {
        fc.pre(new Set(rows.map((row) => row.id)).size === rows.length); // ids are primary keys
        expect(isInSync(render(rows), rows)).toBe(true);
        expect(plan(asExisting(rows), parse(render(rows))).operations).toEqual([]);
      }),
    );
  });

  // The shortcut is only safe one way: whenever it says "in sync", the full sync has nothing to do.
  it('never holds when the full sync would change something, for any rows', () => {
    fc.assert(
      fc.property(fc.array(anyRow, { maxLength: 8 }), (rows) => {
        const withIds = rows.map((row, i) => ({ ...row, id: String(i + 1) }));
        if (!isInSync(render(withIds), withIds)) return;
        expect(plan(asExisting(withIds), parse(render(withIds))).operations).toEqual([]);
        expect(withIds.map((row) => row.order)).toEqual(withIds.map((_, i) => i + 1));
      }),
    );
  });

  it('does not hold for a master other than the rendering, orders out of 1..n, or over the limits', () => {
    const rows = [
      { id: '1', order: 1, heading: 'Intro', description: '', status: 'draft' },
      { id: '2', order: 2, heading: 'Setup', description: 'how', status: 'done' },
    ];
    expect(isInSync(render(rows), rows)).toBe(true);
    expect(isInSync(null, [])).toBe(false);
    expect(isInSync('[]', [])).toBe(true);
    expect(isInSync('1. Intro\n2. Setup', rows)).toBe(false);
    const gap = rows.map((row, i) => ({ ...row, order: i * 2 + 1 }));
    expect(isInSync(render(gap), gap)).toBe(false);
    const untrimmed = [{ ...rows[0]!, heading: ' Intro' }];
    expect(isInSync(render(untrimmed), untrimmed)).toBe(false);
    const emptyStatus = [{ ...rows[0]!, status: '' }];
    expect(isInSync(render(emptyStatus), emptyStatus)).toBe(false);
    expect(isInSync(render(rows), rows, { maxSections: 1 })).toBe(false);
  });

  // Rows read from the database carry ids as decimal strings, bigint-wide.
  it.each([
    ['1', true],
    ['999999999999999', true],
    ['9007199254740993', true],
    ['9223372036854775807', true],
    ['007', false],
    ['-5', true],
  ])('answers for the id %s what parsing the master answers (%s)', (id, inSync) => {
    const rows = [{ id, order: 1, heading: 'Intro', description: '', status: 'draft' }];
    expect(isInSync(render(rows), rows)).toBe(inSync);
  });
});
