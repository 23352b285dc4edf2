import {
  applyPlan,
  type DesiredSection,
  type ExistingSection,
  parse,
  plan,
  render,
} from '@section-sync/core';
import {
  type BenchResult,
  type BenchSuite,
  medianMs,
  medianMsInterleaved,
  rowsOf,
  type SuiteOptions,
} from './measure.js';

/**
 * The pure core: parse, plan and render of one post with 10, 100 and 500 sections, and parse
 * and render next to the floor set by `JSON.parse` / `JSON.stringify` on the same text.
 */
export const coreSuite: BenchSuite = {
  name: 'core',
  async run(options) {
    const results: BenchResult[] = [];
    for (const size of [10, 100, 500]) results.push(...benchSize(size, options));
    return results;
  },
};

const WORDS = ['outline', 'draft', 'résumé', 'data', 'model', 'review', 'launch', 'notes'];

function sections(size: number): ExistingSection[] {
  return Array.from({ length: size }, (_, i) => ({
    id: String(1000 + i),
    order: i + 1,
    heading: `${i + 1}: ${WORDS[i % WORDS.length]} and ${WORDS[(i * 7) % WORDS.length]} of "part" ${i}`,
    description: `What section ${i + 1} covers: ${WORDS.join(', ')}.\nSecond line with a tab\tand 🚀.`,
    status: i % 3 === 0 ? 'done' : 'draft',
  }));
}

/**
 * What an LLM typically writes back: no ids, every 10th section moved to the end, every 20th
 * renamed, one new section in the middle, the last one dropped.
 */
function typicalEdit(existing: readonly ExistingSection[]): string {
  const kept = existing.slice(0, -1);
  const moved = kept.filter((_, i) => i % 10 === 5);
  const items = kept.filter((_, i) => i % 10 !== 5).concat(moved);
  const desired = items.map((s, i) => ({
    heading: i % 20 === 3 ? `${s.heading} (revised)` : s.heading,
    description: s.description,
    status: s.status,
  }));
  desired.splice(desired.length >> 1, 0, {
    heading: 'A new section',
    description: '',
    status: 'draft',
  });
  return JSON.stringify(desired);
}

function benchSize(size: number, options: SuiteOptions): BenchResult[] {
  const existing = sections(size);
  const canonical = render(existing);
  const edited = typicalEdit(existing);
  const editedItems = parse(edited);
  const renamed: DesiredSection[] = existing.map((_, i) => ({
    order: i + 1,
    heading: `Other ${i}`,
  }));
  const recased: DesiredSection[] = existing.map((s, i) => ({
    order: i + 1,
    heading: s.heading.toUpperCase(),
  }));
  const same = parse(canonical);

  // Each floor is timed in turns with what it is the floor of.
  const [jsonParse, parseCanonical, parseEdited] = medianMsInterleaved(
    [() => JSON.parse(canonical), () => parse(canonical), () => parse(edited)],
    options,
  ) as [number, number, number];
  const [jsonStringify, renderCanonical] = medianMsInterleaved(
    [
      () =>
        JSON.stringify(
          existing.map((s) => ({
            id: s.id,
            order: s.order,
            heading: s.heading,
            description: s.description,
            status: s.status,
          })),
        ),
      () => render(existing),
    ],
    options,
  ) as [number, number];
  const time = (fn: () => unknown) => medianMs(fn, options);
  return [
    ...rowsOf('parse', size, [
      { variant: 'floor: JSON.parse of the same text', medianMs: jsonParse, floor: true },
      { variant: 'ours: parse, canonical text', medianMs: parseCanonical },
      { variant: 'ours: parse, LLM JSON without ids', medianMs: parseEdited },
    ]),
    ...rowsOf('plan', size, [
      { variant: 'no change (ids)', medianMs: time(() => plan(existing, same)) },
      { variant: 'typical edit', medianMs: time(() => plan(existing, editedItems)) },
      { variant: 'all case changed (step 3)', medianMs: time(() => plan(existing, recased)) },
      { variant: 'all renamed (step 4)', medianMs: time(() => plan(existing, renamed)) },
    ]),
    ...rowsOf('render', size, [
      { variant: 'floor: JSON.stringify of the same items', medianMs: jsonStringify, floor: true },
      { variant: 'ours: render, canonical', medianMs: renderCanonical },
    ]),
    ...rowsOf('parse+plan+render', size, [
      {
        variant: 'typical edit',
        medianMs: time(() => render(applyPlan(existing, plan(existing, parse(edited))))),
      },
    ]),
  ];
}
