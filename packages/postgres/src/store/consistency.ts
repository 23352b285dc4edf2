import type { SyncStatus } from '@section-sync/core';
import { PostNotFoundError } from '@section-sync/core';
import type { ListSyncStatusOptions, SyncStatusPage } from '../store-types.js';
import { toStoreError } from './errors.js';
import { limitSettings, type StoreContext } from './transaction.js';

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

// The same under the store's limits, when it has any (the check parses with them).
const CHECK_POSTS_WITH_LIMITS = `SELECT post_id, status, version, master_count, section_count,
    differences
  FROM section_sync.check_posts_with($5::jsonb, $1::bigint, $2::int, $3::text, $4::boolean)`;
const CHECK_ONE_POST_WITH_LIMITS = `SELECT post_id, status, version, master_count, section_count,
    differences
  FROM section_sync.check_range_with($2::jsonb, $1::bigint - 1, $1::bigint)`;

/** The store's limits as the `_with` queries take them, or null when it uses the defaults. */
function limitsParameter(context: StoreContext): string | null {
  const settings = limitSettings(context);
  return Object.keys(settings).length > 0 ? JSON.stringify(settings) : null;
}

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
  const limits = limitsParameter(context);
  try {
    const { rows } = await context.db.query<CheckRow>(
      limits ? CHECK_POSTS_WITH_LIMITS : CHECK_POSTS,
      limits ? [after, limit, status, inconsistent, limits] : [after, limit, status, inconsistent],
    );
    return rows;
  } catch (error) {
    throw toStoreError(error, after + 1);
  }
}

/**
 * The consistency of one post: its parsed master against its rows (headings, order,
 * descriptions and statuses, ids), with every difference, under the store's limits. A post id with sections but no
 * `post_development` row is 'No master data'; with neither it does not exist.
 *
 * @example
 * const { status, differences } = await checkPost(context, 42);
 */
export async function checkPost(context: StoreContext, postId: number): Promise<SyncStatus> {
  let row: CheckRow | undefined;
  const limits = limitsParameter(context);
  try {
    const { rows } = await context.db.query<CheckRow>(
      limits ? CHECK_ONE_POST_WITH_LIMITS : CHECK_ONE_POST,
      limits ? [postId, limits] : [postId],
    );
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
