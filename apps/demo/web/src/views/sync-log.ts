import type { SyncLogEntry } from '@section-sync/core';
import { h, relativeTime, replaceChildren } from '../dom.js';
import { DIRECTION_LABELS, describeEntry, ORIGIN_LABELS } from './labels.js';

/**
 * The post's sync log, newest first: who synced what, when, and what changed; each entry can be
 * rolled back (which restores the state before it, as a new logged sync).
 */
export function renderSyncLog(
  container: HTMLElement,
  entries: SyncLogEntry[],
  onRollback: (entry: SyncLogEntry) => void,
): void {
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
            h('td', { class: 'log-id' }, `#${entry.id}`),
            h(
              'td',
              { title: new Date(entry.createdAt).toLocaleString() },
              relativeTime(entry.createdAt),
            ),
            h(
              'td',
              null,
              DIRECTION_LABELS[entry.direction] ?? entry.direction,
              entry.rollbackOf ? h('span', { class: 'muted' }, ` of #${entry.rollbackOf}`) : null,
            ),
            h(
              'td',
              null,
              h('span', { class: 'origin' }, ORIGIN_LABELS[entry.origin] ?? entry.origin),
            ),
            h('td', { class: entry.outcome === 'invalid' ? 'warn' : '' }, describeEntry(entry)),
            h(
              'td',
              { class: 'log-actions' },
              h(
                'button',
                {
                  class: 'button small',
                  'aria-label': `Roll back entry ${entry.id}`,
                  title: 'Restore the master and sections as they were before this entry',
                  onclick: () => onRollback(entry),
                },
                'Roll back',
              ),
            ),
          ),
        ),
      ),
    ),
  );
}
