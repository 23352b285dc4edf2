import type { ChangeCounts, Section, SectionId } from '@section-sync/core';
import { PostNotFoundError } from '@section-sync/core';
import type { PostState, WriteOutcome } from '../store-types.js';
import { toStoreError } from './errors.js';
import type { StoreContext } from './transaction.js';

/** What `section_sync.store_write` returns (json, parsed by the adapters). */
export interface SqlWriteOutcome {
  postId: number;
  version: number;
  changes: ChangeCounts;
  logId: number | null;
  sections: Section[];
  sectionId?: SectionId;
}

/** The wire outcome of a write; dry runs report no log entry (theirs was rolled back). */
export function toWriteOutcome(outcome: SqlWriteOutcome, dryRun: boolean): WriteOutcome {
  const result: WriteOutcome = {
    postId: outcome.postId,
    version: outcome.version,
    dryRun,
    changes: outcome.changes,
    sections: outcome.sections,
  };
  if (!dryRun && outcome.logId !== null && outcome.logId !== undefined) {
    result.logId = outcome.logId;
  }
  return result;
}

/**
 * A post's master, version and sections in order, in one query (no lock: a consistent snapshot
 * of one statement).
 *
 * @example
 * const { version, sections } = await getPost(context, 42);
 */
export async function getPost(context: StoreContext, postId: number): Promise<PostState> {
  let post: PostState | null | undefined;
  try {
    const { rows } = await context.db.query<{ post: PostState | null }>(
      'SELECT section_sync.store_read($1::bigint) AS post',
      [postId],
    );
    post = rows[0]?.post;
  } catch (error) {
    throw toStoreError(error, postId);
  }
  if (!post) throw new PostNotFoundError(postId);
  return post;
}
