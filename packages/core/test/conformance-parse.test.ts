import { describe, expect, it } from 'vitest';
import { SectionFormatError } from '../src/errors.js';
import { detectFormat, parse } from '../src/formats/index.js';
import { loadVectorFiles, type ParseVector } from './conformance-vectors.js';

const files = loadVectorFiles<ParseVector>('parse-');

describe.each(files)('conformance %s', (_file, vectors) => {
  it.each(vectors.map((v) => [v.name, v] as const))('%s', (_name, vector) => {
    if (vector.format !== undefined) expect(detectFormat(vector.input)).toBe(vector.format);
    if ('items' in vector.expect) {
      expect(parse(vector.input, vector.limits)).toStrictEqual(vector.expect.items);
      return;
    }
    let thrown: unknown;
    try {
      parse(vector.input, vector.limits);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SectionFormatError);
    const error = thrown as SectionFormatError;
    // The TypeScript parser is the specification: its position must be exactly the listed one,
    // with no extra fields (a port may compare only the fields it can compute).
    const { code, ...position } = vector.expect.error;
    expect({ code: error.code, ...error.position }).toStrictEqual({ code, ...position });
  });
});

describe('parse conformance corpus', () => {
  const vectors = files.flatMap(([, list]) => list);

  it('names every vector uniquely, so a failing port can report which one', () => {
    const names = vectors.map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('covers every error code', () => {
    const codes = new Set(
      vectors.flatMap((v) => ('error' in v.expect ? [v.expect.error.code] : [])),
    );
    expect([...codes].sort()).toStrictEqual([
      'control_character',
      'description_too_long',
      'heading_too_long',
      'invalid_item',
      'invalid_json',
      'invalid_root',
      'invalid_string_literal',
      'status_too_long',
      'too_many_sections',
    ]);
  });

  it('covers every format detectFormat names', () => {
    const formats = new Set(vectors.map((v) => v.format));
    for (const format of [
      'empty',
      'json-objects',
      'json-strings',
      'numbered',
      'delimited',
      'markdown',
      'invalid',
    ]) {
      expect(formats).toContain(format);
    }
  });

  it('marks vectors whose position comes from a JSON parser as sqlPosition: false', () => {
    for (const v of vectors) {
      if (
        'error' in v.expect &&
        v.expect.error.code.startsWith('invalid_') &&
        v.expect.error.line
      ) {
        expect(v.sqlPosition, v.name).toBe(false);
      }
    }
  });
});
