import type { MasterFormat } from '../types.js';
import { skipTrimmable, skipTrimmableBack } from './characters.js';
import { locateContent } from './fence.js';
import { markerKind, markerLength } from './markers.js';

/**
 * Names the format of a master text, without validating its items (see the README,
 * "detectFormat"). Never throws.
 *
 * @example
 * detectFormat('[{"heading":"Intro"}]'); // 'json-objects'
 * detectFormat('1. Intro\n2. Setup'); // 'numbered'
 * detectFormat('[1, 2'); // 'invalid'
 */
export function detectFormat(text: string | null | undefined): MasterFormat {
  if (text === null || text === undefined) return 'empty';
  if (typeof text !== 'string') return 'invalid';
  const content = locateContent(text);
  if (content === undefined) return 'empty';
  const { start, end } = content;
  const first = text.charCodeAt(start);
  if (first === 0x5b || first === 0x7b) return jsonFormat(text.slice(start, end));
  if (first === 0x22) {
    let decoded: unknown;
    try {
      decoded = JSON.parse(text.slice(start, end));
    } catch {
      return 'invalid';
    }
    return lineFormat(decoded as string, 0, (decoded as string).length);
  }
  return lineFormat(text, content.linesStart, content.linesEnd);
}

function jsonFormat(json: string): MasterFormat {
  let root: unknown;
  try {
    root = JSON.parse(json);
  } catch {
    return 'invalid';
  }
  let items: unknown = root;
  if (!Array.isArray(root)) items = (root as { sections?: unknown }).sections;
  if (!Array.isArray(items)) return 'invalid';
  let objects = 0;
  for (const item of items) {
    if (typeof item === 'string') continue;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return 'invalid';
    objects++;
  }
  return objects > 0 || items.length === 0 ? 'json-objects' : 'json-strings';
}

/** The marker kind carried by most non-blank lines; ties and plain lines: `delimited`. */
function lineFormat(text: string, start: number, end: number): MasterFormat {
  let numbered = 0;
  let markdown = 0;
  let plain = 0;
  for (let lineStart = start; lineStart <= end; ) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1 || lineEnd > end) lineEnd = end;
    const from = skipTrimmable(text, lineStart, lineEnd);
    if (from < lineEnd) {
      const to = skipTrimmableBack(text, from, lineEnd);
      if (markerLength(text, from, to) === 0) plain++;
      else if (markerKind(text, from) === 'numbered') numbered++;
      else markdown++;
    }
    lineStart = lineEnd + 1;
  }
  if (numbered + markdown + plain === 0) return 'empty';
  if (numbered > markdown && numbered > plain) return 'numbered';
  if (markdown > numbered && markdown > plain) return 'markdown';
  return 'delimited';
}
