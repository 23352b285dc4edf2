import type { CallOptions } from '../options.js';
import type { Transport } from '../transport/transport.js';
import type { SyncStatus, SyncStatusListResponse, SyncStatusQuery } from '../wire.js';
import { postPath } from './shared.js';

/** Filters of the all-posts status listing, and per-call options. */
export type SyncStatusListOptions = SyncStatusQuery & CallOptions;

/** Whether masters and rows agree, per post and across the database. */
export function syncStatusMethods(transport: Transport) {
  async function getSyncStatusPage(
    options: SyncStatusListOptions = {},
  ): Promise<SyncStatusListResponse> {
    const { status, inconsistent, limit, cursor } = options;
    const response = await transport.request<SyncStatusListResponse>(
      { method: 'GET', path: '/sync-status', query: { status, inconsistent, limit, cursor } },
      options,
    );
    return response.body;
  }

  return {
    /**
     * One post's consistency (`OK`, `Count mismatch`, ...) with the differences found.
     *
     * @example
     * ```ts
     * const { status, differences } = await client.getSyncStatus(7);
     * ```
     */
    async getSyncStatus(postId: number, options?: CallOptions): Promise<SyncStatus> {
      const response = await transport.request<SyncStatus>(
        { method: 'GET', path: `${postPath(postId)}/sync-status` },
        options,
      );
      return response.body;
    },

    /**
     * One page of the all-posts listing; pass its `nextCursor` as `cursor` for the next
     * (`null` on the last page). {@link listSyncStatus} does the paging for you.
     *
     * @example
     * ```ts
     * const { items, nextCursor } = await client.getSyncStatusPage({ inconsistent: true, limit: 50 });
     * ```
     */
    getSyncStatusPage,

    /**
     * Every post's status, page after page (following `nextCursor`) as the loop asks for them.
     * `limit` is the page size; `signal` and `timeout` apply to each page's request.
     *
     * @example
     * ```ts
     * for await (const post of client.listSyncStatus({ inconsistent: true })) {
     *   console.log(post.postId, post.status);
     * }
     * ```
     */
    async *listSyncStatus(options: SyncStatusListOptions = {}): AsyncGenerator<SyncStatus, void> {
      let cursor = options.cursor;
      do {
        const page = await getSyncStatusPage({ ...options, cursor });
        yield* page.items;
        // A server repeating a cursor would loop forever; stop instead.
        if (page.nextCursor !== null && page.nextCursor === cursor) return;
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
    },
  };
}

export type SyncStatusMethods = ReturnType<typeof syncStatusMethods>;
