import { SectionFormatError } from '../errors.js';
import { parse } from '../formats/index.js';
import type { SectionLimits } from '../types.js';
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
