import type { DesiredSection, ExistingSection, SectionId } from '../types.js';

/**
 * Which existing section each desired item keeps, found by the five matching steps of the
 * README ("plan"). Both arrays hold indexes; -1 means "no partner".
 */
export interface SectionMatch {
  /** `existingOf[d]`: index in `existing` that desired item `d` keeps, or -1 (a new section). */
  readonly existingOf: Int32Array;
  /** `desiredOf[e]`: index in `desired` that keeps existing section `e`, or -1 (deleted). */
  readonly desiredOf: Int32Array;
}

/**
 * Pairs desired items with existing sections, each step only among what is still unmatched:
 *
 * 1. same id (an id that is not among `existing` is ignored; when several desired items carry
 *    the same id, the first in desired order takes it and the others go on to step 2);
 * 2. identical heading, k-th occurrence to k-th occurrence;
 * 3. same {@link normalizeHeading} key, k-th occurrence to k-th occurrence;
 * 4. the leftovers of both sides, in order: k-th leftover desired to k-th leftover existing;
 * 5. what is still unmatched is created (desired) or deleted (existing): left as -1 here.
 *
 * `existing` must be in section order. Every step is one pass with Maps, so matching is linear.
 *
 * @example
 * const m = matchSections(
 *   [{ id: 7, order: 1, heading: 'Intro', description: '', status: 'draft' }],
 *   [{ order: 1, heading: 'Summary' }, { order: 2, heading: 'intro' }],
 * );
 * // step 3 pairs 'intro' with 'Intro'; 'Summary' is left over on its side: a new section
 * m.existingOf; // Int32Array [-1, 0]
 */
export function matchSections(
  existing: readonly ExistingSection[],
  desired: readonly DesiredSection[],
): SectionMatch {
  const existingOf = new Int32Array(desired.length).fill(-1);
  const desiredOf = new Int32Array(existing.length).fill(-1);
  const pair = (d: number, e: number): void => {
    existingOf[d] = e;
    desiredOf[e] = d;
  };
  let unmatched = Math.min(desired.length, existing.length);
  if (unmatched === 0) return { existingOf, desiredOf };

  // Step 1: ids. Only ids of `existing` count, so another post's section is never touched.
  const indexById = new Map<SectionId, number>();
  for (let e = 0; e < existing.length; e++) indexById.set(existing[e]!.id, e);
  for (let d = 0; d < desired.length; d++) {
    const id = desired[d]!.id;
    if (id === undefined || id === null) continue;
    const e = indexById.get(id);
    // A later duplicate of an id finds the section taken and falls through to step 2.
    if (e !== undefined && desiredOf[e] === -1) {
      pair(d, e);
      unmatched--;
    }
  }

  // Steps 2 and 3: the same pairing, by the exact heading and then by its normalized key.
  if (unmatched > 0) unmatched -= pairByKey(existing, desired, existingOf, desiredOf, exactHeading);
  if (unmatched > 0) {
    unmatched -= pairByKey(existing, desired, existingOf, desiredOf, normalizeHeading);
  }

  // Step 4: the leftovers in order (renames, possibly moved).
  if (unmatched > 0) {
    let e = 0;
    for (let d = 0; d < desired.length; d++) {
      if (existingOf[d] !== -1) continue;
      while (e < existing.length && desiredOf[e] !== -1) e++;
      if (e === existing.length) break;
      pair(d, e);
    }
  }
  // Step 5 is what stays -1: creates on the desired side, deletes on the existing side.
  return { existingOf, desiredOf };
}

const exactHeading = (heading: string): string => heading;
const lowerAscii = (run: string): string => run.toLowerCase();

/** Runs of these become one space in step 3; they are also what trimming removes. */
const WHITE_SPACE_RUN = /[ \t\n\r\v\f]+/g;
const ASCII_UPPER = /[A-Z]/;
const ASCII_UPPER_RUN = /[A-Z]+/g;
const NON_ASCII = /[^\u0000-\u007f]/;

/**
 * The step-3 key of a heading: runs of ASCII white space (space, tab, `\n`, `\r`, `\v`, `\f`)
 * collapsed to one space, trimmed, and `A-Z` folded to `a-z`. Other letters are compared as
 * written so that every database locale computes the same key.
 *
 * @example
 * normalizeHeading('  The\t  INTRO '); // 'the intro'
 * normalizeHeading('Ärger');           // 'Ärger' (non-ASCII letters are not folded)
 */
export function normalizeHeading(heading: string): string {
  let key = heading.replace(WHITE_SPACE_RUN, ' ');
  // After collapsing, at most one space can sit at each end.
  const start = key.charCodeAt(0) === 32 ? 1 : 0;
  const end =
    key.length > start && key.charCodeAt(key.length - 1) === 32 ? key.length - 1 : key.length;
  if (start !== 0 || end !== key.length) key = key.slice(start, end);
  if (!ASCII_UPPER.test(key)) return key;
  // String#toLowerCase also folds non-ASCII letters: use it only where there are none.
  return NON_ASCII.test(key) ? key.replace(ASCII_UPPER_RUN, lowerAscii) : key.toLowerCase();
}

/**
 * Pairs still-unmatched items whose `keyOf(heading)` is equal: the k-th unmatched desired item
 * with a key (in desired order) takes the k-th unmatched existing section with that key (in
 * existing order). Returns how many pairs it made.
 */
function pairByKey(
  existing: readonly ExistingSection[],
  desired: readonly DesiredSection[],
  existingOf: Int32Array,
  desiredOf: Int32Array,
  keyOf: (heading: string) => string,
): number {
  // Per key, the unmatched existing indexes in order and a cursor to the next one to hand out.
  const queues = new Map<string, { indexes: number[]; next: number }>();
  for (let e = 0; e < existing.length; e++) {
    if (desiredOf[e] !== -1) continue;
    const key = keyOf(existing[e]!.heading);
    const queue = queues.get(key);
    if (queue === undefined) queues.set(key, { indexes: [e], next: 0 });
    else queue.indexes.push(e);
  }
  let paired = 0;
  for (let d = 0; d < desired.length; d++) {
    if (existingOf[d] !== -1) continue;
    const queue = queues.get(keyOf(desired[d]!.heading));
    if (queue === undefined || queue.next === queue.indexes.length) continue;
    const e = queue.indexes[queue.next++]!;
    existingOf[d] = e;
    desiredOf[e] = d;
    paired++;
  }
  return paired;
}
