import {
  SectionSyncApiError,
  type SectionSyncClient,
  type SyncDirection,
  type WriteOptions,
} from '@section-sync/client';
import type pg from 'pg';
import { anchorHeading, retryDeadlocks } from './ledger.js';
import { MASTER_FORMATS, type MasterItem, masterIn } from './masters.js';
import type { Random } from './seed.js';

/** What a load run did and met, by operation and by answer. */
export interface LoadTally {
  operations: Record<string, number>;
  /** Expected refusals: `status code` -> count (stale If-Match 409, stale reorder 400...). */
  refused: Record<string, number>;
  /** Anything else a caller met: each one fails the test. */
  unexpected: string[];
  /** Deadlocks / serialization failures plain SQL statements met (and ran again). */
  sqlDeadlockRetries: number;
  /** The same by statement kind (`sql:delete` -> count). */
  sqlDeadlocksByKind: Record<string, number>;
}

export function newTally(): LoadTally {
  return {
    operations: {},
    refused: {},
    unexpected: [],
    sqlDeadlockRetries: 0,
    sqlDeadlocksByKind: {},
  };
}

export const totalOperations = (tally: LoadTally) =>
  Object.values(tally.operations).reduce((a, b) => a + b, 0);

const DIRECTIONS: SyncDirection[] = ['to_sections', 'to_development', 'both'];
const MAX_SECTIONS = 12;

/** The posts a load works on, and the sync log entry each was seeded at (rollback goes later). */
export interface LoadTarget {
  postIds: number[];
  /** Post id -> highest log id after seeding: rolling back past it would drop the anchor. */
  seedLogIds: Map<number, number>;
}

/** Sync log ids per post once seeding is done. */
export async function seedLogIds(pool: pg.Pool): Promise<Map<number, number>> {
  const { rows } = await pool.query<{ post_id: string; id: string }>(
    'SELECT post_id, max(id) AS id FROM section_sync.log GROUP BY post_id',
  );
  return new Map(rows.map((r) => [Number(r.post_id), Number(r.id)]));
}

function heading(random: Random, postId: number): string {
  // Quotes, Unicode and SQL-looking text ride along: they must come back verbatim.
  const flavour = random.pick(['', '', '', ' — é 中文 😀', ' \'quoted\' "too"', ' $$ \\ --']);
  return `Topic ${postId}-${random.int(1000)}${flavour}`;
}

/** A new master for a post: the anchor kept, some sections kept, renamed, dropped or added. */
function nextMaster(random: Random, postId: number, current: { id: string; heading: string }[]) {
  const items: MasterItem[] = [];
  for (const section of current) {
    if (section.heading === anchorHeading(postId)) {
      items.push({ id: random.chance(0.5) ? section.id : undefined, heading: section.heading });
    } else if (random.chance(0.8)) {
      const renamed = random.chance(0.15);
      items.push({
        id: random.chance(0.7) ? section.id : undefined,
        heading: renamed ? heading(random, postId) : section.heading,
        ...(random.chance(0.3) ? { description: `Desc ${random.int(100)}` } : {}),
        ...(random.chance(0.2) ? { status: random.pick(['draft', 'review', 'done']) } : {}),
      });
    }
  }
  for (let n = random.int(3); n > 0; n--) items.push({ heading: heading(random, postId) });
  const shuffled = random.shuffle(items).slice(0, MAX_SECTIONS);
  if (!shuffled.some((i) => i.heading === anchorHeading(postId))) {
    shuffled[0] = items.find((i) => i.heading === anchorHeading(postId))!;
  }
  return shuffled;
}

/** A 4xx a concurrent writer must expect, given what it sent. */
function isExpectedRefusal(error: SectionSyncApiError, usedIfMatch: boolean): boolean {
  if (error.status === 409) return usedIfMatch && error.code === 'version_conflict';
  // Another writer changed the post between our read and our write.
  if (error.status === 400)
    return error.code === 'invalid_reorder' || error.code === 'invalid_position';
  if (error.status === 404) return error.code === 'section_not_found';
  return false;
}

