import { type Static, Type } from '@sinclair/typebox';

const MAX_ID = Number.MAX_SAFE_INTEGER;

/** A positive integer id (post or log entry). */
export const Id = Type.Integer({ minimum: 1, maximum: MAX_ID });

const SECTION_ID_PATTERN = '^(0|-?[1-9][0-9]{0,18})$';

/**
 * A section id on the wire: `post_section.id`, a PostgreSQL bigint, as its decimal digits
 * (`"9007199254740993"`): a JSON number would round ids past 2^53.
 */
export const SectionId = Type.String({
  pattern: SECTION_ID_PATTERN,
  description: 'a section id (bigint) as its decimal digits, e.g. "42"',
  examples: ['42'],
});
/** A section id: a PostgreSQL bigint as its decimal digits (`'42'`); never a JS number. */
export type SectionId = Static<typeof SectionId>;

/**
 * A section id a request may send: its decimal digits, or (as before ids were strings) a JSON
 * integer up to 2^53 - 1. Either way it reaches the database as the same bigint.
 */
export const SectionIdInput = Type.Union(
  [SectionId, Type.Integer({ minimum: -MAX_ID, maximum: MAX_ID })],
  { description: 'a section id: its decimal digits ("42"), or a JSON integer up to 2^53 - 1' },
);

export const SyncDirection = Type.Union(
  [Type.Literal('to_sections'), Type.Literal('to_development'), Type.Literal('both')],
  { description: 'master -> sections, sections -> master, or master -> sections then back' },
);
export type SyncDirection = Static<typeof SyncDirection>;

export const SyncOrigin = Type.Union([
  Type.Literal('api'),
  Type.Literal('trigger'),
  Type.Literal('cli'),
  Type.Literal('rollback'),
]);
export type SyncOrigin = Static<typeof SyncOrigin>;

/** A section on the wire. */
export const Section = Type.Object({
  id: SectionId,
  order: Type.Integer({ minimum: 1 }),
  heading: Type.String(),
  description: Type.String(),
  status: Type.String(),
  // null when the row has no time: a host's own updated_at column may allow NULL.
  updatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'When the section last changed (UTC, ISO 8601); null when the row has no time',
  }),
});
export type Section = Static<typeof Section>;

export const ChangeCounts = Type.Object({
  created: Type.Integer({ minimum: 0 }),
  updated: Type.Integer({ minimum: 0 }),
  moved: Type.Integer({ minimum: 0 }),
  deleted: Type.Integer({ minimum: 0 }),
  unchanged: Type.Integer({ minimum: 0 }),
});
/** Counts of a plan. `moved` counts every kept section whose order changed, updated or not. */
export type ChangeCounts = Static<typeof ChangeCounts>;

/** An item of the master list as parsed (what `parse` returns). */
export const MasterItem = Type.Object({
  order: Type.Integer({ minimum: 1 }),
  heading: Type.String(),
  description: Type.Optional(Type.String()),
  status: Type.Optional(Type.String()),
  id: Type.Optional(SectionId),
});

/** An item a caller may send as part of a master array (string or object, as in the JSON formats). */
export const MasterInputItem = Type.Union([
  Type.String(),
  Type.Object(
    {
      heading: Type.Optional(Type.Union([Type.String(), Type.Null()])),
      title: Type.Optional(Type.Union([Type.String(), Type.Null()])),
      description: Type.Optional(Type.Union([Type.String(), Type.Null()])),
      status: Type.Optional(Type.Union([Type.String(), Type.Null()])),
      id: Type.Optional(
        Type.Union([Type.Number(), Type.String(), Type.Null()], {
          description:
            'an existing section id: a whole number (bigint range) or a string of its digits',
        }),
      ),
      order: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
    },
    { additionalProperties: true },
  ),
]);

export const MasterFormat = Type.Union([
  Type.Literal('empty'),
  Type.Literal('json-objects'),
  Type.Literal('json-strings'),
  Type.Literal('numbered'),
  Type.Literal('delimited'),
  Type.Literal('markdown'),
  Type.Literal('invalid'),
]);
/** Format names reported by `detectFormat`. */
export type MasterFormat = Static<typeof MasterFormat>;

/** Where a master text is wrong: line/column for text, index (0-based) for a JSON item. */
export const FormatErrorDetails = Type.Object({
  code: Type.String(),
  message: Type.String(),
  line: Type.Optional(Type.Integer()),
  column: Type.Optional(Type.Integer()),
  index: Type.Optional(Type.Integer()),
  field: Type.Optional(Type.String()),
});

export const ConsistencyStatus = Type.Union([
  Type.Literal('OK'),
  Type.Literal('No master data'),
  Type.Literal('No sections'),
  Type.Literal('Count mismatch'),
  Type.Literal('Content mismatch'),
  Type.Literal('Invalid master'),
]);
export type ConsistencyStatus = Static<typeof ConsistencyStatus>;

/** One difference between the master and the rows at a position. */
export const ConsistencyDifference = Type.Object({
  order: Type.Integer(),
  field: Type.Union([
    Type.Literal('heading'),
    Type.Literal('description'),
    Type.Literal('status'),
    Type.Literal('id'),
    Type.Literal('missing_in_master'),
    Type.Literal('missing_in_sections'),
  ]),
  master: Type.Union([Type.String(), Type.Integer(), Type.Null()], {
    description: 'the master side (an id as its decimal digits)',
  }),
  section: Type.Union([Type.String(), Type.Integer(), Type.Null()], {
    description: 'the rows side (an id as its decimal digits)',
  }),
});

export const SyncStatus = Type.Object({
  postId: Id,
  status: ConsistencyStatus,
  version: Type.Integer({ minimum: 0 }),
  masterCount: Type.Integer({ minimum: 0 }),
  sectionCount: Type.Integer({ minimum: 0 }),
  differences: Type.Array(ConsistencyDifference),
});
export type SyncStatus = Static<typeof SyncStatus>;

export const SyncLogEntry = Type.Object({
  id: Id,
  postId: Id,
  direction: Type.String({ description: 'to_sections, to_development, both or rollback' }),
  origin: Type.String({ description: 'api, trigger, cli or rollback' }),
  outcome: Type.String({
    description: 'applied, unchanged, invalid (accepted with on_invalid=warn)',
  }),
  changes: ChangeCounts,
  message: Type.Optional(Type.String()),
  rollbackOf: Type.Optional(Type.Union([Id, Type.Null()])),
  createdAt: Type.String({ format: 'date-time' }),
});
export type SyncLogEntry = Static<typeof SyncLogEntry>;
