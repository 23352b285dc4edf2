/**
 * The wire types the client speaks, each the `Static` of core's TypeBox schema (the one
 * definition the server validates against), re-exported so callers need not import core.
 */
import type * as Wire from '@section-sync/core';
import type { Static } from '@sinclair/typebox';

export type Section = Static<typeof Wire.Section>;
/** A section id: a PostgreSQL bigint as its decimal digits (`'42'`), never a rounded number. */
export type SectionId = Static<typeof Wire.SectionId>;
export type SyncDirection = Static<typeof Wire.SyncDirection>;
export type ConsistencyStatus = Static<typeof Wire.ConsistencyStatus>;
export type SyncStatus = Static<typeof Wire.SyncStatus>;
export type SyncLogEntry = Static<typeof Wire.SyncLogEntry>;
export type ErrorResponse = Static<typeof Wire.ErrorResponse>;

export type SyncRequest = Static<typeof Wire.SyncRequest>;
export type PutSectionHeadingsRequest = Static<typeof Wire.PutSectionHeadingsRequest>;
export type CreateSectionRequest = Static<typeof Wire.CreateSectionRequest>;
export type UpdateSectionRequest = Static<typeof Wire.UpdateSectionRequest>;
export type ReorderSectionsRequest = Static<typeof Wire.ReorderSectionsRequest>;
export type BulkSyncRequest = Static<typeof Wire.BulkSyncRequest>;
export type SyncStatusQuery = Static<typeof Wire.SyncStatusQuery>;
export type SyncLogQuery = Static<typeof Wire.SyncLogQuery>;

export type WriteResult = Static<typeof Wire.WriteResult>;
export type SyncResponse = Static<typeof Wire.SyncResponse>;
export type CreateSectionResponse = Static<typeof Wire.CreateSectionResponse>;
export type RollbackResponse = Static<typeof Wire.RollbackResponse>;
export type SectionsResponse = Static<typeof Wire.SectionsResponse>;
export type SectionHeadingsResponse = Static<typeof Wire.SectionHeadingsResponse>;
export type SyncStatusResponse = Static<typeof Wire.SyncStatusResponse>;
export type SyncStatusListResponse = Static<typeof Wire.SyncStatusListResponse>;
export type BulkSyncResponse = Static<typeof Wire.BulkSyncResponse>;
export type SyncLogResponse = Static<typeof Wire.SyncLogResponse>;

export type HealthResponse = Static<typeof Wire.HealthResponse>;
/** The body of `GET <prefix>/ready` (a 503 carries it too, with `status: 'not_ready'`). */
export type ReadyResponse = Static<typeof Wire.ReadyResponse>;

/**
 * A write's answer with its `ETag` header: the post's new version as an entity tag (`"7"`),
 * ready to send back as `ifMatch` (as is `version`).
 */
export type Written<T extends { version: number }> = T & { readonly etag: string };
