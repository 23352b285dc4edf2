import type { ChangeCounts } from '@section-sync/core';

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export function count(n: number, word: string, plural = `${word}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? word : plural}`;
}

export function addChanges(total: ChangeCounts, changes: ChangeCounts | undefined): void {
  if (!changes) return;
  total.created += changes.created;
  total.updated += changes.updated;
  total.moved += changes.moved;
  total.deleted += changes.deleted;
  total.unchanged += changes.unchanged;
}

export function noChanges(): ChangeCounts {
  return { created: 0, updated: 0, moved: 0, deleted: 0, unchanged: 0 };
}

/** "3 created, 2 moved" or "no section changed". */
export function describeChanges(changes: ChangeCounts): string {
  const parts = (['created', 'updated', 'moved', 'deleted'] as const)
    .filter((key) => changes[key] > 0)
    .map((key) => `${changes[key].toLocaleString('en-US')} ${key}`);
  return parts.length > 0 ? parts.join(', ') : 'no section changed';
}

/** Up to `max` lines, then how many more there are. */
export function listSome<T>(items: readonly T[], max: number, line: (item: T) => string): string[] {
  const lines = items.slice(0, max).map((item) => `  ${line(item)}`);
  if (items.length > max)
    lines.push(`  … and ${count(items.length - max, 'more post')} (--json lists all)`);
  return lines;
}
