import { SectionFormatError } from '../errors.js';
import { parse } from '../formats/index.js';
import { exceedsLength, resolveLimits } from '../formats/limits.js';
import type { SectionId, SectionLimits } from '../types.js';
import { type RenderableSection, render } from './render.js';

/**
 * Whether a post needs no sync in any direction: its master is exactly the canonical rendering
 * of its sections (orders 1..n) and parsing it gives those sections back unchanged, so the plan
 * would be empty and a re-render would write the same text. A master that does not parse
 * under `limits` is never in sync (the full sync reports why). `sections` are one post's rows,
 * in order, so their ids are distinct.
 *
 * @example
 * const master = render(sections);
 * isInSync(master, sections); // true, when the sections are trimmed, in order 1..n and valid
 */
export function isInSync(
  master: string | null,
  sections: readonly RenderableSection[],
  limits?: Partial<SectionLimits>,
): boolean {
  if (master === null || master !== render(sections)) return false;
  if (plainInSync(master, sections, limits)) return true;
  let items: ReturnType<typeof parse>;
  try {
    items = parse(master, limits);
  } catch (error) {
    if (error instanceof SectionFormatError) return false;
    throw error;
  }
  const reparsed = items.map((item) => ({
    id: item.id ?? null,
    order: item.order,
    heading: item.heading,
    description: item.description ?? null,
    status: item.status ?? null,
  }));
  return render(reparsed) === master;
}

// JSON.stringify escapes every character below U+0020 (\n, \t, \u0007, ...) and every lone
// surrogate (\udXXX); U+007F-U+009F it writes as they are.
const ESCAPE_OR_C1 = /\\[bfnrtu]|[\u007f-\u009f]/;

/**
 * An id parse gives back as it is: the plain digits of a safe integer. Anything else (a leading
 * zero, a sign, an id past 2^53, which parse keeps exact too) is left to the full test.
 */
const plainId = (id: SectionId) => /^[1-9][0-9]{0,14}$/.test(id);

/** Starts or ends with a space: with no escape in the text, the only trimmable character. */
const padded = (value: string) => value.startsWith(' ') || value.endsWith(' ');

/**
 * The common case of {@link isInSync} without parsing: `master` is `render(sections)` and holds
 * no escape and no U+007F-U+009F, so no value holds a control character, a lone surrogate or
 * white space other than the space; then parse gives the sections back when orders are 1..n,
 * ids plain (see plainId), headings and statuses unpadded and non-empty, and every limit
 * holds. Only ever answers true when the full test would; anything else goes to the full test.
 */
function plainInSync(
  master: string,
  sections: readonly RenderableSection[],
  limits: Partial<SectionLimits> | undefined,
): boolean {
  const l = resolveLimits(limits);
  if (sections.length > l.maxSections || ESCAPE_OR_C1.test(master)) return false;
  return sections.every(
    (s, i) =>
      s.order === i + 1 &&
      (s.id === null || plainId(s.id)) &&
      s.heading !== '' &&
      !padded(s.heading) &&
      !exceedsLength(s.heading, l.maxHeadingLength) &&
      (s.status === null ||
        (s.status !== '' && !padded(s.status) && !exceedsLength(s.status, l.maxStatusLength))) &&
      (s.description === null || !exceedsLength(s.description, l.maxDescriptionLength)),
  );
}
