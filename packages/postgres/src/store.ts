import type { SectionLimits, SyncOrigin } from '@section-sync/core';
import type { Db } from './db.js';
import { withProductSchema } from './product-schema.js';
import { bulkSync } from './store/bulk.js';
import { checkPost, listSyncStatus } from './store/consistency.js';
import { getPost } from './store/post-reader.js';
import { getSyncLog } from './store/sync-log.js';
import type { StoreContext } from './store/transaction.js';
import {
  createSection,
  deleteSection,
  reorderSections,
  rollback,
  sync,
  updateSection,
  writeMaster,
} from './store/writes.js';
import type { SectionStore } from './store-types.js';

export interface StoreOptions {
  /** Limits of the section data, enforced by the database's parser. @default DEFAULT_LIMITS */
  limits?: Partial<SectionLimits>;
  /** Recorded in the sync log of every write that does not say otherwise. @default 'api' */
  origin?: SyncOrigin;
  /** Times a transaction is run again after a deadlock or serialization failure. @default 5 */
  maxRetries?: number;
  /** Schema of section-sync's own objects, as given to `migrate`. @default 'section_sync' */
  productSchema?: string;
}

/**
 * The store the HTTP API and the CLI use, on a migrated database. Every write is one
 * transaction: the post's lock first, the version check, a set-based write (the triggers keep
 * master and rows equal and log the sync), the read-back. Errors are the classes of
 * `@section-sync/core` (`PostNotFoundError`, `SectionFormatError`, `VersionConflictError`, ...).
 *
 * @example
 * const store = createStore(fromPg(pool), { origin: 'api' });
 * const { version, sections } = await store.writeMaster(42, '1. Intro\n2. Setup');
 * await store.reorderSections(42, [sections[1]!.id, sections[0]!.id], { expectedVersion: version });
 */
export function createStore(db: Db, options: StoreOptions = {}): SectionStore {
  const context: StoreContext = {
    db: withProductSchema(db, options.productSchema),
    origin: options.origin ?? 'api',
    limits: options.limits ?? {},
    maxRetries: options.maxRetries ?? 5,
  };
  return {
    getPost: (postId) => getPost(context, postId),
    sync: (postId, direction, o) => sync(context, postId, direction, o),
    writeMaster: (postId, master, o) => writeMaster(context, postId, master, o),
    createSection: (postId, input, o) => createSection(context, postId, input, o),
    updateSection: (postId, sectionId, patch, o) =>
      updateSection(context, postId, sectionId, patch, o),
    deleteSection: (postId, sectionId, o) => deleteSection(context, postId, sectionId, o),
    reorderSections: (postId, sectionIds, o) => reorderSections(context, postId, sectionIds, o),
    checkPost: (postId) => checkPost(context, postId),
    listSyncStatus: (o) => listSyncStatus(context, o),
    bulkSync: (o) => bulkSync(context, o),
    getSyncLog: (postId, o) => getSyncLog(context, postId, o),
    rollback: (postId, entryId, o) => rollback(context, postId, entryId, o),
  };
}
