import type { SyncDirection, SyncStatus } from '@section-sync/core';
import { h, replaceChildren } from '../dom.js';
import type { InFlight } from '../in-flight.js';
import { consistencyLabel } from './labels.js';

export interface PostHeaderProps {
  postId: number;
  title: string;
  version: number;
  status: SyncStatus | undefined;
}

const DIFFERENCE_WORDS: Record<string, string> = {
  heading: 'heading differs',
  description: 'description differs',
  status: 'status differs',
  id: 'id differs',
  missing_in_master: 'only in the sections',
  missing_in_sections: 'only in the master',
};

/**
 * Title, version, the consistency badge (with the differences), and one button per direction.
 * The buttons are made once and kept, so a live refresh never takes focus away from them.
 */
export class PostHeader {
  readonly element: HTMLElement;
  readonly #summary: HTMLElement;
  readonly #both: HTMLButtonElement;

  constructor(inFlight: InFlight, onSync: (direction: SyncDirection) => void) {
    const button = (direction: SyncDirection, label: string) =>
      h(
        'button',
        {
          class: 'button',
          type: 'button',
          'data-direction': direction,
          ...inFlight.attrs(`sync:${direction}`),
          onclick: () => onSync(direction),
        },
        label,
      );
    this.#summary = h('div');
    this.#both = button('both', 'Both ways');
    this.element = h(
      'div',
      { class: 'post-header' },
      this.#summary,
      h(
        'div',
        { class: 'sync-bar', role: 'group', 'aria-label': 'Sync this post' },
        h('span', { class: 'sync-label' }, 'Sync'),
        button('to_sections', 'Master → sections'),
        button('to_development', 'Sections → master'),
        this.#both,
      ),
    );
  }

  update(props: PostHeaderProps): void {
    const status = props.status;
    const ok = status?.status === 'OK';
    this.#both.classList.toggle('primary', status !== undefined && !ok);
    replaceChildren(
      this.#summary,
      h(
        'div',
        { class: 'post-head' },
        h(
          'div',
          null,
          h('p', { class: 'eyebrow' }, `Post ${props.postId} · version ${props.version}`),
          h('h1', { class: 'post-title' }, props.title),
        ),
        h(
          'div',
          {
            class: 'consistency',
            id: 'consistency',
            'data-status': status ? (ok ? 'ok' : 'bad') : 'unknown',
            role: 'status',
          },
          h('span', { class: 'dot', 'aria-hidden': 'true' }),
          status ? consistencyLabel(status.status) : 'Checking…',
          status && !ok
            ? h(
                'span',
                { class: 'muted' },
                ` · master ${status.masterCount}, rows ${status.sectionCount}`,
              )
            : null,
        ),
      ),
      status && status.differences.length > 0
        ? h(
            'ul',
            { class: 'differences' },
            ...status.differences
              .slice(0, 6)
              .map((d) =>
                h(
                  'li',
                  null,
                  h('strong', null, `#${d.order} `),
                  DIFFERENCE_WORDS[d.field] ?? d.field,
                  d.master !== null || d.section !== null
                    ? h(
                        'span',
                        { class: 'muted' },
                        ` — master: ${fmt(d.master)}, section: ${fmt(d.section)}`,
                      )
                    : null,
                ),
              ),
          )
        : null,
    );
  }
}

function fmt(value: string | number | null): string {
  if (value === null) return '—';
  const text = String(value);
  return `“${text.length > 40 ? `${text.slice(0, 40)}…` : text}”`;
}
