import { describe, expect, it } from 'vitest';
import { SectionFormatError, SectionSyncError } from '../src/errors.js';
import { detectFormat, parse } from '../src/formats/index.js';
import { findJsonSyntaxProblem } from '../src/formats/json-syntax.js';

/** The error `parse` throws for `text` (fails the test when it does not throw one). */
function parseError(text: string, limits?: Parameters<typeof parse>[1]): SectionFormatError {
  try {
    parse(text, limits);
  } catch (error) {
    expect(error).toBeInstanceOf(SectionFormatError);
    return error as SectionFormatError;
  }
  throw new Error(`parse did not throw for ${JSON.stringify(text)}`);
}

describe('parse error messages name the problem and the place', () => {
  it('invalid JSON: line, column and what was expected', () => {
    const error = parseError('[\n  "Intro",\n  "Setup" "Usage"\n]');
    expect(error.message).toBe(
      `Invalid JSON at line 3, column 11: expected ',' or ']' after an array item, found '"'`,
    );
    expect(error.position).toStrictEqual({ line: 3, column: 11 });
  });

  it('invalid JSON that stops early says where it ends and what is missing', () => {
    expect(parseError('[{"heading": "Intro"').message).toBe(
      "Invalid JSON at line 1, column 21: the text ends inside an object, expected ',' or '}'",
    );
  });

  it('invalid JSON inside a code fence is placed in the original text', () => {
    const error = parseError('\n```json\n[\n  "A",\n]\n```\n');
    expect(error.message).toBe("Invalid JSON at line 5, column 1: expected a value, found ']'");
  });

  it('an unprintable character in invalid JSON is named by its code point', () => {
    expect(parseError('["a\u0001"]').message).toBe(
      'Invalid JSON at line 1, column 4: control character U+0001 inside a string (write it as an escape such as \\n)',
    );
  });

  it('a JSON item of the wrong type: its number for people and its index for programs', () => {
    const error = parseError('["Intro", 42]');
    expect(error.message).toBe('Item 2 (index 1) must be a string or an object, got number');
    expect(error.position).toStrictEqual({ index: 1 });
  });

  it('a field of the wrong type names the field and the type found', () => {
    expect(parseError('["A", {"heading": 5}]').message).toBe(
      'Item 2 (index 1): "heading" must be a string, got number',
    );
    expect(parseError('[{"heading": "A", "order": "first"}]').message).toBe(
      'Item 1 (index 0): "order" must be a number between -1.7976931348623157e308 and 1.7976931348623157e308 (0 or at least 5e-324 in size), got string',
    );
    expect(parseError('[{"heading": "A", "id": 1.5}]').message).toContain(
      '"id" must be a whole number',
    );
  });

  it('a control character in a line: line, column and code point', () => {
    const error = parseError('Intro\nSetup\n\n1. Bad\u0007one');
    expect(error.message).toBe(
      'Line 4, column 7: control character U+0007 is not allowed in a heading',
    );
    expect(error.position).toStrictEqual({ line: 4, column: 7 });
  });

  it('a control character inside a JSON string literal says the line is of the decoded text', () => {
    expect(parseError('"A\\nB\\u0001"').message).toBe(
      'Line 2 of the decoded JSON string, column 2: control character U+0001 is not allowed in a heading',
    );
  });

  it('a control character in a JSON field names the field and the character position', () => {
    expect(parseError('[{"heading": "A", "status": "do\\u0000ne"}]').message).toBe(
      'Item 1 (index 0): control character U+0000 is not allowed in "status" (character 3)',
    );
    expect(parseError('[{"heading": "A", "description": "x\\u000b"}]').message).toBe(
      'Item 1 (index 0): control character U+000B is not allowed in a description (character 2)',
    );
  });

  it('too many sections: the count, the limit and where the first one past it is', () => {
    const items = JSON.stringify(Array.from({ length: 501 }, (_, i) => `S${i}`));
    const json = parseError(items);
    expect(json.message).toBe(
      'Too many sections: 501, the limit is 500 (the first one past it is item 501, index 500)',
    );
    expect(json.position).toStrictEqual({ index: 500 });
    const lines = parseError('A\n\nB\nC\nD', { maxSections: 2 });
    expect(lines.message).toBe('Too many sections: 4, the limit is 2 (section 3 is on line 4)');
    expect(lines.position).toStrictEqual({ line: 4 });
  });

  it('too long: the length in characters and the limit', () => {
    expect(parseError(`- ${'é'.repeat(1001)}`).message).toBe(
      'Line 1, column 3: the heading has 1001 characters, the limit is 1000',
    );
    expect(
      parseError('[{"heading":"A","description":"🚀🚀🚀"}]', { maxDescriptionLength: 2 }).message,
    ).toBe('Item 1 (index 0): "description" has 3 characters, the limit is 2');
  });

  it('a wrong root says what was found', () => {
    expect(parseError('{"items": []}').message).toBe(
      'The JSON must be an array of sections or an object with a "sections" array, got an object without a "sections" key',
    );
    expect(parseError('{"sections": {"a": 1}}').message).toContain(
      '"sections" is an object, not an array',
    );
  });

  it('an invalid string literal says where it went wrong', () => {
    expect(parseError('"Intro" and more').message).toBe(
      "Invalid JSON string literal at line 1, column 9: unexpected 'a' after the JSON value",
    );
  });

  it('errors are SectionSyncErrors with a stable code, usable by the HTTP layer', () => {
    const error = parseError('[1]');
    expect(error).toBeInstanceOf(SectionSyncError);
    expect(error.name).toBe('SectionFormatError');
    expect(error.code).toBe('invalid_item');
  });
});

