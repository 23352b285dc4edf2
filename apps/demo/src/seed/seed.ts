import type { Db } from '@section-sync/postgres';
import { SAMPLE_POSTS, type SamplePost } from './sample-posts.js';

// Two demo servers starting on one empty database must not both seed it: 'ssed' in ASCII.
const SEED_LOCK_KEY = 0x73736564;

/**
 * Inserts the sample posts when the database has no post yet (so it never touches a database in
 * use). The triggers create the sections, as they would for any plain SQL insert; posts marked
 * `canonical` then get their master rewritten with the section ids. Returns how many it inserted.
 *
 * @example
 * await migrate(db);
 * await seedSamplePosts(db); // 15 on a new database, 0 afterwards
 */
export async function seedSamplePosts(
  db: Db,
  posts: readonly SamplePost[] = SAMPLE_POSTS,
): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK_KEY]);
    const { rows } = await tx.query<{ any: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM post_development) AS any',
    );
    if (rows[0]?.any) return 0;
    for (const post of posts) {
      await tx.query('INSERT INTO post_development (post_id, section_headings) VALUES ($1, $2)', [
        post.postId,
        post.master,
      ]);
      if (post.canonical) {
        await tx.query('SELECT section_sync.sync_to_master($1)', [post.postId]);
      }
    }
    return posts.length;
  });
}
