/**
 * @section-sync/client: a typed SDK for the section-sync HTTP API, on undici.
 *
 * @example
 * ```ts
 * import { createClient, ConflictError } from '@section-sync/client';
 *
 * const client = createClient({ baseUrl: 'http://127.0.0.1:5000' });
 * const result = await client.syncSections(7, { direction: 'to_sections' });
 * ```
 */
export { createClient, type SectionSyncClient } from './client.js';
export * from './errors/index.js';
export type { SectionHeadingsInput } from './methods/section-headings.js';
export type { NewSection, SectionChanges } from './methods/sections.js';
export type { SyncStatusListOptions } from './methods/sync-status.js';
export type {
  CallOptions,
  ClientOptions,
  DryRunWriteOptions,
  RetryOptions,
  WriteOptions,
} from './options.js';
export { entityTag } from './transport/transport.js';
export type * from './wire.js';
