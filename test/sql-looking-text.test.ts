// Text that looks like SQL (or like format strings, dollar quotes, escapes) in every field and
// every write path is stored and answered verbatim, and the database is untouched by it.
import { SectionSyncApiError } from '@section-sync/client';
import { openPostgres } from '@section-sync/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { recordFigures } from './support/figures.js';
import { installContentMarkers, SectionLedger, seedPosts } from './support/ledger.js';
import { describeWithPostgres } from './support/postgres-only.js';
import { type Service, startService } from './support/service.js';

/** Each is a heading, a description and a status (none has outer white space: headings are trimmed). */
const HOSTILE = [
  "'); DROP TABLE post_section; --",
  "Robert'); DELETE FROM post_development WHERE ('1'='1",
  '$$; TRUNCATE section_sync_log; $$',
  '$body$ || (SELECT current_user) || $body$',
  "\\'; SELECT pg_sleep(10); --",
  'C:\\temp\\new\\x00 \\\\ back\\slash',
  '"double" and \'single\' and `back` quotes',
  '%s %I %L %1$s format(specifiers)',
  ':name $1 ? @p0 {{schema}}',
  "E'\\n' U&'\\0041' /* comment */ -- tail",
];

describeWithPostgres('SQL-looking text in every field', () => {
  let t: Awaited<ReturnType<typeof openPostgres>>;
  let service: Service;
  let stored = 0;

  beforeAll(async () => {
    t = await openPostgres();
    await installContentMarkers(t.pool);
    await seedPosts(t.pool, new SectionLedger(), 1, 3);
    service = await startService({ pool: t.pool });
  });
  afterAll(async () => {
    await recordFigures('security-sql-text', { valuesStoredVerbatim: stored, paths: 5 });
    await service?.close();
    await t?.close();
  });

  /** The post's sections as the API and as the table hold them, without ids and dates. */
  async function fieldsOf(postId: number) {
    const api = (await service.client().getSections(postId)).sections.map(
      ({ heading, description, status }) => ({
        heading,
        description,
        status,
      }),
    );
    const { rows } = await t.pool.query(
      `SELECT section_heading AS heading, section_description AS description, status
       FROM post_section WHERE post_id = $1 ORDER BY section_order`,
      [postId],
    );
    expect(rows).toEqual(api);
    return api;
  }

  it('through create, edit, a master array and a master text, in heading, description and status', async () => {
    const client = service.client({ retry: false });
    for (const text of HOSTILE) {
      const { section } = await client.createSection(1, {
        heading: text,
        description: text,
        status: text.slice(0, 100),
      });
      await client.updateSection(1, section.id, { description: `${text} (edited)` });
      stored += 3;
    }
    const created = await fieldsOf(1);
    expect(created.slice(-HOSTILE.length)).toEqual(
      HOSTILE.map((text) => ({
        heading: text,
        description: `${text} (edited)`,
        status: text.slice(0, 100),
      })),
    );

    await client.setSectionHeadings(
      2,
      HOSTILE.map((text) => ({ heading: text, description: text, status: text })),
    );
    expect(await fieldsOf(2)).toEqual(
      HOSTILE.map((text) => ({ heading: text, description: text, status: text })),
    );

    const lines = HOSTILE.map((text, i) => `${i + 1}. ${text}`).join('\n');
    await client.setSectionHeadings(3, lines);
    expect((await fieldsOf(3)).map((s) => s.heading)).toEqual(HOSTILE);
    expect((await client.getSectionHeadings(3)).sectionHeadings).toBe(lines);
    stored += HOSTILE.length * 4;
  });

  it('through plain SQL writes of the master and of the rows', async () => {
    await t.pool.query('UPDATE post_development SET section_headings = $1 WHERE post_id = 3', [
      JSON.stringify(HOSTILE),
    ]);
    expect((await fieldsOf(3)).map((s) => s.heading)).toEqual(HOSTILE);
    await t.pool.query(
      `UPDATE post_section SET section_description = section_heading || ' ' || section_heading WHERE post_id = 3`,
    );
    expect((await fieldsOf(3)).map((s) => s.description)).toEqual(
      HOSTILE.map((text) => `${text} ${text}`),
    );
    stored += HOSTILE.length * 2;
  });

  it('in path and query parameters it is a 400, never a query', async () => {
    const client = service.client({ retry: false });
    const error = await client
      .getSyncStatusPage({ status: "OK' OR '1'='1" as 'OK' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SectionSyncApiError);
    expect(error).toMatchObject({ status: 400, code: 'invalid_request' });
    const response = await fetch(
      `${service.url}/api/workflow/posts/1;DROP TABLE post_section/sections`,
    );
    expect(response.status).toBe(400);
  });

  it('leaves every table and the sync log in place', async () => {
    const { rows } = await t.pool.query<{ name: string }>(
      `SELECT to_regclass(name)::text AS name
       FROM unnest(ARRAY['post_section', 'post_development', 'section_sync.log']) AS name`,
    );
    expect(rows.map((r) => r.name)).toEqual([
      'post_section',
      'post_development',
      'section_sync.log',
    ]);
    const { rows: log } = await t.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM section_sync.log',
    );
    expect(log[0]!.n).toBeGreaterThan(HOSTILE.length);
  });
});
