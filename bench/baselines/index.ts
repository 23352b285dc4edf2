// The original design's algorithms (docs: /work/shared/seed/section-synchronization-design.md),
// re-implemented only to be measured against. Each lives in a schema of its own, on tables of
// its own, so installing them never changes what section-sync's tables or triggers do:
//
//   seedSchemas.app     tables only: the application-level sync (delete every row, insert one
//                       statement per row), as its Python `sync_section_headings_to_sections`
//   seedSchemas.master  + the primary trigger: per-row, position-based PL/pgSQL loop
//   seedSchemas.rows    + the secondary triggers: FOR EACH ROW re-render of the whole post
//   seedSchemas.both    + both, as the seed design installs them: its triggers fire each other
//                       (every row the primary writes re-renders the master, which fires the
//                       primary again); the rows -> master suite measures one row UPDATE there
//
// The master and rows schemas install one direction's trigger alone, to measure each
// algorithm by itself.
import { readFile } from 'node:fs/promises';
import type { Db } from '@section-sync/postgres';

export const seedSchemas = {
  app: 'seed_app',
  master: 'seed_master',
  rows: 'seed_rows',
  both: 'seed_both',
} as const;

async function sqlFile(name: string, schema: string): Promise<string> {
  const text = await readFile(new URL(name, import.meta.url), 'utf8');
  return text.replaceAll('{{schema}}', schema);
}

/** Creates the three baseline schemas (tables, and each one's trigger). */
export async function installSeedBaselines(db: Db): Promise<void> {
  for (const schema of Object.values(seedSchemas)) {
    await db.exec(await sqlFile('seed-tables.sql', schema));
  }
  await db.exec(await sqlFile('seed-master-trigger.sql', seedSchemas.master));
  await db.exec(await sqlFile('seed-rows-triggers.sql', seedSchemas.rows));
  await db.exec(await sqlFile('seed-master-trigger.sql', seedSchemas.both));
  await db.exec(await sqlFile('seed-rows-triggers.sql', seedSchemas.both));
}

type SeedItem =
  | string
  | { heading?: string; title?: string; description?: string; status?: string };

/**
 * The seed's application-level master -> rows sync, statement for statement: write the master,
 * `json.loads` it, delete every row of the post, insert one row per item (one statement and one
 * round trip each), commit. Every section gets a new id and loses its host columns (its draft).
 * The master write is part of it (unless `writeMaster: false`) because the product's API path
 * writes the master too.
 */
export async function seedAppSync(
  db: Db,
  postId: number,
  master: string,
  options: { writeMaster?: boolean } = {},
): Promise<void> {
  const schema = seedSchemas.app;
  await db.transaction(async (tx) => {
    if (options.writeMaster !== false) {
      await tx.query(
        `UPDATE ${schema}.post_development SET section_headings = $2 WHERE post_id = $1`,
        [postId, master],
      );
    }
    const items = JSON.parse(master) as SeedItem[];
    await tx.query(`DELETE FROM ${schema}.post_section WHERE post_id = $1`, [postId]);
    for (const [i, item] of items.entries()) {
      // Python's dict.get(key, default) keeps a present-but-empty value; so does `??`.
      const heading =
        typeof item === 'string' ? item : (item.heading ?? item.title ?? `Section ${i + 1}`);
      const description = typeof item === 'string' ? '' : (item.description ?? '');
      const status = typeof item === 'string' ? 'draft' : (item.status ?? 'draft');
      await tx.query(
        `INSERT INTO ${schema}.post_section (
           post_id, section_order, section_heading, section_description, status
         ) VALUES ($1, $2, $3, $4, $5)`,
        [postId, i + 1, heading, description, status],
      );
    }
  });
}

/**
 * The seed's consistency check of one post: its "Check data consistency" query (counts only,
 * `json_array_length` of the master against the row count), one query per post from the app.
 */
export async function seedCheckPost(
  db: Db,
  schema: string,
  postId: number,
): Promise<string | undefined> {
  const { rows } = await db.query<{ sync_status: string }>(
    `SELECT
       pd.post_id,
       pd.section_headings,
       COUNT(ps.id) as section_count,
       CASE
         WHEN pd.section_headings IS NULL THEN 'No master data'
         WHEN COUNT(ps.id) = 0 THEN 'No sections'
         WHEN json_array_length(pd.section_headings::json) != COUNT(ps.id) THEN 'Count mismatch'
         ELSE 'OK'
       END as sync_status
     FROM ${schema}.post_development pd
     LEFT JOIN ${schema}.post_section ps ON pd.post_id = ps.post_id
     WHERE pd.post_id = $1
     GROUP BY pd.post_id, pd.section_headings`,
    [postId],
  );
  return rows[0]?.sync_status;
}

/**
 * The seed's sync endpoint, direction `to_sections`, for one post: `get_post_development`
 * (one query), then the app sync of the text it read.
 */
export async function seedSyncEndpoint(db: Db, postId: number): Promise<void> {
  const { rows } = await db.query<{ section_headings: string | null }>(
    `SELECT * FROM ${seedSchemas.app}.post_development WHERE post_id = $1`,
    [postId],
  );
  const master = rows[0]?.section_headings;
  if (master) await seedAppSync(db, postId, master, { writeMaster: false });
}
