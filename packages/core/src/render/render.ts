import { DEFAULT_STATUS, type SectionId } from '../types.js';

/**
 * What `render` needs of a section: a database row, a `PlannedSection`, or a wire section
 * (extra fields are ignored). A `null` id (a section not yet created) renders as `null`.
 */
export interface RenderableSection {
  readonly id: SectionId | null;
  readonly order: number;
  readonly heading: string;
  readonly description: string | null;
  readonly status: string | null;
}

/**
 * The canonical master text: compact JSON, one object per section in the given order, keys
 * `id, order, heading, description, status`; a `null` description renders as `""` and a `null`
 * status as `"draft"`. Strings are escaped exactly as `JSON.stringify` escapes them.
 *
 * @example
 * render([{ id: '7', order: 1, heading: 'Intro', description: null, status: null }]);
 * // '[{"id":7,"order":1,"heading":"Intro","description":"","status":"draft"}]'
 */
export function render(sections: readonly RenderableSection[]): string {
  // Built by concatenation: no per-section object is cloned or handed to JSON.stringify whole.
  let text = '[';
  for (let i = 0; i < sections.length; i++) {
    const s = sections[i]!;
    text +=
      (i === 0 ? '{"id":' : ',{"id":') +
      (s.id == null ? 'null' : String(s.id)) +
      ',"order":' +
      String(s.order) +
      ',"heading":' +
      JSON.stringify(s.heading) +
      ',"description":' +
      (s.description ? JSON.stringify(s.description) : '""') +
      ',"status":' +
      JSON.stringify(s.status ?? DEFAULT_STATUS) +
      '}';
  }
  return text + ']';
}
