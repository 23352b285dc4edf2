import { readFile } from 'node:fs/promises';
import type { Db } from '@section-sync/postgres';
import { backends, type TestDatabase } from '@section-sync/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installSeedBaselines, seedAppSync, seedSchemas } from './baselines/index.js';

// The baselines are only worth measuring if they do what the seed design does: the same
// headings for a JSON master, and the same defect we fix (a reorder loses ids and drafts).

const master = (headings: string[]) =>
  JSON.stringify(
    headings.map((heading, i) => ({
      order: i + 1,
      heading,
      description: `About ${heading}`,
      status: i % 2 ? 'draft' : 'done',
    })),
  );

interface Row {
  id: number;
  section_heading: string;
  section_description: string;
  status: string;
  draft_body: string | null;
}

async function rows(db: Db, schema: string, postId: number): Promise<Row[]> {
  const { rows } = await db.query<Row>(
    `SELECT id, section_heading, section_description, status, draft_body
     FROM ${schema}.post_section WHERE post_id = $1 ORDER BY section_order`,
    [postId],
  );
  return rows;
}

const fields = (r: Row) => [r.section_heading, r.section_description, r.status];

describe.each(backends)('seed baselines on $name', (backend) => {
  let t: TestDatabase;
  let db: Db;
  const before = ['Intro', 'Setup', 'Results', 'Outlook'];
  const reordered = ['Setup', 'Intro', 'Outlook', 'Results'];

  beforeAll(async () => {
    t = await backend.open();
    db = t.db;
    await db.exec('ALTER TABLE post_section ADD COLUMN draft_body text');
    await installSeedBaselines(db);
    await db.query('INSERT INTO post_development (post_id) VALUES (1)');
    await db.query(`INSERT INTO ${seedSchemas.app}.post_development (post_id) VALUES (1)`);
    await db.query(`INSERT INTO ${seedSchemas.master}.post_development (post_id) VALUES (1)`);
  });
  afterAll(() => t.close());

  it('produce the headings, descriptions and statuses our sync produces', async () => {
    await db.query('UPDATE post_development SET section_headings = $1 WHERE post_id = 1', [
      master(before),
    ]);
    await seedAppSync(db, 1, master(before));
    await db.query(
      `UPDATE ${seedSchemas.master}.post_development SET section_headings = $1 WHERE post_id = 1`,
      [master(before)],
    );
    const ours = (await rows(db, 'public', 1)).map(fields);
    expect(ours.map((f) => f[0])).toEqual(before);
    expect((await rows(db, seedSchemas.app, 1)).map(fields)).toEqual(ours);
    expect((await rows(db, seedSchemas.master, 1)).map(fields)).toEqual(ours);
  });

  it('lose ids and drafts on a reorder, where ours keeps them with their section', async () => {
    for (const schema of ['public', seedSchemas.app, seedSchemas.master]) {
      await db.query(
        `UPDATE ${schema}.post_section SET draft_body = 'draft of ' || section_heading WHERE post_id = 1`,
      );
    }
    const idsBefore = async (schema: string) =>
      new Map((await rows(db, schema, 1)).map((r) => [r.section_heading, r.id]));
    const oursBefore = await idsBefore('public');
    const appBefore = await idsBefore(seedSchemas.app);
    const triggerBefore = await idsBefore(seedSchemas.master);

    await db.query('UPDATE post_development SET section_headings = $1 WHERE post_id = 1', [
      master(reordered),
    ]);
    await seedAppSync(db, 1, master(reordered));
    await db.query(
      `UPDATE ${seedSchemas.master}.post_development SET section_headings = $1 WHERE post_id = 1`,
      [master(reordered)],
    );

    const ours = await rows(db, 'public', 1);
    expect(ours.map((r) => r.section_heading)).toEqual(reordered);
    for (const r of ours) {
      expect(r.id).toBe(oursBefore.get(r.section_heading));
      expect(r.draft_body).toBe(`draft of ${r.section_heading}`);
    }

    // App sync: every section is new, every draft gone.
    const app = await rows(db, seedSchemas.app, 1);
    expect(app.map((r) => r.section_heading)).toEqual(reordered);
    for (const r of app) {
      expect([...appBefore.values()]).not.toContain(r.id);
      expect(r.draft_body).toBeNull();
    }

    // Positional trigger: ids and drafts stay at their position, under another heading.
    const trigger = await rows(db, seedSchemas.master, 1);
    expect(trigger.map((r) => r.section_heading)).toEqual(reordered);
    expect(trigger[0]!.id).toBe(triggerBefore.get('Intro'));
    expect(trigger[0]!.draft_body).toBe('draft of Intro');
    expect(trigger[0]!.section_heading).toBe('Setup');
  });

  it('per-row secondary triggers render the master from the rows (without ids)', async () => {
    const schema = seedSchemas.rows;
    await db.query(`INSERT INTO ${schema}.post_development (post_id) VALUES (1)`);
    await db.query(
      `INSERT INTO ${schema}.post_section (post_id, section_order, section_heading)
       SELECT 1, g, 'Section ' || g FROM generate_series(1, 3) g`,
    );
    await db.query(`UPDATE ${schema}.post_section SET status = 'review' WHERE post_id = 1`);
    const { rows: found } = await db.query<{ section_headings: string }>(
      `SELECT section_headings FROM ${schema}.post_development WHERE post_id = 1`,
    );
    expect(JSON.parse(found[0]!.section_headings)).toEqual(
      [1, 2, 3].map((i) => ({
        order: i,
        heading: `Section ${i}`,
        description: '',
        status: 'review',
      })),
    );
  });

  it("need the variable_conflict pragma: the seed's code as written fails (42702)", async () => {
    const text = (
      await readFile(new URL('./baselines/seed-master-trigger.sql', import.meta.url), 'utf8')
    )
      .replaceAll('{{schema}}', 'seed_verbatim')
      .replace('#variable_conflict use_variable\n', '');
    const tables = (
      await readFile(new URL('./baselines/seed-tables.sql', import.meta.url), 'utf8')
    ).replaceAll('{{schema}}', 'seed_verbatim');
    await db.exec(tables);
    await db.exec(text);
    await db.query('INSERT INTO seed_verbatim.post_development (post_id) VALUES (1)');
    await db.query(`UPDATE seed_verbatim.post_development SET section_headings = '["A"]'`);
    await expect(
      db.query(`UPDATE seed_verbatim.post_development SET section_headings = '["B"]'`),
    ).rejects.toMatchObject({ code: '42702' });
  });
});
