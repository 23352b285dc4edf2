import type { CallOptions, DryRunWriteOptions } from '../options.js';
import type { Transport } from '../transport/transport.js';
import type { RollbackResponse, SyncLogQuery, SyncLogResponse, Written } from '../wire.js';
import { postPath, segment, written } from './shared.js';

/** The sync log of a post, and undoing a sync. */
export function syncLogMethods(transport: Transport) {
  return {
    /**
     * Recent sync log entries of a post, newest first; `before` (an entry id) pages back.
     *
     * @example
     * ```ts
     * const { entries } = await client.getSyncLog(7, { limit: 10 });
     * const older = await client.getSyncLog(7, { limit: 10, before: entries.at(-1)?.id });
     * ```
     */
    async getSyncLog(
      postId: number,
      options: SyncLogQuery & CallOptions = {},
    ): Promise<SyncLogResponse> {
      const { limit, before } = options;
      const response = await transport.request<SyncLogResponse>(
        { method: 'GET', path: `${postPath(postId)}/sync-log`, query: { limit, before } },
        options,
      );
      return response.body;
    },

    /**
     * Restores the state before log entry `entryId`, as a new, logged sync.
     *
     * @example
     * ```ts
     * const { entries } = await client.getSyncLog(7, { limit: 1 });
     * if (entries[0]) await client.rollback(7, entries[0].id);
     * ```
     */
    async rollback(
      postId: number,
      entryId: number,
      options: DryRunWriteOptions = {},
    ): Promise<Written<RollbackResponse>> {
      const body = options.dryRun === undefined ? {} : { dryRun: options.dryRun };
      const response = await transport.request<RollbackResponse>(
        {
          method: 'POST',
          path: `${postPath(postId)}/sync-log/${segment(entryId)}/rollback`,
          body,
          ifMatch: options.ifMatch,
        },
        options,
      );
      return written(response);
    },
  };
}

export type SyncLogMethods = ReturnType<typeof syncLogMethods>;
