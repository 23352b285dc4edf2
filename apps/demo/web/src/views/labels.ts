import type { ChangeCounts, ConsistencyStatus, SyncLogEntry } from '@section-sync/core';
import { plural } from '../dom.js';

/** Names of the master formats as a person would say them. */
export const FORMAT_LABELS: Record<string, string> = {
  empty: 'empty',
  'json-objects': 'JSON objects',
  'json-strings': 'JSON strings',
  numbered: 'numbered list',
  delimited: 'one per line',
  markdown: 'Markdown / bullets',
  invalid: 'invalid',
};

export const DIRECTION_LABELS: Record<string, string> = {
  to_sections: 'master → sections',
  to_development: 'sections → master',
  both: 'both ways',
  rollback: 'rollback',
};

export const ORIGIN_LABELS: Record<string, string> = {
  api: 'API',
  cli: 'CLI',
  trigger: 'SQL trigger',
  rollback: 'rollback',
};

export function consistencyLabel(status: ConsistencyStatus): string {
  return status === 'OK' ? 'In sync' : status;
}

/** "1 created · 2 moved", or "no change". */
export function describeChanges(changes: ChangeCounts): string {
  const parts: string[] = [];
  if (changes.created) parts.push(`${changes.created} created`);
  if (changes.updated) parts.push(`${changes.updated} updated`);
  if (changes.moved) parts.push(`${changes.moved} moved`);
  if (changes.deleted) parts.push(`${changes.deleted} deleted`);
  return parts.length ? parts.join(' · ') : 'no change';
}

export function describeEntry(entry: SyncLogEntry): string {
  if (entry.outcome === 'invalid')
    return entry.message ?? 'Master not parsable (kept, sections untouched)';
  return describeChanges(entry.changes);
}

export function sectionCount(n: number): string {
  return plural(n, 'section');
}