/**
 * One SDK client's loop: `count` random operations on random posts, every write kind and
 * every master format, a quarter of them with `If-Match`.
 */
export async function runSdkWorker(
  client: SectionSyncClient,
  target: LoadTarget,
  random: Random,
  count: number,
  tally: LoadTally,
): Promise<void> {
  let done = 0;
  while (done < count) {
    const postId = random.pick(target.postIds);
    const { sections, version } = await client.getSections(postId);
    const ifMatch = random.chance(0.25);
    const options: WriteOptions = ifMatch ? { ifMatch: version } : {};
    const others = sections.filter((s) => s.heading !== anchorHeading(postId));
    const roll = random.next();
    let kind = '';
    try {
      if (roll < 0.3) {
        const format = random.pick(MASTER_FORMATS);
        kind = `master:${format}`;
        await client.setSectionHeadings(
          postId,
          masterIn(format, nextMaster(random, postId, sections), random),
          options,
        );
      } else if (roll < 0.42 || (roll < 0.5 && others.length === 0)) {
        kind = 'create';
        if (sections.length >= MAX_SECTIONS) continue;
        await client.createSection(
          postId,
          { heading: heading(random, postId), position: 1 + random.int(sections.length + 1) },
          options,
        );
      } else if (roll < 0.5) {
        kind = 'delete';
        await client.deleteSection(postId, random.pick(others).id, options);
      } else if (roll < 0.62) {
        kind = 'edit';
        const section = random.pick(sections);
        const isAnchor = section.heading === anchorHeading(postId);
        await client.updateSection(
          postId,
          section.id,
          {
            ...(isAnchor ? {} : { heading: heading(random, postId) }),
            description: `Edited ${random.int(1000)} ' " \\`,
            ...(random.chance(0.5) ? { status: random.pick(['draft', 'review', 'done']) } : {}),
          },
          options,
        );
      } else if (roll < 0.72) {
        kind = 'reorder';
        await client.reorderSections(postId, random.shuffle(sections.map((s) => s.id)), options);
      } else if (roll < 0.82) {
        const direction = random.pick(DIRECTIONS);
        kind = `sync:${direction}`;
        await client.syncSections(postId, { direction, ...options });
      } else if (roll < 0.86) {
        kind = 'bulk-sync';
        const postIds = [random.pick(target.postIds), random.pick(target.postIds), postId];
        const report = await client.bulkSync({ postIds, direction: random.pick(DIRECTIONS) });
        if (report.failed > 0)
          tally.unexpected.push(`bulk sync failed: ${JSON.stringify(report.results)}`);
      } else if (roll < 0.91) {
        kind = 'rollback';
        const { entries } = await client.getSyncLog(postId, { limit: 10 });
        const later = entries.filter((e) => e.id > (target.seedLogIds.get(postId) ?? 0));
        if (later.length === 0) continue;
        await client.rollback(postId, random.pick(later).id, options);
      } else {
        kind = 'read';
        const status = await client.getSyncStatus(postId);
        await client.getSectionHeadings(postId);
        // A post is never seen half-synced, even between two writes of other clients.
        if (status.status !== 'OK') {
          tally.unexpected.push(
            `post ${postId} read as ${status.status}: ${JSON.stringify(status.differences)}`,
          );
        }
      }
      tally.operations[kind] = (tally.operations[kind] ?? 0) + 1;
      done++;
    } catch (error) {
      tally.operations[kind] = (tally.operations[kind] ?? 0) + 1;
      done++;
      if (error instanceof SectionSyncApiError && isExpectedRefusal(error, ifMatch)) {
        const key = `${error.status} ${error.code}`;
        tally.refused[key] = (tally.refused[key] ?? 0) + 1;
      } else {
        tally.unexpected.push(`${kind} on post ${postId}: ${describeError(error)}`);
      }
    }
  }
}

