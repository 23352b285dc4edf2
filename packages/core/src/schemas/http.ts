import { type Static, Type } from '@sinclair/typebox';
import {
  ChangeCounts,
  ConsistencyStatus,
  FormatErrorDetails,
  Id,
  MasterFormat,
  MasterInputItem,
  MasterItem,
  Section,
  SectionId,
  SectionIdInput,
  SyncDirection,
  SyncLogEntry,
  SyncStatus,
} from './domain.js';

// ---- params and queries -------------------------------------------------------------------

export const PostParams = Type.Object({ postId: Id });
export type PostParams = Static<typeof PostParams>;

export const SectionParams = Type.Object({ postId: Id, sectionId: SectionId });
export type SectionParams = Static<typeof SectionParams>;

export const LogEntryParams = Type.Object({ postId: Id, entryId: Id });
export type LogEntryParams = Static<typeof LogEntryParams>;

export const SyncStatusQuery = Type.Object(
  {
    status: Type.Optional(ConsistencyStatus),
    inconsistent: Type.Optional(Type.Boolean({ description: 'only posts whose status is not OK' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    cursor: Type.Optional(Type.Integer({ minimum: 0, description: 'post id to continue after' })),
  },
  { additionalProperties: false },
);
export type SyncStatusQuery = Static<typeof SyncStatusQuery>;

export const SyncLogQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20 })),
    before: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export type SyncLogQuery = Static<typeof SyncLogQuery>;

/** Headers every write accepts: with `If-Match`, a write fails with 409 (changing nothing) when the post moved on. */
export const WriteHeaders = Type.Object({
  'if-match': Type.Optional(
    Type.String({
      description:
        'the version the write expects, as an entity tag: "7" (also W/"7" or 7); 409 when stale, 400 when malformed',
    }),
  ),
});
export type WriteHeaders = Static<typeof WriteHeaders>;

// ---- request bodies -----------------------------------------------------------------------

