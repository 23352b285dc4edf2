import { type HealthMethods, healthMethods } from './methods/health.js';
import { type SectionHeadingsMethods, sectionHeadingsMethods } from './methods/section-headings.js';
import { type SectionMethods, sectionMethods } from './methods/sections.js';
import { type SyncMethods, syncMethods } from './methods/sync.js';
import { type SyncLogMethods, syncLogMethods } from './methods/sync-log.js';
import { type SyncStatusMethods, syncStatusMethods } from './methods/sync-status.js';
import type { ClientOptions } from './options.js';
import { Transport } from './transport/transport.js';

/** A client of the section-sync HTTP API: one method per route, plus `close()`. */
export type SectionSyncClient = SyncMethods &
  SectionMethods &
  SectionHeadingsMethods &
  SyncStatusMethods &
  SyncLogMethods &
  HealthMethods & {
    /**
     * Closes the client's connection pool once calls under way have finished. A `dispatcher`
     * passed in options is not closed: its owner closes it.
     */
    close(): Promise<void>;
  };

/**
 * Creates a client of the section-sync API served at `baseUrl` (plus `prefix`, default
 * `/api/workflow`). Calls share one undici `Pool` of keep-alive connections; `close()` it
 * when done.
 *
 * @example
 * ```ts
 * import { createClient } from '@section-sync/client';
 *
 * const client = createClient({ baseUrl: 'http://127.0.0.1:5000', timeout: 10_000 });
 * const { sections, version } = await client.getSections(7);
 * await client.reorderSections(7, sections.map((s) => s.id).reverse(), { ifMatch: version });
 * await client.close();
 * ```
 */
export function createClient(options: ClientOptions): SectionSyncClient {
  const transport = new Transport(options);
  return {
    ...syncMethods(transport),
    ...sectionMethods(transport),
    ...sectionHeadingsMethods(transport),
    ...syncStatusMethods(transport),
    ...syncLogMethods(transport),
    ...healthMethods(transport),
    close: () => transport.close(),
  };
}
