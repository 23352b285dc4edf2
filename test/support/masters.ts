import type { SectionHeadingsInput } from '@section-sync/client';
import type { Random } from './seed.js';

/** One section of a master the load writes. */
export interface MasterItem {
  id?: string;
  heading: string;
  description?: string;
  status?: string;
}

/** Every way a master reaches the API: the formats of DESIGN.md, and the array body. */
export const MASTER_FORMATS = [
  'canonical',
  'json-objects',
  'json-strings',
  'wrapped',
  'numbered',
  'bullets',
  'markdown',
  'fenced',
  'json-string-literal',
  'array',
] as const;
export type MasterFormat = (typeof MASTER_FORMATS)[number];

/**
 * The master of `items` in `format`. Ids go only where the format can carry them (canonical
 * JSON, objects, arrays); line formats match by heading, as LLM output does.
 *
 * @example
 * masterIn('numbered', [{ heading: 'Intro' }, { heading: 'Setup' }]) // '1. Intro\n2. Setup'
 */
export function masterIn(
  format: MasterFormat,
  items: readonly MasterItem[],
  random?: Random,
): SectionHeadingsInput {
  const lines = (marker: (i: number) => string) =>
    items.map((item, i) => `${marker(i)} ${item.heading}`).join('\n');
  switch (format) {
    case 'canonical':
      return JSON.stringify(
        items.map((item, i) => ({
          id: item.id ?? null,
          order: i + 1,
          heading: item.heading,
          description: item.description ?? '',
          status: item.status ?? 'draft',
        })),
      );
    case 'json-objects': {
      // Shuffled array with numeric orders, `title` alias: parse sorts by order.
      const objects = items.map((item, i) => ({
        order: i + 1,
        ...(i % 2 === 0 ? { title: item.heading } : { heading: item.heading }),
        ...(item.description === undefined ? {} : { description: item.description }),
        ...(item.status === undefined ? {} : { status: item.status }),
        ...(item.id === undefined ? {} : { id: item.id }),
      }));
      return JSON.stringify(random ? random.shuffle(objects) : objects, null, 2);
    }
    case 'json-strings':
      return JSON.stringify(items.map((item) => item.heading));
    case 'wrapped':
      return JSON.stringify({ sections: items.map((item) => ({ heading: item.heading })) });
    case 'numbered':
      return lines((i) => `${i + 1}.`);
    case 'bullets':
      return lines((i) => ['-', '*', '•'][i % 3]!);
    case 'markdown':
      return lines(() => '##');
    case 'fenced':
      // How LLMs answer: the JSON inside a Markdown code fence.
      return `\`\`\`json\n${JSON.stringify(items.map((item) => item.heading))}\n\`\`\``;
    case 'json-string-literal':
      return JSON.stringify(lines((i) => `${i + 1})`));
    case 'array':
      return items.map((item) =>
        item.id === undefined && item.description === undefined && item.status === undefined
          ? item.heading
          : item,
      );
  }
}
