import type {
  BulkSyncResponse,
  ChangeCounts,
  DesiredSection,
  Section,
  SectionId,
  SyncDirection,
  SyncLogEntry,
  SyncOrigin,
  SyncStatus,
} from '@section-sync/core';

/** Options every write accepts. */
export interface WriteOptions {
  /** Compute and return the result without changing anything. */
  dryRun?: boolean;
  /** Optimistic concurrency: fail with `VersionConflictError` (changing nothing) unless the post is at this version. */
  expectedVersion?: number;
  /** Recorded in the sync log. @default 'api' */
  origin?: SyncOrigin;
}

/** A post as the store sees it. */
export interface PostState {
  postId: number;
  version: number;
  /** The raw master text (`post_development.section_headings`). */
  master: string | null;
  sections: Section[];
}

/** The result of every write and dry run: the post's sections after the write. */
export interface WriteOutcome {
  postId: number;
  version: number;
  dryRun: boolean;
  changes: ChangeCounts;
  sections: Section[];
  /** The sync log entry written (absent for dry runs and no-ops). */
  logId?: number;
}

export interface CreateSectionInput {
  heading: string;
  description?: string;
  status?: string;
  /** 1-based; default after the last section. */
  position?: number;
}

export interface SectionPatch {
  heading?: string;
  description?: string;
  status?: string;
}

export interface SyncStatusPage {
  items: SyncStatus[];
  nextCursor: number | null;
}

export interface ListSyncStatusOptions {
  status?: SyncStatus['status'];
  /** Only posts whose status is not OK. */
  inconsistent?: boolean;
  /** @default 100 */
  limit?: number;
  /** Post id to continue after. */
  cursor?: number;
}

export interface BulkSyncOptions {
  /** Posts to sync; all posts when absent. */
  postIds?: number[];
  direction?: SyncDirection;
  /** Posts per transaction. @default 100 */
  batchSize?: number;
  dryRun?: boolean;
  origin?: SyncOrigin;
  /** Called after each batch (CLI progress). */
  onProgress?: (done: number, total: number) => void;
}

export type BulkSyncOutcome = Omit<BulkSyncResponse, 'status'>;

/**
 * Everything the HTTP API and the CLI do to posts. Every write takes the post's lock first,
 * writes set-based in one transaction, logs the sync, and bumps the version when something changed.
 */
export interface SectionStore {
  getPost(postId: number): Promise<PostState>;
  sync(postId: number, direction: SyncDirection, options?: WriteOptions): Promise<WriteOutcome>;
  /** Write the master (any format, or items) and sync the sections to it. */
  writeMaster(
    postId: number,
    master: string | DesiredSection[],
    options?: WriteOptions,
  ): Promise<WriteOutcome>;
  createSection(
    postId: number,
    input: CreateSectionInput,
    options?: WriteOptions,
  ): Promise<WriteOutcome & { section: Section }>;
  updateSection(
    postId: number,
    sectionId: SectionId,
    patch: SectionPatch,
    options?: WriteOptions,
  ): Promise<WriteOutcome>;
  deleteSection(
    postId: number,
    sectionId: SectionId,
    options?: WriteOptions,
  ): Promise<WriteOutcome>;
  reorderSections(
    postId: number,
    sectionIds: SectionId[],
    options?: WriteOptions,
  ): Promise<WriteOutcome>;
  checkPost(postId: number): Promise<SyncStatus>;
  listSyncStatus(options?: ListSyncStatusOptions): Promise<SyncStatusPage>;
  bulkSync(options?: BulkSyncOptions): Promise<BulkSyncOutcome>;
  getSyncLog(
    postId: number,
    options?: { limit?: number; before?: number },
  ): Promise<SyncLogEntry[]>;
  rollback(
    postId: number,
    entryId: number,
    options?: WriteOptions,
  ): Promise<WriteOutcome & { rolledBack: number }>;
}