function describeError(error: unknown): string {
  if (error instanceof SectionSyncApiError) return `${error.status} ${error.code} ${error.message}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * One plain-SQL writer (a host's own code, an LLM worker issuing SQL): `count` statements on
 * random posts: master UPDATEs, INSERTs, heading and order UPDATEs,
 * DELETEs. Never the anchor. Deadlocks are run again, and counted. With `lockFirst` the row
 * UPDATEs and DELETEs take the post's lock inline first (`post_id = section_sync.lock_post(n)`).
 */
export async function runSqlWriter(
  pool: pg.Pool,
  target: LoadTarget,
  random: Random,
  count: number,
  tally: LoadTally,
  options: { lockFirst?: boolean } = {},
): Promise<void> {
  let kind = '';
  const onRetry = () => {
    tally.sqlDeadlockRetries++;
    tally.sqlDeadlocksByKind[kind] = (tally.sqlDeadlocksByKind[kind] ?? 0) + 1;
  };
  // The documented pattern: the post's lock inline, before the statement locks any row.
  const post = options.lockFirst ? 'post_id = section_sync.lock_post($2) AND' : '';
  const deletePost = options.lockFirst ? 'post_id = section_sync.lock_post($1) AND' : '';
  for (let i = 0; i < count; i++) {
    const postId = random.pick(target.postIds);
    const anchor = anchorHeading(postId);
    const roll = random.next();
    kind = '';
    try {
      if (roll < 0.3) {
        kind = 'sql:master';
        const { rows } = await pool.query<{ id: string; section_heading: string }>(
          'SELECT id, section_heading FROM post_section WHERE post_id = $1 ORDER BY section_order',
          [postId],
        );
        const items = nextMaster(
          random,
          postId,
          rows.map((r) => ({ id: r.id, heading: r.section_heading })),
        );
        await retryDeadlocks(
          () =>
            pool.query('UPDATE post_development SET section_headings = $1 WHERE post_id = $2', [
              masterIn('numbered', items),
              postId,
            ]),
          onRetry,
        );
      } else if (roll < 0.5) {
        kind = 'sql:insert';
        await retryDeadlocks(
          () =>
            pool.query(
              `INSERT INTO post_section (post_id, section_order, section_heading)
               SELECT $1, $2, $3
               WHERE (SELECT count(*) FROM post_section WHERE post_id = $1) < $4`,
              [postId, 1 + random.int(6), heading(random, postId), MAX_SECTIONS],
            ),
          onRetry,
        );
      } else if (roll < 0.7) {
        kind = 'sql:update-heading';
        await retryDeadlocks(
          () =>
            pool.query(
              `UPDATE post_section SET section_heading = $1
               WHERE ${post} id = (SELECT id FROM post_section WHERE post_id = $2
                                   AND section_heading <> $3 ORDER BY random() LIMIT 1)`,
              [heading(random, postId), postId, anchor],
            ),
          onRetry,
        );
      } else if (roll < 0.85) {
        kind = 'sql:update-order';
        await retryDeadlocks(
          () =>
            pool.query(
              `UPDATE post_section SET section_order = $1
               WHERE ${post} id = (SELECT id FROM post_section WHERE post_id = $2
                                   ORDER BY random() LIMIT 1)`,
              [1 + random.int(4), postId],
            ),
          onRetry,
        );
      } else {
        kind = 'sql:delete';
        await retryDeadlocks(
          () =>
            pool.query(
              `DELETE FROM post_section
               WHERE ${deletePost} id = (SELECT id FROM post_section WHERE post_id = $1
                                         AND section_heading <> $2 ORDER BY random() LIMIT 1)`,
              [postId, anchor],
            ),
          onRetry,
        );
      }
      tally.operations[kind] = (tally.operations[kind] ?? 0) + 1;
    } catch (error) {
      tally.unexpected.push(`${kind} on post ${postId}: ${describeError(error)}`);
    }
  }
}
