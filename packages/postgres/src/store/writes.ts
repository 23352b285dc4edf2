import type { DesiredSection, Section, SectionId, SyncDirection } from '@section-sync/core';
import { isInSync } from '@section-sync/core';
import type {
  CreateSectionInput,
  SectionPatch,
  WriteOptions,
  WriteOutcome,
} from '../store-types.js';
import { assertStorableText } from './errors.js';
import { getPost, type SqlWriteOutcome, toWriteOutcome } from './post-reader.js';
import { inOneStatement, type StoreContext, writeSettings } from './transaction.js';

/** The operations of `section_sync.store_write` and their arguments. */
type WriteOperation =
  | { op: 'sync'; args: { direction: SyncDirection } }
  | { op: 'write_master'; args: { master: string } }
  | { op: 'create_section'; args: CreateSectionInput }
  | { op: 'update_section'; args: SectionPatch & { sectionId: SectionId } }
  | { op: 'delete_section'; args: { sectionId: SectionId } }
  | { op: 'reorder_sections'; args: { sectionIds: SectionId[] } }
  | { op: 'rollback'; args: { entryId: number } };

/**
 * One write in one statement, so one transaction and one round trip: settings, the per-post
 * lock, the version check, the write (the triggers keep the other side in sync) and the
 * read-back all happen in `section_sync.store_write`. A dry run is the same statement in a
 * transaction that is rolled back.
 */
export async function runWrite(
  context: StoreContext,
  postId: number,
  operation: WriteOperation,
  options: WriteOptions = {},
): Promise<SqlWriteOutcome> {
  const settings = writeSettings(context, options.origin);
  return inOneStatement(
    context,
    postId,
    options.dryRun === true,
    async (tx) => {
      const { rows } = await tx.query<{ outcome: SqlWriteOutcome }>(
        'SELECT section_sync.store_write($1::bigint, $2, $3::jsonb, $4::bigint, $5::jsonb) AS outcome',
        [
          postId,
          operation.op,
          JSON.stringify(operation.args),
          options.expectedVersion ?? null,
          settings,
        ],
      );
      return rows[0]!.outcome;
    },
    REFUSED_FIELD[operation.op],
  );
}

/** The request field a value the database refuses (class 22) most likely came from, per write. */
const REFUSED_FIELD: Readonly<Record<WriteOperation['op'], string | undefined>> = {
  sync: undefined,
  write_master: 'sectionHeadings',
  create_section: 'position',
  update_section: 'sectionId',
  delete_section: 'sectionId',
  reorder_sections: 'sectionIds',
  rollback: 'entryId',
};

/**
 * The master text of an items array, keeping ids: the canonical render's JSON, except that
 * absent description / status stay absent (so they keep the sections' values, as in any master).
 */
export function renderDesired(items: readonly DesiredSection[]): string {
  return JSON.stringify(
    items.map((item) => ({
      ...(item.id === undefined ? {} : { id: item.id }),
      order: item.order,
      heading: item.heading,
      ...(item.description === undefined ? {} : { description: item.description }),
      ...(item.status === undefined ? {} : { status: item.status }),
    })),
  );
}

export async function sync(
  context: StoreContext,
  postId: number,
  direction: SyncDirection,
  options: WriteOptions = {},
): Promise<WriteOutcome> {
  // The triggers keep most posts in sync, so an explicit sync usually has nothing to do: that
  // is known from one read (no lock, no commit) and a parse in TypeScript, the specification
  // the SQL port conforms to. Anything else goes through the full sync.
  const post = await getPost(context, postId);
  const stale = options.expectedVersion !== undefined && options.expectedVersion !== post.version;
  if (!stale && isInSync(post.master, post.sections, context.limits)) {
    return {
      postId,
      version: post.version,
      dryRun: options.dryRun === true,
      changes: { created: 0, updated: 0, moved: 0, deleted: 0, unchanged: post.sections.length },
      sections: post.sections,
    };
  }
  const outcome = await runWrite(context, postId, { op: 'sync', args: { direction } }, options);
  return toWriteOutcome(outcome, options.dryRun === true);
}

export async function writeMaster(
  context: StoreContext,
  postId: number,
  master: string | DesiredSection[],
  options: WriteOptions = {},
): Promise<WriteOutcome> {
  const text = typeof master === 'string' ? master : renderDesired(master);
  assertStorableText(text, 'master');
  const outcome = await runWrite(
    context,
    postId,
    { op: 'write_master', args: { master: text } },
    options,
  );
  return toWriteOutcome(outcome, options.dryRun === true);
}

function assertStorableSection(fields: SectionPatch): void {
  assertStorableText(fields.heading, 'heading', 'heading');
  assertStorableText(fields.description, 'description', 'description');
  assertStorableText(fields.status, 'status', 'status');
}

export async function createSection(
  context: StoreContext,
  postId: number,
  input: CreateSectionInput,
  options: WriteOptions = {},
): Promise<WriteOutcome & { section: Section }> {
  assertStorableSection(input);
  const { heading, description, status, position } = input;
  const outcome = await runWrite(
    context,
    postId,
    { op: 'create_section', args: { heading, description, status, position } },
    options,
  );
  const section = outcome.sections.find((s) => s.id === outcome.sectionId)!;
  return { ...toWriteOutcome(outcome, options.dryRun === true), section };
}

export async function updateSection(
  context: StoreContext,
  postId: number,
  sectionId: SectionId,
  patch: SectionPatch,
  options: WriteOptions = {},
): Promise<WriteOutcome> {
  assertStorableSection(patch);
  const { heading, description, status } = patch;
  const outcome = await runWrite(
    context,
    postId,
    { op: 'update_section', args: { sectionId, heading, description, status } },
    options,
  );
  return toWriteOutcome(outcome, options.dryRun === true);
}

export async function deleteSection(
  context: StoreContext,
  postId: number,
  sectionId: SectionId,
  options: WriteOptions = {},
): Promise<WriteOutcome> {
  const outcome = await runWrite(
    context,
    postId,
    { op: 'delete_section', args: { sectionId } },
    options,
  );
  return toWriteOutcome(outcome, options.dryRun === true);
}

export async function reorderSections(
  context: StoreContext,
  postId: number,
  sectionIds: SectionId[],
  options: WriteOptions = {},
): Promise<WriteOutcome> {
  const outcome = await runWrite(
    context,
    postId,
    { op: 'reorder_sections', args: { sectionIds } },
    options,
  );
  return toWriteOutcome(outcome, options.dryRun === true);
}

export async function rollback(
  context: StoreContext,
  postId: number,
  entryId: number,
  options: WriteOptions = {},
): Promise<WriteOutcome & { rolledBack: number }> {
  const outcome = await runWrite(context, postId, { op: 'rollback', args: { entryId } }, options);
  return { ...toWriteOutcome(outcome, options.dryRun === true), rolledBack: entryId };
}
