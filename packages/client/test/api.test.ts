import type { AddressInfo } from 'node:net';
import { backends, type TestDatabase } from '@section-sync/testing';
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ConflictError,
  createClient,
  NotFoundError,
  type SectionSyncClient,
  UnprocessableError,
} from '../src/index.js';

// The happy path runs against the real thing: the Fastify plugin on a real database, over real
// HTTP. The plugin is built by another package; until its build exports it, say so and skip.
const plugin = await loadPlugin();
if (!plugin) {
  console.warn(
    '[section-sync] client api.test.ts skipped: @section-sync/fastify has no default export ' +
      '(build it: npx tsc -p packages/fastify-plugin/tsconfig.build.json)',
  );
}

async function loadPlugin(): Promise<FastifyPluginAsync<{ db: unknown }> | undefined> {
  const module = (await import('@section-sync/fastify')) as { default?: unknown };
  return typeof module.default === 'function'
    ? (module.default as FastifyPluginAsync<{ db: unknown }>)
    : undefined;
}

describe.skipIf(!plugin).each(backends)('every method against the plugin on $name', (backend) => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let client: SectionSyncClient;

  /** Creates post `postId` with `master` as its master text and syncs its rows to it. */
  async function seedPost(postId: number, master: string | null) {
    await database.db.query(
      'INSERT INTO post_development (post_id, section_headings) VALUES ($1, $2)',
      [postId, master],
    );
    return client.syncSections(postId, { direction: 'to_sections' });
  }

  beforeAll(async () => {
    database = await backend.open();
    app = Fastify();
    await app.register(plugin!, { db: database.db });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    client = createClient({ baseUrl: `http://127.0.0.1:${port}`, timeout: 10_000 });
  });

  afterAll(async () => {
    await client?.close();
    await app?.close();
    await database?.close();
  });

  test('ready() and health() answer while the database is up and migrated', async () => {
    const ready = await client.ready();
    expect(ready).toMatchObject({ status: 'ok', database: 'up' });
    expect(ready.migrations?.current).toBe(ready.migrations?.expected);
    await expect(client.health()).resolves.toEqual({ status: 'ok' });
  });

  test('syncSections creates the rows of a master, with version and ETag', async () => {
    await database.db.query(
      'INSERT INTO post_development (post_id, section_headings) VALUES ($1, $2)',
      [1, '1. Intro\n2. Setup\n3. Deploy'],
    );
    const result = await client.syncSections(1, { direction: 'to_sections' });
    expect(result).toMatchObject({ status: 'success', postId: 1, direction: 'to_sections' });
    expect(result.sections.map((s) => s.heading)).toEqual(['Intro', 'Setup', 'Deploy']);
    expect(result.sections.map((s) => s.order)).toEqual([1, 2, 3]);
    expect(result.etag).toBe(`"${result.version}"`);

    const again = await client.syncSections(1, { ifMatch: result.etag });
    expect(again.changes).toMatchObject({ created: 0, deleted: 0 });
    expect(again.message).toBe('Sections synchronized successfully');
  });

  test('a dry run answers the plan and writes nothing', async () => {
    const before = await client.getSections(1);
    const preview = await client.setSectionHeadings(1, ['Intro', 'Setup', 'Deploy', 'FAQ'], {
      dryRun: true,
    });
    expect(preview).toMatchObject({ dryRun: true, changes: { created: 1 } });
    expect(await client.getSections(1)).toEqual(before);
  });

  test('getSections answers the rows in order with the version', async () => {
    const { postId, version, sections } = await client.getSections(1);
    expect(postId).toBe(1);
    expect(version).toBeGreaterThan(0);
    expect(sections.map((s) => s.heading)).toEqual(['Intro', 'Setup', 'Deploy']);
  });

  test('getSectionHeadings answers the master text, its format and its items', async () => {
    await database.db.query(
      'INSERT INTO post_development (post_id, section_headings) VALUES ($1, $2)',
      [2, '# Alpha\n# Beta'],
    );
    const headings = await client.getSectionHeadings(2);
    expect(headings.postId).toBe(2);
    expect(headings.sectionHeadings).toBe('# Alpha\n# Beta');
    expect(headings.format).toBe('markdown');
    expect(headings.items?.map((item) => item.heading)).toEqual(['Alpha', 'Beta']);
  });

  test('setSectionHeadings writes the master and syncs, keeping ids of kept sections', async () => {
    const before = await client.getSections(1);
    const intro = before.sections[0]!;
    const result = await client.setSectionHeadings(
      1,
      ['Intro', { heading: 'Setup', status: 'done' }, 'Deploy', 'FAQ'],
      { ifMatch: before.version },
    );
    expect(result.sections.map((s) => s.heading)).toEqual(['Intro', 'Setup', 'Deploy', 'FAQ']);
    expect(result.sections[0]!.id).toBe(intro.id);
    expect(result.sections[1]!.status).toBe('done');
    expect(result.version).toBeGreaterThan(before.version);
  });

  test('a stale ifMatch is a ConflictError and changes nothing', async () => {
    const { version } = await client.getSections(1);
    const error = await client
      .setSectionHeadings(1, ['Only'], { ifMatch: version - 1 })
      .catch((e) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ status: 409, body: { status: 'error' } });
    expect((await client.getSections(1)).version).toBe(version);
  });

  test('an unparsable master is an UnprocessableError saying where', async () => {
    const error = await client.setSectionHeadings(1, '[{"heading": "Intro"').catch((e) => e);
    expect(error).toBeInstanceOf(UnprocessableError);
    expect(error).toMatchObject({ status: 422, code: expect.any(String) });
    expect(error.message).toMatch(/^Sync failed: /);
  });

  test('createSection inserts at a position and answers 201 with the section', async () => {
    const result = await client.createSection(1, { heading: 'Pricing', position: 2 });
    expect(result.section).toMatchObject({ heading: 'Pricing', order: 2 });
    expect(result.sections.map((s) => s.heading)).toEqual([
      'Intro',
      'Pricing',
      'Setup',
      'Deploy',
      'FAQ',
    ]);
    expect(result.etag).toBe(`"${result.version}"`);
  });

  test('updateSection edits one section in place', async () => {
    const { sections } = await client.getSections(1);
    const pricing = sections.find((s) => s.heading === 'Pricing')!;
    const result = await client.updateSection(1, pricing.id, {
      heading: 'Pricing and plans',
      description: 'What it costs',
    });
    const updated = result.sections.find((s) => s.id === pricing.id);
    expect(updated).toMatchObject({
      heading: 'Pricing and plans',
      description: 'What it costs',
      order: 2,
    });
  });

  test('reorderSections puts the rows in the given order, ids kept', async () => {
    const { sections, version } = await client.getSections(1);
    const reversed = sections.map((s) => s.id).reverse();
    const result = await client.reorderSections(1, reversed, { ifMatch: version });
    expect(result.sections.map((s) => s.id)).toEqual(reversed);
    expect(result.sections.map((s) => s.order)).toEqual(reversed.map((_, i) => i + 1));
  });

  test('deleteSection removes one row and closes the gap; an unknown id is a NotFoundError', async () => {
    const { sections } = await client.getSections(1);
    const victim = sections[0]!;
    const result = await client.deleteSection(1, victim.id);
    expect(result.sections).toHaveLength(sections.length - 1);
    expect(result.sections.map((s) => s.order)).toEqual(result.sections.map((_, i) => i + 1));
    await expect(client.deleteSection(1, victim.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  test('getSyncStatus says OK for a post in sync', async () => {
    const status = await client.getSyncStatus(1);
    expect(status).toMatchObject({ postId: 1, status: 'OK', differences: [] });
    expect(status.masterCount).toBe(status.sectionCount);
  });

  test('listSyncStatus walks every page', async () => {
    for (const postId of [10, 11, 12]) await seedPost(postId, `- A${postId}\n- B${postId}`);
    const seen: number[] = [];
    for await (const status of client.listSyncStatus({ limit: 1 })) seen.push(status.postId);
    expect(seen).toEqual(expect.arrayContaining([1, 10, 11, 12]));
    expect(new Set(seen).size).toBe(seen.length);
    const page = await client.getSyncStatusPage({ limit: 1 });
    expect(page.items).toHaveLength(1);
    expect(page.nextCursor).not.toBeNull();
  });

  test('bulkSync syncs many posts and reports each', async () => {
    const report = await client.bulkSync({ postIds: [10, 11, 999_999], direction: 'both' });
    expect(report).toMatchObject({ status: 'success', total: 3, succeeded: 2, failed: 1 });
    const missing = report.results.find((r) => r.postId === 999_999);
    expect(missing).toMatchObject({ status: 'error' });
  });

  test('getSyncLog lists syncs newest first, and rollback restores a before-state', async () => {
    const before = await client.getSections(12);
    await client.setSectionHeadings(12, ['Replaced']);
    const { entries } = await client.getSyncLog(12, { limit: 5 });
    expect(entries.length).toBeGreaterThan(0);
    const newest = entries[0]!;
    expect(entries.map((e) => e.id)).toEqual([...entries.map((e) => e.id)].sort((a, b) => b - a));

    const restored = await client.rollback(12, newest.id);
    expect(restored.rolledBack).toBe(newest.id);
    expect(restored.sections.map((s) => s.heading)).toEqual(before.sections.map((s) => s.heading));
    const older = await client.getSyncLog(12, { limit: 1, before: newest.id });
    expect(older.entries.every((e) => e.id < newest.id)).toBe(true);
  });

  test('an unknown post is a NotFoundError with the API error code', async () => {
    const error = await client.getSections(424_242).catch((e) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({
      status: 404,
      code: expect.any(String),
      body: { status: 'error' },
    });
  });
});

describe.skipIf(!plugin).each(backends)(
  'ready() when the database goes away, on $name',
  (backend) => {
    test('rejects with the 503 body, which says the database is down', async () => {
      const database = await backend.open();
      const app = Fastify();
      await app.register(plugin!, { db: database.db });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as AddressInfo;
      const client = createClient({ baseUrl: `http://127.0.0.1:${port}`, timeout: 10_000 });
      try {
        await expect(client.ready()).resolves.toMatchObject({ status: 'ok' });
        await database.close();
        const error = await client.ready().catch((e) => e);
        expect(error).toMatchObject({
          status: 503,
          body: { status: 'not_ready', database: 'down' },
        });
      } finally {
        await client.close();
        await app.close();
      }
    });
  },
);
