import type { SyncLogEntry } from '@section-sync/core';
import { h, relativeTime, replaceChildren } from '../dom.js';
import type { InFlight } from '../in-flight.js';
import { DIRECTION_LABELS, describeEntry, ORIGIN_LABELS } from './labels.js';

export interface SyncLogProps {
  entries: SyncLogEntry[];
  /** The entry whose rollback waits for the user's "yes". */
  confirming: number | undefined;
  inFlight: InFlight;
  onAsk: (entry: SyncLogEntry | undefined) => void;
  onRollback: (entry: SyncLogEntry) => void;
}

/**
 * The post's sync log, newest first: who synced what, when, and what changed; each entry can be
 * rolled back (which restores the state before it, as a new logged sync), after a confirmation.
 */
export function renderSyncLog(container: HTMLElement, props: SyncLogProps): void {
  const { entries } = props;
  if (entries.length === 0) {
    replaceChildren(container, h('p', { class: 'muted' }, 'No sync has changed this post yet.'));
    return;
  }
  replaceChildren(
    container,
    h(
      'table',
      { class: 'log-table' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'col' }, 'Entry'),
          h('th', { scope: 'col' }, 'When'),
          h('th', { scope: 'col' }, 'Direction'),
          h('th', { scope: 'col' }, 'By'),
          h('th', { scope: 'col' }, 'Changes'),
          h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')),
        ),
      ),
      h(
        'tbody',
        null,
        ...entries.map((entry) =>
          h(
            'tr',
            { 'data-entry-id': entry.id, 'data-testid': 'log-entry' },
            h('td', { class: 'log-id', 'data-label': 'Entry' }, `#${entry.id}`),
            h(
              'td',
              { title: new Date(entry.createdAt).toLocaleString(), 'data-label': 'When' },
              relativeTime(entry.createdAt),
            ),
            h(
              'td',
              { 'data-label': 'Direction' },
              DIRECTION_LABELS[entry.direction] ?? entry.direction,
              entry.rollbackOf ? h('span', { class: 'muted' }, ` of #${entry.rollbackOf}`) : null,
            ),
            h(
              'td',
              { 'data-label': 'By' },
              h('span', { class: 'origin' }, ORIGIN_LABELS[entry.origin] ?? entry.origin),
            ),
            h(
              'td',
              { class: entry.outcome === 'invalid' ? 'warn' : '', 'data-label': 'Changes' },
              describeEntry(entry),
            ),
            h('td', { class: 'log-actions' }, rollbackControls(entry, props)),
          ),
        ),
      ),
    ),
  );
}

function rollbackControls(entry: SyncLogEntry, props: SyncLogProps): HTMLElement {
  if (props.confirming !== entry.id) {
    return h(
      'button',
      {
        type: 'button',
        class: 'button small',
        'aria-label': `Roll back entry ${entry.id}`,
        title: 'Restore the master and sections as they were before this entry',
        onclick: () => props.onAsk(entry),
      },
      'Roll back',
    );
  }
  const question = `rollback-${entry.id}-question`;
  return h(
    'span',
    { class: 'confirm', role: 'group', 'aria-labelledby': question },
    h(
      'span',
      { class: 'confirm-question', id: question },
      `Restore the state before #${entry.id}?`,
    ),
    h(
      'button',
      {
        type: 'button',
        class: 'button small danger-solid',
        'data-testid': 'confirm-rollback',
        ...props.inFlight.attrs(`rollback:${entry.id}`),
        onclick: () => props.onRollback(entry),
      },
      'Yes, roll back',
    ),
    h(
      'button',
      { type: 'button', class: 'button small ghost', onclick: () => props.onAsk(undefined) },
      'Cancel',
    ),
  );
}
