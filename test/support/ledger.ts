import type pg from 'pg';

/**
 * Content markers tie a section's host-owned content to its id: a host trigger gives every row
 * `body = 'marker:<id>'` at birth, in a column the product never writes. A section whose marker
 * is gone lost its content; a marker under another id means content moved to another section.
 * Anchors are sections no load operation deletes or renames: each must survive everything.
 */
export class SectionLedger {
  /** Section id -> its post, for every section seen so far (a section never changes post). */
  readonly seen = new Map<number, number>();
  /** Post id -> the id of its anchor section. */
  readonly anchors = new Map<number, number>();
}

/**
 * Runs a plain SQL statement again after a deadlock or serialization failure, as any host code
 * writing to these tables must (the statement was rolled back whole). `onRetry` counts them.
 */
export async function retryDeadlocks<T>(run: () => Promise<T>, onRetry?: () => void): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if ((code !== '40P01' && code !== '40001') || attempt >= 20) throw error;
      onRetry?.();
      await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 20));
    }
  }
}

/**
 * Adds the host-owned content column and the host's trigger filling it at insert, as an app
 * storing drafted text would. The product must carry it along and never write it.
 */
export async function installContentMarkers(db: pg.Pool): Promise<void> {
  await db.query(`
    ALTER TABLE post_section ADD COLUMN IF NOT EXISTS body text;
    CREATE OR REPLACE FUNCTION host_mark_content() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.body := 'marker:' || NEW.id;
      RETURN NEW;
    END $$;
    CREATE OR REPLACE TRIGGER host_mark_content BEFORE INSERT ON post_section
      FOR EACH ROW EXECUTE FUNCTION host_mark_content();`);
}

/** The heading of a post's anchor section. */
export const anchorHeading = (postId: number) => `Anchor ${postId}`;

/**
 * Creates `count` posts (ids from `firstId`), each with its anchor and a few sections through
 * plain SQL (the trigger syncs them).
 */
export async function seedPosts(
  db: pg.Pool,
  ledger: SectionLedger,
  firstId: number,
  count: number,
  sectionsPerPost = 4,
): Promise<number[]> {
  const postIds = Array.from({ length: count }, (_, i) => firstId + i);
  for (const postId of postIds) {
    const headings = [
      anchorHeading(postId),
      ...Array.from({ length: sectionsPerPost - 1 }, (_, i) => `Seed ${postId}.${i + 1}`),
    ];
    await db.query('INSERT INTO post_development (post_id, section_headings) VALUES ($1, $2)', [
      postId,
      headings.map((h, i) => `${i + 1}. ${h}`).join('\n'),
    ]);
    const { rows } = await db.query<{ id: string }>(
      'SELECT id FROM post_section WHERE post_id = $1 AND section_heading = $2',
      [postId, anchorHeading(postId)],
    );
    ledger.anchors.set(postId, Number(rows[0]!.id));
  }
  return postIds;
}
