import type { SyncStatus } from '@section-sync/core';
import { PostNotFoundError } from '@section-sync/core';
import type { ListSyncStatusOptions, SyncStatusPage } from '../store-types.js';
import { toStoreError } from './errors.js';
import type { StoreContext } from './transaction.js';

/** int8 columns arrive as decimal text (see `Db`). */
interface CheckRow {
  post_id: string;
  status: SyncStatus['status'];
  version: string;
  master_count: number;
  section_count: number;
  differences: SyncStatus['differences'];
}

const CHECK_POSTS = `SELECT post_id, status, version, master_count, section_count, differences
  FROM section_sync.check_posts($1::bigint, $2::int, $3::text, $4::boolean)`;

// One post is the range (postId - 1, postId]; a statement of its own, so planned for that post.
const CHECK_ONE_POST = `SELECT post_id, status, version, master_count, section_count, differences
  FROM section_sync.check_range($1::bigint - 1, $1::bigint)`;

function toSyncStatus(row: CheckRow): SyncStatus {
  return {
    postId: Number(row.post_id),
    status: row.status,
    version: Number(row.version),
    masterCount: row.master_count,
    sectionCount: row.section_count,
    differences: row.differences,
  };
}

async function checkPosts(
  context: StoreContext,
  after: number,
  limit: number,
  status: string | null,
  inconsistent: boolean,
): Promise<CheckRow[]> {
  try {
    const { rows } = await context.db.query<CheckRow>(CHECK_POSTS, [
      after,
      limit,
      status,
      inconsistent,
    ]);
    return rows;
  } catch (error) {
    throw toStoreError(error, after + 1);
  }
}

/**
 * The consistency of one post: its parsed master against its rows (headings, order,
 * descriptions and statuses, ids), with every difference. A post id with sections but no
 * `post_development` row is 'No master data'; with neither it does not exist.
 *
 * @example
 * const { status, differences } = await checkPost(context, 42);
 */
export async function checkPost(context: StoreContext, postId: number): Promise<SyncStatus> {
  let row: CheckRow | undefined;
  try {
    const { rows } = await context.db.query<CheckRow>(CHECK_ONE_POST, [postId]);
    row = rows[0];
  } catch (error) {
    throw toStoreError(error, postId);
  }
  if (!row) throw new PostNotFoundError(postId);
  return toSyncStatus(row);
}

/**
 * The consistency of all posts, in post id order, one page per call (one set-based query).
 * `nextCursor` is the last post id of a full page, to pass as `cursor` for the next one.
 *
 * @example
 * for (let cursor = 0; cursor !== null; ) {
 *   const page = await listSyncStatus(context, { cursor, inconsistent: true });
 *   cursor = page.nextCursor;
 * }
 */
export async function listSyncStatus(
  context: StoreContext,
  options: ListSyncStatusOptions = {},
): Promise<SyncStatusPage> {
  const limit = options.limit ?? 100;
  const rows = await checkPosts(
    context,
    options.cursor ?? 0,
    limit,
    options.status ?? null,
    options.inconsistent === true,
  );
  return {
    items: rows.map(toSyncStatus),
    nextCursor: rows.length === limit ? Number(rows.at(-1)!.post_id) : null,
  };
}
