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

/** What one write did, from the server's answer and the master read after it. */
export interface WriteOutcome {
  changes: ChangeCounts;
  versionBefore: number;
  versionAfter: number;
  masterBefore: string | null;
  masterAfter: string | null;
  /** The write stored the user's own master text (Save master). */
  savedMaster?: boolean;
}

export function rowsChanged(changes: ChangeCounts): boolean {
  return changes.created + changes.updated + changes.moved + changes.deleted > 0;
}

/**
 * The change report: rows changed (and the master re-rendered), the master alone rewritten
 * (canonicalised, or saved as typed), or nothing at all.
 *
 * @example
 * describeOutcome({ changes, versionBefore: 3, versionAfter: 4, masterBefore, masterAfter });
 * // "No section changed; the master was canonicalised (rewritten as JSON with the section ids)."
 */
export function describeOutcome(outcome: WriteOutcome): string {
  const masterChanged = outcome.masterAfter !== outcome.masterBefore;
  if (rowsChanged(outcome.changes)) {
    return `${capitalize(describeChanges(outcome.changes))}; the master follows.`;
  }
  if (outcome.savedMaster && masterChanged) return 'Master saved as written; no section changed.';
  if (masterChanged) {
    return 'No section changed; the master was canonicalised (rewritten as JSON with the section ids).';
  }
  if (outcome.versionAfter !== outcome.versionBefore) return 'Saved; no section changed.';
  return 'Nothing changed: the master and the sections already agree.';
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