describe('parse edge cases outside the shared corpus', () => {
  it('a raw NUL in a line is a control character (PostgreSQL text cannot hold one)', () => {
    expect(parseError('A\u0000B').position).toStrictEqual({ line: 1, column: 2 });
  });

  it('JSON nested deeper than 64 levels is invalid JSON at the 65th bracket, not a stack overflow', () => {
    const deep = `[${'['.repeat(100_000)}${']'.repeat(100_000)}]`;
    const error = parseError(deep);
    expect(error.code).toBe('invalid_json');
    expect(error.position).toStrictEqual({ line: 1, column: 65 });
    expect(error.message).toMatch(/nested deeper than 64 levels/);
  });

  it('64 levels of nesting are fine', () => {
    const inner = `${'['.repeat(62)}${']'.repeat(62)}`;
    expect(parse(`[{"heading":"A","extra":${inner}}]`)).toEqual([{ order: 1, heading: 'A' }]);
    expect(parseError(`[{"heading":"A","extra":[${inner}]}]`).column).toBe(87);
  });

  it('deeply nested invalid JSON is reported at the depth limit, not a stack overflow', () => {
    const error = parseError('['.repeat(100_000));
    expect(error.code).toBe('invalid_json');
    expect(error.column).toBe(65);
  });

  it('undefined limits keep the defaults', () => {
    expect(parse('A\nB', { maxSections: undefined })).toHaveLength(2);
    expect(parse(`${'x'.repeat(1000)}`, { maxSections: 1, maxHeadingLength: undefined })).toEqual([
      { order: 1, heading: 'x'.repeat(1000) },
    ]);
  });

  it('the default limits: 500 sections, 10,000-character descriptions, 100-character statuses', () => {
    expect(parse('A\n'.repeat(500))).toHaveLength(500);
    const description = 'd'.repeat(10_000);
    expect(parse(JSON.stringify([{ heading: 'A', description }]))[0]?.description).toBe(
      description,
    );
    expect(
      parseError(JSON.stringify([{ heading: 'A', description: `${description}d` }])).code,
    ).toBe('description_too_long');
    expect(parseError(JSON.stringify([{ heading: 'A', status: 's'.repeat(101) }])).code).toBe(
      'status_too_long',
    );
  });

  it('does not change the parsed input or share objects with it', () => {
    const text = '[{"heading":"B","order":2,"extra":1},{"heading":"A","order":1}]';
    const first = parse(text);
    first[0]!.heading = 'changed';
    expect(parse(text)).toStrictEqual([
      { order: 1, heading: 'A' },
      { order: 2, heading: 'B' },
    ]);
  });

  it('rejects a value that is not a string with a TypeError (a programming error)', () => {
    expect(() => parse(42 as unknown as string)).toThrow(TypeError);
  });
});

describe('detectFormat', () => {
  it('never throws, whatever it is given', () => {
    expect(detectFormat(undefined)).toBe('empty');
    expect(detectFormat(42 as unknown as string)).toBe('invalid');
    expect(detectFormat('['.repeat(100_000))).toBe('invalid');
  });

  it('does not validate fields: a structurally fine array is json-objects even if parse fails', () => {
    expect(detectFormat('[{"heading": 5}]')).toBe('json-objects');
    expect(() => parse('[{"heading": 5}]')).toThrow(SectionFormatError);
  });
});

describe('the JSON syntax scanner agrees with JSON.parse', () => {
  const samples = [
    '[]',
    '{"sections":[1,2.5e-3,-0,true,false,null,"\\u00e9\\n",{"a":[]}]}',
    '[1,]',
    '[1 2]',
    '{"a":1,}',
    '[-01]',
    '["\\u00G0"]',
    '[1e+]',
    '[.5]',
    '["\\/\\b\\f\\r\\t\\"\\\\"]',
    '{"a" : [ { } , [ ] ] }',
    '{"a"}',
    '[nul]',
    '[] []',
  ];
  it.each(samples)('%s', (text) => {
    let valid = true;
    try {
      JSON.parse(text);
    } catch {
      valid = false;
    }
    expect(findJsonSyntaxProblem(text, 0, text.length) === undefined).toBe(valid);
  });
});
