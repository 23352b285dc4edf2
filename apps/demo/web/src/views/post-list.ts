import type { ConsistencyStatus } from '@section-sync/core';
import type { PostSummary } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { FORMAT_LABELS, sectionCount } from './labels.js';

export interface PostListProps {
  posts: PostSummary[];
  statuses: Map<number, ConsistencyStatus>;
  selected: number | undefined;
  onSelect: (postId: number) => void;
}

/** The sidebar: every post with its master format and a consistency dot. */
export function renderPostList(list: HTMLElement, props: PostListProps): void {
  replaceChildren(
    list,
    ...props.posts.map((post) => {
      const status = props.statuses.get(post.postId);
      const current = post.postId === props.selected;
      return h(
        'li',
        null,
        h(
          'button',
          {
            class: 'post-link',
            'aria-current': current ? 'page' : undefined,
            'data-post-id': post.postId,
            onclick: () => props.onSelect(post.postId),
          },
          h('span', { class: 'post-link-title' }, post.title),
          h(
            'span',
            { class: 'post-link-meta' },
            h('span', {
              class: 'dot',
              'data-status': status === undefined ? 'unknown' : status === 'OK' ? 'ok' : 'bad',
              title: status ?? 'checking',
            }),
            `#${post.postId} · ${FORMAT_LABELS[post.format] ?? post.format} · ${sectionCount(post.sectionCount)}`,
          ),
        ),
      );
    }),
  );
}
