import type { CallOptions, WriteOptions } from '../options.js';
import type { Transport } from '../transport/transport.js';
import type {
  BulkSyncRequest,
  BulkSyncResponse,
  SyncRequest,
  SyncResponse,
  Written,
} from '../wire.js';
import { postPath, written } from './shared.js';

/** Syncing one post on demand, or many. */
export function syncMethods(transport: Transport) {
  return {
    /**
     * Syncs one post: `to_sections` (master -> rows), `to_development` (rows -> master) or
     * `both` (the default: master -> rows when the master is non-empty, then back).
     *
     * @example
     * ```ts
     * const { changes, version } = await client.syncSections(7, { direction: 'to_sections' });
     * const preview = await client.syncSections(7, { dryRun: true, ifMatch: version });
     * ```
     */
    async syncSections(
      postId: number,
      options: SyncRequest & WriteOptions = {},
    ): Promise<Written<SyncResponse>> {
      const body: SyncRequest = {};
      if (options.direction !== undefined) body.direction = options.direction;
      if (options.dryRun !== undefined) body.dryRun = options.dryRun;
      const response = await transport.request<SyncResponse>(
        {
          method: 'POST',
          path: `${postPath(postId)}/sync-sections`,
          body,
          ifMatch: options.ifMatch,
        },
        options,
      );
      return written(response);
    },

    /**
     * Syncs many posts (`postIds`, or `all: true`) in batches; one result per post, failures
     * included (the call itself succeeds).
     *
     * @example
     * ```ts
     * const report = await client.bulkSync({ all: true, direction: 'to_sections' }, { timeout: 120_000 });
     * for (const item of report.results) if (item.status === 'error') console.warn(item.postId, item.error?.message);
     * ```
     */
    async bulkSync(request: BulkSyncRequest, options?: CallOptions): Promise<BulkSyncResponse> {
      const response = await transport.request<BulkSyncResponse>(
        { method: 'POST', path: '/sync-sections', body: request },
        options,
      );
      return response.body;
    },
  };
}

export type SyncMethods = ReturnType<typeof syncMethods>;
