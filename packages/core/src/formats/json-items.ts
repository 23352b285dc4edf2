import { SectionFormatError } from '../errors.js';
import type { DesiredSection, SectionLimits } from '../types.js';
import {
  codePointCount,
  codePointName,
  DESCRIPTION_CONTROL,
  HEADING_CONTROL,
  hasDescriptionControl,
  hasHeadingControl,
  trimMaster,
} from './characters.js';
import {
  JsonNumber,
  MAX_SECTION_ID,
  MIN_SECTION_ID,
  orderValueOf,
  sectionIdOf,
} from './json-numbers.js';
import { exceedsLength } from './limits.js';

/**
 * Rule 3 after `JSON.parse`: the root, then one pass over the items with cheap checks. The
 * first error wins: items in array order, and within an item `heading` (or `title`),
 * `description`, `status`, `id`, `order`; within a field its type, then control characters,
 * then its length. `too_many_sections` is checked before any item.
 *
 * @example
 * parseJsonItems(['Intro', { title: 'Setup', order: 2 }], DEFAULT_LIMITS);
 * // [{ order: 1, heading: 'Intro' }, { order: 2, heading: 'Setup' }]
 */
export function parseJsonItems(root: unknown, limits: Readonly<SectionLimits>): DesiredSection[] {
  const items = itemsOf(root);
  const count = items.length;
  if (count > limits.maxSections) {
    throw new SectionFormatError(
      'too_many_sections',
      `Too many sections: ${count}, the limit is ${limits.maxSections} (the first one past it is item ${limits.maxSections + 1}, index ${limits.maxSections})`,
      { index: limits.maxSections },
    );
  }
  const sections: DesiredSection[] = new Array(count);
  // Sorting by `order` applies only when every item is an object with a numeric order.
  let sortable = true;
  let sorted = true;
  let previous = Number.NEGATIVE_INFINITY;
  for (let index = 0; index < count; index++) {
    const item = items[index];
    if (typeof item === 'string') {
      sections[index] = { order: 0, heading: checkHeading(item, index, 'heading', limits) };
      sortable = false;
      continue;
    }
    if (
      item === null ||
      typeof item !== 'object' ||
      Array.isArray(item) ||
      item instanceof JsonNumber
    ) {
      throw new SectionFormatError(
        'invalid_item',
        `${itemName(index)} must be a string or an object, got ${typeName(item)}`,
        { index },
      );
    }
    const fields = item as Record<string, unknown>;
    const section = objectSection(fields, index, limits);
    sections[index] = section;
    if (Number.isNaN(section.order)) {
      sortable = false; // NaN marks an absent order
    } else if (section.order < previous) {
      sorted = false;
    } else {
      previous = section.order;
    }
  }
  if (sortable && !sorted) sections.sort(byOrder);
  for (let index = 0; index < count; index++) {
    const section = sections[index]!;
    section.order = index + 1;
    if (section.heading === '') section.heading = `Section ${index + 1}`;
  }
  return sections;
}

function itemsOf(root: unknown): unknown[] {
  if (Array.isArray(root)) return root;
  if (root !== null && typeof root === 'object') {
    const sections = (root as { sections?: unknown }).sections;
    if (Array.isArray(sections)) return sections;
    const what =
      sections === undefined
        ? 'an object without a "sections" key'
        : `an object whose "sections" is ${article(typeName(sections))}, not an array`;
    throw new SectionFormatError(
      'invalid_root',
      `The JSON must be an array of sections or an object with a "sections" array, got ${what}`,
    );
  }
  throw new SectionFormatError(
    'invalid_root',
    `The JSON must be an array of sections or an object with a "sections" array, got ${article(typeName(root))}`,
  );
}

