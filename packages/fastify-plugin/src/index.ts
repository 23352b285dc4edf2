/**
 * @section-sync/fastify: the section-sync HTTP API as a Fastify v5 plugin.
 *
 * @example
 * import sectionSync from '@section-sync/fastify';
 * await app.register(sectionSync, { pool, prefix: '/api/workflow' });
 */
import { sectionSync } from './plugin.js';

export { toErrorAnswer } from './error-handler.js';
export * from './errors.js';
export { entityTag, parseIfMatch } from './etag.js';
export type { SectionSyncOptions } from './options.js';
export { DEFAULT_BODY_LIMIT, DEFAULT_MAX_BULK_POSTS, DEFAULT_PREFIX } from './options.js';
export type { SectionSyncService } from './plugin.js';
export { SYNC_MESSAGE } from './routes/sync.js';
export { sectionSync };
export default sectionSync;