export const SyncRequest = Type.Object(
  {
    direction: Type.Optional(SyncDirection),
    dryRun: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type SyncRequest = Static<typeof SyncRequest>;

export const PutSectionHeadingsRequest = Type.Object(
  {
    sectionHeadings: Type.Union([
      Type.String({ description: 'any master format' }),
      Type.Array(MasterInputItem, { description: 'as in the JSON formats' }),
      Type.Object({ sections: Type.Array(MasterInputItem) }),
    ]),
    dryRun: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type PutSectionHeadingsRequest = Static<typeof PutSectionHeadingsRequest>;

export const CreateSectionRequest = Type.Object(
  {
    heading: Type.String(),
    description: Type.Optional(Type.String()),
    status: Type.Optional(Type.String()),
    position: Type.Optional(
      Type.Integer({ minimum: 1, description: '1-based; default: after the last section' }),
    ),
    dryRun: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type CreateSectionRequest = Static<typeof CreateSectionRequest>;

export const UpdateSectionRequest = Type.Object(
  {
    heading: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
    status: Type.Optional(Type.String()),
    dryRun: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateSectionRequest = Static<typeof UpdateSectionRequest>;

export const ReorderSectionsRequest = Type.Object(
  {
    sectionIds: Type.Array(SectionIdInput, {
      description: "a permutation of the post's section ids (decimal strings, or safe integers)",
    }),
    dryRun: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ReorderSectionsRequest = Static<typeof ReorderSectionsRequest>;

export const BulkSyncRequest = Type.Object(
  {
    postIds: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: 10000 })),
    all: Type.Optional(Type.Boolean()),
    direction: Type.Optional(SyncDirection),
    batchSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    dryRun: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type BulkSyncRequest = Static<typeof BulkSyncRequest>;

export const RollbackRequest = Type.Object(
  { dryRun: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export type RollbackRequest = Static<typeof RollbackRequest>;

// ---- responses ----------------------------------------------------------------------------

const writeResultFields = {
  status: Type.Literal('success'),
  postId: Id,
  version: Type.Integer({ minimum: 0 }),
  dryRun: Type.Boolean(),
  changes: ChangeCounts,
  sections: Type.Array(Section),
};

/** The answer to every write and dry run: the post's sections after the write. */
export const WriteResult = Type.Object(writeResultFields);
export type WriteResult = Static<typeof WriteResult>;

export const SyncResponse = Type.Object({
  ...writeResultFields,
  direction: SyncDirection,
  message: Type.String(),
});
export type SyncResponse = Static<typeof SyncResponse>;

export const CreateSectionResponse = Type.Object({ ...writeResultFields, section: Section });
export type CreateSectionResponse = Static<typeof CreateSectionResponse>;

export const RollbackResponse = Type.Object({ ...writeResultFields, rolledBack: Id });
export type RollbackResponse = Static<typeof RollbackResponse>;

export const SectionsResponse = Type.Object({
  postId: Id,
  version: Type.Integer({ minimum: 0 }),
  sections: Type.Array(Section),
});
export type SectionsResponse = Static<typeof SectionsResponse>;

export const SectionHeadingsResponse = Type.Object({
  postId: Id,
  version: Type.Integer({ minimum: 0 }),
  sectionHeadings: Type.Union([Type.String(), Type.Null()]),
  format: MasterFormat,
  items: Type.Union([Type.Array(MasterItem), Type.Null()]),
  error: Type.Optional(FormatErrorDetails),
});
export type SectionHeadingsResponse = Static<typeof SectionHeadingsResponse>;

export const SyncStatusResponse = SyncStatus;
export type SyncStatusResponse = Static<typeof SyncStatusResponse>;

export const SyncStatusListResponse = Type.Object({
  items: Type.Array(SyncStatus),
  nextCursor: Type.Union([Type.Integer(), Type.Null()]),
});
export type SyncStatusListResponse = Static<typeof SyncStatusListResponse>;

export const BulkSyncItem = Type.Object({
  postId: Id,
  status: Type.Union([Type.Literal('success'), Type.Literal('error')]),
  version: Type.Optional(Type.Integer({ minimum: 0 })),
  changes: Type.Optional(ChangeCounts),
  error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() })),
});

export const BulkSyncResponse = Type.Object({
  status: Type.Literal('success'),
  direction: SyncDirection,
  dryRun: Type.Boolean(),
  total: Type.Integer({ minimum: 0 }),
  succeeded: Type.Integer({ minimum: 0 }),
  failed: Type.Integer({ minimum: 0 }),
  results: Type.Array(BulkSyncItem),
});
export type BulkSyncResponse = Static<typeof BulkSyncResponse>;

export const SyncLogResponse = Type.Object({
  postId: Id,
  entries: Type.Array(SyncLogEntry),
});
export type SyncLogResponse = Static<typeof SyncLogResponse>;

/** Every error body. `message` of a failed sync starts with `Sync failed: `. */
export const ErrorResponse = Type.Object({
  status: Type.Literal('error'),
  code: Type.String(),
  message: Type.String(),
  details: Type.Optional(Type.Unknown()),
});
export type ErrorResponse = Static<typeof ErrorResponse>;

// ---- health -------------------------------------------------------------------------------

/** `GET <prefix>/health`: the process answers (liveness; no database involved). */
export const HealthResponse = Type.Object({ status: Type.Literal('ok') });
export type HealthResponse = Static<typeof HealthResponse>;

/**
 * `GET <prefix>/ready`: 200 `ok` when the database answers and carries the migrations this
 * version expects, 503 `not_ready` otherwise, with the reason.
 */
export const ReadyResponse = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('not_ready')]),
  database: Type.Union([Type.Literal('up'), Type.Literal('down'), Type.Literal('unchecked')], {
    description: '`unchecked` when the plugin was given only a store',
  }),
  migrations: Type.Optional(
    Type.Object({
      current: Type.Integer({ minimum: 0 }),
      expected: Type.Integer({ minimum: 0 }),
    }),
  ),
  reason: Type.Optional(Type.String()),
});
export type ReadyResponse = Static<typeof ReadyResponse>;