function objectSection(
  fields: Record<string, unknown>,
  index: number,
  limits: Readonly<SectionLimits>,
): DesiredSection {
  let heading = '';
  const rawHeading = fields.heading;
  if (rawHeading !== undefined && rawHeading !== null) {
    heading = checkHeading(expectString(rawHeading, index, 'heading'), index, 'heading', limits);
  } else {
    const title = fields.title;
    if (title !== undefined && title !== null) {
      heading = checkHeading(expectString(title, index, 'title'), index, 'title', limits);
    }
  }
  const section: DesiredSection = { order: Number.NaN, heading };
  const description = fields.description;
  if (description !== undefined && description !== null) {
    const text = expectString(description, index, 'description');
    checkControl(text, DESCRIPTION_CONTROL, index, 'description');
    if (exceedsLength(text, limits.maxDescriptionLength)) {
      throw tooLong(
        'description_too_long',
        text,
        index,
        'description',
        limits.maxDescriptionLength,
      );
    }
    section.description = text;
  }
  const status = fields.status;
  if (status !== undefined && status !== null) {
    const text = trimMaster(expectString(status, index, 'status'));
    checkControl(text, HEADING_CONTROL, index, 'status');
    if (exceedsLength(text, limits.maxStatusLength)) {
      throw tooLong('status_too_long', text, index, 'status', limits.maxStatusLength);
    }
    if (text !== '') section.status = text;
  }
  const id = fields.id;
  if (id !== undefined && id !== null) {
    const sectionId = sectionIdOf(id);
    if (sectionId === undefined) {
      throw new SectionFormatError(
        'invalid_item',
        `${itemName(index)}: "id" must be a whole number from ${MIN_SECTION_ID} to ${MAX_SECTION_ID} (a JSON number or a string of its digits), got ${valueName(id)}`,
        { index, field: 'id' },
      );
    }
    section.id = sectionId;
  }
  const order = fields.order;
  if (order !== undefined && order !== null) {
    const value = orderValueOf(order);
    if (value === undefined) {
      throw new SectionFormatError(
        'invalid_item',
        `${itemName(index)}: "order" must be a number between -1.7976931348623157e308 and 1.7976931348623157e308 (0 or at least 5e-324 in size), got ${valueName(order)}`,
        { index, field: 'order' },
      );
    }
    section.order = value;
  }
  return section;
}

/** The heading trimmed ('' when empty: the caller names it `Section <n>` once orders are known). */
function checkHeading(
  raw: string,
  index: number,
  field: string,
  limits: Readonly<SectionLimits>,
): string {
  const heading = trimMaster(raw);
  checkControl(heading, HEADING_CONTROL, index, field);
  if (exceedsLength(heading, limits.maxHeadingLength)) {
    throw tooLong('heading_too_long', heading, index, field, limits.maxHeadingLength);
  }
  return heading;
}

function expectString(value: unknown, index: number, field: string): string {
  if (typeof value === 'string') return value;
  throw new SectionFormatError(
    'invalid_item',
    `${itemName(index)}: "${field}" must be a string, got ${typeName(value)}`,
    { index, field },
  );
}

function checkControl(text: string, control: RegExp, index: number, field: string): void {
  if (!(control === DESCRIPTION_CONTROL ? hasDescriptionControl(text) : hasHeadingControl(text))) {
    return;
  }
  const match = control.exec(text)!;
  const name = codePointName(text.codePointAt(match.index)!);
  const at = codePointCount(text, 0, match.index) + 1;
  const where = field === 'description' ? 'a description' : `"${field}"`;
  throw new SectionFormatError(
    'control_character',
    `${itemName(index)}: control character ${name} is not allowed in ${where} (character ${at})`,
    { index, field },
  );
}

function tooLong(
  code: 'heading_too_long' | 'description_too_long' | 'status_too_long',
  text: string,
  index: number,
  field: string,
  limit: number,
): SectionFormatError {
  return new SectionFormatError(
    code,
    `${itemName(index)}: "${field}" has ${codePointCount(text)} characters, the limit is ${limit}`,
    { index, field },
  );
}

function byOrder(a: DesiredSection, b: DesiredSection): number {
  return a.order - b.order;
}

/** "Item 2 (index 1)": people count from 1, programs from 0; the message gives both. */
function itemName(index: number): string {
  return `Item ${index + 1} (index ${index})`;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof JsonNumber) return 'number';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * What a refused id or order was: its JSON type (`number`, `string`). Never the value: a
 * double cannot show what was written (`2.50`, `1e400`), and the SQL port must say the same.
 */
function valueName(value: unknown): string {
  return typeName(value);
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
