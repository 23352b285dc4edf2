import type { SyncDirection } from '@section-sync/core';
import {
  InvalidOperationError,
  PostNotFoundError,
  parse,
  SectionFormatError,
  SectionNotFoundError,
  VersionConflictError,
} from '@section-sync/core';
import { backends, type TestDatabase } from '@section-sync/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, type SectionStore, type WriteOutcome } from '../src/index.js';
import {
  comparableOutcome,
  createPost,
  databaseSnapshot,
  sectionRows,
  withoutTriggers,
} from './store-fixtures.js';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe.each(backends)('store writes on $name', (backend) => {
  let t: TestDatabase;
  let store: SectionStore;
  let nextPostId = 1;

  /** A new post of its own for each test, with the master's sections created by the trigger. */
  async function newPost(master: string | null = '1. Intro\n2. Setup\n3. Usage'): Promise<number> {
    const postId = nextPostId++;
    await createPost(t.db, postId, master);
    return postId;
  }

  /**
   * Gives every row of the post this heading and the master the rendering of the rows, with the
   * triggers off: rows written before section-sync was installed (plain SQL can no longer write
   * a heading the master side would refuse or trim).
   */
  async function writeRowsAsBeforeInstall(postId: number, heading: string): Promise<void> {
    await withoutTriggers(t.db, 'UPDATE post_section SET section_heading = $2 WHERE post_id = $1', [
      postId,
      heading,
    ]);
    await withoutTriggers(
      t.db,
      `UPDATE post_development d SET section_headings = section_sync.render((
         SELECT jsonb_agg(jsonb_build_object('id', s.id, 'order', s.section_order,
           'heading', s.section_heading, 'description', s.section_description, 'status', s.status)
           ORDER BY s.section_order)
         FROM post_section s WHERE s.post_id = d.post_id))
       WHERE d.post_id = $1`,
      [postId],
    );
  }

  async function headings(postId: number): Promise<string[]> {
    return (await sectionRows(t.db, postId)).map((r) => r.section_heading);
  }

  /** The master's headings, parsed as the API would: the master always follows the rows. */
  async function masterHeadings(postId: number): Promise<string[]> {
    const { master } = await store.getPost(postId);
    return parse(master).map((item) => item.heading);
  }

  beforeAll(async () => {
    t = await backend.open();
    store = createStore(t.db);
  });
  afterAll(() => t?.close());

  describe('getPost', () => {
    it('returns the master, the version and the sections in order with ISO timestamps', async () => {
      const postId = await newPost('["Intro", "Setup"]');
      const post = await store.getPost(postId);
      expect(post).toMatchObject({ postId, master: '["Intro", "Setup"]' });
      expect(post.sections.map((s) => [s.order, s.heading, s.description, s.status])).toEqual([
        [1, 'Intro', '', 'draft'],
        [2, 'Setup', '', 'draft'],
      ]);
      expect(post.sections[0]!.updatedAt).toMatch(ISO);
      expect(typeof post.version).toBe('number');
    });

    it('throws PostNotFoundError for a post without a post_development row', async () => {
      await expect(store.getPost(999_999)).rejects.toBeInstanceOf(PostNotFoundError);
    });
  });

  describe('writeMaster', () => {
    it('writes any format, keeps the text as written, syncs the sections and bumps the version', async () => {
      const postId = await newPost(null);
      const before = await store.getPost(postId);
      const outcome = await store.writeMaster(postId, '# Intro\n# Setup');
      expect(outcome.changes).toMatchObject({ created: 2, deleted: 0 });
      expect(outcome.sections.map((s) => s.heading)).toEqual(['Intro', 'Setup']);
      expect(outcome.version).toBeGreaterThan(before.version);
      expect(outcome.dryRun).toBe(false);
      expect(outcome.logId).toEqual(expect.any(Number));
      const after = await store.getPost(postId);
      expect(after.master).toBe('# Intro\n# Setup');
      expect(after.version).toBe(outcome.version);
    });

    it('renders an items array keeping ids, so renamed and moved sections keep their id and content', async () => {
      const postId = await newPost('1. Intro\n2. Setup');
      const [intro, setup] = await sectionRows(t.db, postId);
      await store.updateSection(postId, intro!.id, { description: 'kept' });
      const outcome = await store.writeMaster(postId, [
        { id: setup!.id, order: 1, heading: 'Installation' },
        { id: intro!.id, order: 2, heading: 'Introduction' },
      ]);
      expect(outcome.sections.map((s) => [s.id, s.heading, s.description])).toEqual([
        [setup!.id, 'Installation', ''],
        [intro!.id, 'Introduction', 'kept'],
      ]);
    });

    it('rejects an unparsable master with SectionFormatError (code and position) and changes nothing', async () => {
      const postId = await newPost();
      const before = await databaseSnapshot(t.db);
      const error = await store.writeMaster(postId, '[{"heading": "A"},\n  {"heading": 5}]').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SectionFormatError);
      expect(error).toMatchObject({ code: 'invalid_item', index: 1, field: 'heading' });
      expect(await databaseSnapshot(t.db)).toEqual(before);
    });

    it('enforces the limits the store was created with', async () => {
      const postId = await newPost();
      const strict = createStore(t.db, { limits: { maxSections: 2 } });
      await expect(strict.writeMaster(postId, 'a\nb\nc')).rejects.toMatchObject({
        name: 'SectionFormatError',
        code: 'too_many_sections',
      });
      await expect(store.writeMaster(postId, 'a\nb\nc')).resolves.toBeDefined();
    });

    it('writing the text the master already holds brings drifted sections back to it', async () => {
      const postId = await newPost('1. Intro\n2. Setup');
      const [intro] = await sectionRows(t.db, postId);
      await withoutTriggers(t.db, 'UPDATE post_section SET section_heading = $2 WHERE id = $1', [
        intro!.id,
        'Drifted',
      ]);
      const outcome = await store.writeMaster(postId, '1. Intro\n2. Setup');
      expect(outcome.changes.updated).toBe(1);
      expect(await headings(postId)).toEqual(['Intro', 'Setup']);
    });

    it('refuses text that cannot reach the database unchanged (lone surrogate, NUL)', async () => {
      const postId = await newPost();
      await expect(store.writeMaster(postId, 'Intro \ud800')).rejects.toMatchObject({
        code: 'control_character',
      });
      await expect(store.writeMaster(postId, 'Intro\u0000')).rejects.toMatchObject({
        code: 'control_character',
      });
    });
  });

  describe('sync', () => {
    it('to_sections applies a master written without triggers', async () => {
      const postId = await newPost('1. Intro\n2. Setup');
      await withoutTriggers(
        t.db,
        'UPDATE post_development SET section_headings = $2 WHERE post_id = $1',
        [postId, '1. Intro\n2. Setup\n3. Deploy'],
      );
      const outcome = await store.sync(postId, 'to_sections');
      expect(outcome.changes).toMatchObject({ created: 1, unchanged: 2 });
      expect(await headings(postId)).toEqual(['Intro', 'Setup', 'Deploy']);
    });

    it('to_development renders rows written without triggers into the master', async () => {
      const postId = await newPost('1. Intro\n2. Setup');
      await withoutTriggers(
        t.db,
        `INSERT INTO post_section (post_id, section_order, section_heading) VALUES ($1, 3, 'Deploy')`,
        [postId],
      );
      await store.sync(postId, 'to_development');
      expect(await masterHeadings(postId)).toEqual(['Intro', 'Setup', 'Deploy']);
    });

    it('both applies a non-empty master and renders it back canonically', async () => {
      const postId = await newPost('1. Intro');
      await withoutTriggers(
        t.db,
        'UPDATE post_development SET section_headings = $2 WHERE post_id = $1',
        [postId, '- Intro\n- Usage'],
      );
      const outcome = await store.sync(postId, 'both');
      expect(outcome.changes.created).toBe(1);
      expect(await headings(postId)).toEqual(['Intro', 'Usage']);
      const { master, sections } = await store.getPost(postId);
      expect(master).toMatch(/^\[\{"id":/);
      expect(parse(master).map((i) => i.id)).toEqual(sections.map((s) => s.id));
    });

    it('both on an empty master keeps the sections and renders them into the master', async () => {
      const postId = await newPost('1. Intro\n2. Setup');
      await withoutTriggers(
        t.db,
        'UPDATE post_development SET section_headings = NULL WHERE post_id = $1',
        [postId],
      );
      await store.sync(postId, 'both');
      expect(await headings(postId)).toEqual(['Intro', 'Setup']);
      expect(await masterHeadings(postId)).toEqual(['Intro', 'Setup']);
    });

    it('reports a post that does not exist, and an unparsable master', async () => {
      await expect(store.sync(999_998, 'both')).rejects.toBeInstanceOf(PostNotFoundError);
      const postId = await newPost();
      await withoutTriggers(
        t.db,
        'UPDATE post_development SET section_headings = $2 WHERE post_id = $1',
        [postId, '[oops'],
      );
      await expect(store.sync(postId, 'to_sections')).rejects.toMatchObject({
        name: 'SectionFormatError',
        code: 'invalid_json',
        line: 1,
      });
    });

    // A post already in sync takes a shortcut: one read and a TypeScript check for a single
    // post, section_sync.in_sync_count for a bulk sync. These pin that both answer exactly what
    // the full sync would, including where "the master renders the rows" is not enough.
    type SyncPath = 'sync' | 'bulkSync';
    async function syncVia(path: SyncPath, postId: number, direction: SyncDirection) {
      if (path === 'sync') return (await store.sync(postId, direction)).changes;
      const [result] = (await store.bulkSync({ postIds: [postId], direction })).results;
      if (result?.status !== 'success' || !result.changes) {
        throw new Error(`bulk sync failed: ${result?.error?.message}`);
      }
      return result.changes;
    }
    const logSize = async (postId: number) =>
      (await t.db.query('SELECT count(*) AS n FROM section_sync.log WHERE post_id = $1', [postId]))
        .rows;

    describe.each(['sync', 'bulkSync'] as const)('a post already in sync, through %s', (path) => {
      it.each(['both', 'to_sections', 'to_development'] as const)(
        '%s changes nothing, logs nothing and keeps the version',
        async (direction) => {
          const postId = await newPost('1. Intro\n2. Setup\n3. Usage');
          await store.sync(postId, 'both');
          const before = await store.getPost(postId);
          const log = await logSize(postId);
          expect(await syncVia(path, postId, direction)).toEqual({
            created: 0,
            updated: 0,
            moved: 0,
            deleted: 0,
            unchanged: 3,
          });
          expect(await store.getPost(postId)).toEqual(before);
          expect(await logSize(postId)).toEqual(log);
        },
      );

      it('both trims a heading that plain SQL wrote untrimmed, though the master renders the rows', async () => {
        const postId = await newPost('1. Intro');
        await writeRowsAsBeforeInstall(postId, '  Intro ');
        expect((await store.getPost(postId)).master).toContain('"heading":"  Intro "');
        expect((await syncVia(path, postId, 'both')).updated).toBe(1);
        expect(await headings(postId)).toEqual(['Intro']);
        expect((await store.getPost(postId)).master).toContain('"heading":"Intro"');
      });

      it('a master rendered from rows holding a control character fails to_sections, not to_development', async () => {
        const postId = await newPost('1. Intro');
        await writeRowsAsBeforeInstall(postId, 'In\u0007tro');
        const before = await store.getPost(postId);
        await expect(syncVia(path, postId, 'to_sections')).rejects.toThrow(/U\+0007/);
        await expect(syncVia(path, postId, 'both')).rejects.toThrow(/U\+0007/);
        expect(await syncVia(path, postId, 'to_development')).toMatchObject({
          created: 0,
          updated: 0,
          moved: 0,
          deleted: 0,
        });
        expect(await store.getPost(postId)).toEqual(before);
      });

      it("a master over the store's limits is not in sync: the full sync reports it", async () => {
        const postId = await newPost('1. Intro\n2. Setup\n3. Usage');
        await store.sync(postId, 'both');
        const strict = createStore(t.db, { limits: { maxSections: 2 } });
        const tooMany = /Too many sections: 3, the limit is 2/;
        if (path === 'sync') {
          await expect(strict.sync(postId, 'to_sections')).rejects.toThrow(tooMany);
        } else {
          const { results } = await strict.bulkSync({
            postIds: [postId],
            direction: 'to_sections',
          });
          expect(results[0]).toMatchObject({
            status: 'error',
            error: { message: expect.stringMatching(tooMany) },
          });
        }
      });
    });
  });

  describe('createSection', () => {
    it('appends after the last section by default and renders the master', async () => {
      const postId = await newPost('1. Intro\n2. Setup');
      const outcome = await store.createSection(postId, {
        heading: '  Deploy ',
        description: 'how to ship',
      });
      expect(outcome.section).toMatchObject({
        order: 3,
        heading: 'Deploy',
        description: 'how to ship',
        status: 'draft',
      });
      expect(outcome.changes.created).toBe(1);
      expect(outcome.sections.map((s) => s.heading)).toEqual(['Intro', 'Setup', 'Deploy']);
      expect(await masterHeadings(postId)).toEqual(['Intro', 'Setup', 'Deploy']);
    });

    it('inserts at a position, shifting the sections after it and keeping their ids', async () => {
      const postId = await newPost('1. Intro\n2. Setup');
      const ids = (await sectionRows(t.db, postId)).map((r) => r.id);
      const outcome = await store.createSection(postId, {
        heading: 'Overview',
        status: 'ready',
        position: 1,
      });
      expect(outcome.sections.map((s) => [s.order, s.heading])).toEqual([
        [1, 'Overview'],
        [2, 'Intro'],
        [3, 'Setup'],
      ]);
      expect(outcome.sections.slice(1).map((s) => s.id)).toEqual(ids);
      expect(outcome.section.status).toBe('ready');
      expect(await masterHeadings(postId)).toEqual(['Overview', 'Intro', 'Setup']);
    });

    it('names an empty heading after its position, as an empty heading in a master is named', async () => {
      const postId = await newPost('1. Intro\n2. Setup');
      const { section } = await store.createSection(postId, { heading: '  ', position: 2 });
      expect(section.heading).toBe('Section 2');
    });

    it('rejects a position past n + 1 and changes nothing', async () => {
      const postId = await newPost('1. Intro\n2. Setup');
      const before = await databaseSnapshot(t.db);
      await expect(
        store.createSection(postId, { heading: 'Far', position: 4 }),
      ).rejects.toMatchObject({
        name: 'InvalidOperationError',
        code: 'invalid_position',
        details: { position: 4, max: 3 },
      });
      expect(await databaseSnapshot(t.db)).toEqual(before);
    });

    it('applies the parser limits and control-character rules to the fields', async () => {
      const postId = await newPost();
      const strict = createStore(t.db, { limits: { maxHeadingLength: 5, maxStatusLength: 3 } });
      await expect(strict.createSection(postId, { heading: 'Too long' })).rejects.toMatchObject({
        name: 'SectionFormatError',
        code: 'heading_too_long',
        field: 'heading',
        message: expect.stringMatching(/^The section: "heading" has 8 characters, the limit is 5/),
      });
      await expect(
        strict.createSection(postId, { heading: 'Ok', status: 'done' }),
      ).rejects.toMatchObject({ code: 'status_too_long', field: 'status' });
      await expect(store.createSection(postId, { heading: 'Bell\u0007' })).rejects.toMatchObject({
        code: 'control_character',
        field: 'heading',
      });
      await expect(
        store.createSection(postId, { heading: 'Multi', description: 'line 1\nline 2' }),
      ).resolves.toMatchObject({ section: { description: 'line 1\nline 2' } });
    });
  });

  describe('updateSection', () => {
    it('edits heading, description and status and keeps the rest', async () => {
      const postId = await newPost('1. Intro\n2. Setup');
      const [intro] = await sectionRows(t.db, postId);
      const first = await store.updateSection(postId, intro!.id, { description: 'Why' });
      expect(first.changes).toMatchObject({ updated: 1, unchanged: 1 });
      const second = await store.updateSection(postId, intro!.id, {
        heading: ' Overview ',
        status: 'ready',
      });
      expect(second.sections[0]).toMatchObject({
        id: intro!.id,
        heading: 'Overview',
        description: 'Why',
        status: 'ready',
      });
      expect(second.version).toBeGreaterThan(first.version);
      expect(await masterHeadings(postId)).toEqual(['Overview', 'Setup']);
    });

    it('a patch equal to the section changes nothing and keeps the version', async () => {
      const postId = await newPost('1. Intro');
      const [intro] = await sectionRows(t.db, postId);
      const before = await store.getPost(postId);
      const outcome = await store.updateSection(postId, intro!.id, { heading: 'Intro' });
      expect(outcome.changes).toEqual({
        created: 0,
        updated: 0,
        moved: 0,
        deleted: 0,
        unchanged: 1,
      });
      expect(outcome.version).toBe(before.version);
      expect(outcome.logId).toBeUndefined();
    });

    it("a section of another post is not found and that post's section is left alone", async () => {
      const postId = await newPost();
      const otherPostId = await newPost('1. Theirs');
      const [theirs] = await sectionRows(t.db, otherPostId);
      const before = await databaseSnapshot(t.db);
      await expect(
        store.updateSection(postId, theirs!.id, { heading: 'Mine now' }),
      ).rejects.toBeInstanceOf(SectionNotFoundError);
      expect(await databaseSnapshot(t.db)).toEqual(before);
    });
  });

  describe('deleteSection', () => {
    it('deletes one section, closes the gap and renders the master', async () => {
      const postId = await newPost('1. Intro\n2. Setup\n3. Usage');
      const [, setup] = await sectionRows(t.db, postId);
      const outcome = await store.deleteSection(postId, setup!.id);
      expect(outcome.changes.deleted).toBe(1);
      expect(outcome.sections.map((s) => [s.order, s.heading])).toEqual([
        [1, 'Intro'],
        [2, 'Usage'],
      ]);
      expect(await masterHeadings(postId)).toEqual(['Intro', 'Usage']);
    });

    it('a section of another post is not found and nothing changes', async () => {
      const postId = await newPost();
      const otherPostId = await newPost('1. Theirs');
      const [theirs] = await sectionRows(t.db, otherPostId);
      const before = await databaseSnapshot(t.db);
      await expect(store.deleteSection(postId, theirs!.id)).rejects.toBeInstanceOf(
        SectionNotFoundError,
      );
      expect(await databaseSnapshot(t.db)).toEqual(before);
    });
  });

  describe('reorderSections', () => {
    it('puts the sections in the given order, keeping ids and content', async () => {
      const postId = await newPost('1. Intro\n2. Setup\n3. Usage');
      const [intro, setup, usage] = await sectionRows(t.db, postId);
      await store.updateSection(postId, usage!.id, { description: 'body of usage' });
      const outcome = await store.reorderSections(postId, [usage!.id, intro!.id, setup!.id]);
      expect(outcome.sections.map((s) => [s.id, s.order, s.heading, s.description])).toEqual([
        [usage!.id, 1, 'Usage', 'body of usage'],
        [intro!.id, 2, 'Intro', ''],
        [setup!.id, 3, 'Setup', ''],
      ]);
      expect(outcome.changes.moved).toBe(3);
      expect(await masterHeadings(postId)).toEqual(['Usage', 'Intro', 'Setup']);
    });

    it('refuses anything but a permutation, naming the ids, and changes nothing', async () => {
      const postId = await newPost('1. Intro\n2. Setup\n3. Usage');
      const otherPostId = await newPost('1. Theirs');
      const [a, b, c] = (await sectionRows(t.db, postId)).map((r) => r.id);
      const [theirs] = (await sectionRows(t.db, otherPostId)).map((r) => r.id);
      const before = await databaseSnapshot(t.db);
      const attempt = (ids: string[]) =>
        store.reorderSections(postId, ids).then(
          () => undefined,
          (e: unknown) => e as Error,
        );

      const duplicated = await attempt([a!, a!, b!, c!]);
      expect(duplicated).toBeInstanceOf(InvalidOperationError);
      expect(duplicated).toMatchObject({ code: 'invalid_reorder', details: { duplicated: [a] } });
      expect(duplicated!.message).toContain(`duplicated ${a}`);
      const missing = await attempt([c!, a!]);
      expect(missing!.message).toContain(`missing ${b}`);
      expect(missing).toMatchObject({ details: { missing: [b] } });
      const foreign = await attempt([c!, b!, a!, theirs!]);
      expect(foreign).toBeInstanceOf(InvalidOperationError);
      expect(foreign!.message).toContain(`not sections of this post ${theirs}`);
      expect(foreign).toMatchObject({ details: { foreign: [theirs] } });
      expect(await databaseSnapshot(t.db)).toEqual(before);
    });
  });

  describe('expectedVersion', () => {
    it('a stale version fails with VersionConflictError and changes nothing; the current one writes', async () => {
      const postId = await newPost('1. Intro\n2. Setup');
      const [intro, setup] = await sectionRows(t.db, postId);
      const { version } = await store.getPost(postId);
      const before = await databaseSnapshot(t.db);
      const stale = { expectedVersion: version + 1 };
      const writes = [
        () => store.sync(postId, 'both', stale),
        () => store.writeMaster(postId, 'x', stale),
        () => store.createSection(postId, { heading: 'x' }, stale),
        () => store.updateSection(postId, intro!.id, { heading: 'x' }, stale),
        () => store.deleteSection(postId, intro!.id, stale),
        () => store.reorderSections(postId, [setup!.id, intro!.id], stale),
        () => store.rollback(postId, 1, stale),
      ];
      for (const write of writes) {
        await expect(write()).rejects.toMatchObject({
          name: 'VersionConflictError',
          expected: version + 1,
          actual: version,
        });
      }
      await expect(writes[0]!()).rejects.toBeInstanceOf(VersionConflictError);
      expect(await databaseSnapshot(t.db)).toEqual(before);
      const outcome = await store.updateSection(
        postId,
        intro!.id,
        { heading: 'Overview' },
        { expectedVersion: version },
      );
      expect(outcome.version).toBe(version + 1);
    });
  });

  describe('dryRun', () => {
    it('returns what the write returns and changes nothing, for every write', async () => {
      const postId = await newPost('1. Intro\n2. Setup\n3. Usage');
      const [intro, setup] = await sectionRows(t.db, postId);
      const writes: ((dryRun: boolean) => Promise<WriteOutcome>)[] = [
        (dryRun) => store.updateSection(postId, intro!.id, { heading: 'Overview' }, { dryRun }),
        (dryRun) => store.createSection(postId, { heading: 'New', position: 2 }, { dryRun }),
        async (dryRun) => {
          const reversed = (await sectionRows(t.db, postId)).map((r) => r.id).reverse();
          return store.reorderSections(postId, reversed, { dryRun });
        },
        (dryRun) => store.deleteSection(postId, setup!.id, { dryRun }),
        (dryRun) => store.writeMaster(postId, '1. Usage\n2. Intro\n3. Extra', { dryRun }),
        (dryRun) => store.sync(postId, 'both', { dryRun }),
      ];
      for (const write of writes) {
        const knownIds = (await sectionRows(t.db, postId)).map((r) => r.id);
        const before = await databaseSnapshot(t.db);
        const preview = await write(true);
        expect(preview.dryRun).toBe(true);
        expect(preview.logId).toBeUndefined();
        expect(await databaseSnapshot(t.db)).toEqual(before);
        const done = await write(false);
        expect(done.dryRun).toBe(false);
        expect(comparableOutcome(preview, knownIds)).toEqual(comparableOutcome(done, knownIds));
      }
    });

    it('a dry run of an unparsable master fails like the write', async () => {
      const postId = await newPost();
      await expect(store.writeMaster(postId, '[', { dryRun: true })).rejects.toBeInstanceOf(
        SectionFormatError,
      );
    });
  });

  describe('sync log and rollback', () => {
    it('lists the entries newest first with ISO dates, by limit and before', async () => {
      const postId = await newPost('1. Intro');
      await store.writeMaster(postId, '1. Intro\n2. Setup');
      await store.createSection(postId, { heading: 'Usage' });
      const entries = await store.getSyncLog(postId);
      expect(entries.length).toBeGreaterThanOrEqual(3);
      const ids = entries.map((e) => e.id);
      expect(ids).toEqual([...ids].sort((a, b) => b - a));
      expect(entries[0]).toMatchObject({
        postId,
        origin: 'api',
        changes: { created: 1 },
        createdAt: expect.stringMatching(ISO),
      });
      const [latest] = await store.getSyncLog(postId, { limit: 1 });
      expect(latest!.id).toBe(ids[0]);
      const older = await store.getSyncLog(postId, { before: ids[0]! });
      expect(older.map((e) => e.id)).toEqual(ids.slice(1));
      await expect(store.getSyncLog(999_997)).rejects.toBeInstanceOf(PostNotFoundError);
    });

    it('records the origin of the store and of the write', async () => {
      const postId = await newPost('1. Intro');
      const cli = createStore(t.db, { origin: 'cli' });
      await cli.createSection(postId, { heading: 'From the CLI' });
      await cli.createSection(postId, { heading: 'Said otherwise' }, { origin: 'api' });
      const [second, first] = await store.getSyncLog(postId, { limit: 2 });
      expect(first!.origin).toBe('cli');
      expect(second!.origin).toBe('api');
    });

    it("rollback restores an entry's before-state, section ids and content included", async () => {
      const postId = await newPost('1. Intro\n2. Setup');
      const [intro, setup] = await sectionRows(t.db, postId);
      await store.updateSection(postId, setup!.id, { description: 'precious' });
      const deleted = await store.deleteSection(postId, setup!.id);
      const outcome = await store.rollback(postId, deleted.logId!);
      expect(outcome.rolledBack).toBe(deleted.logId);
      expect(outcome.sections.map((s) => [s.id, s.heading, s.description])).toEqual([
        [intro!.id, 'Intro', ''],
        [setup!.id, 'Setup', 'precious'],
      ]);
      expect(await masterHeadings(postId)).toEqual(['Intro', 'Setup']);
      const [entry] = await store.getSyncLog(postId, { limit: 1 });
      expect(entry).toMatchObject({ direction: 'rollback', rollbackOf: deleted.logId });
    });

    it('an entry of another post, or none, is not found and nothing changes', async () => {
      const postId = await newPost('1. Intro');
      const otherPostId = await newPost('1. Theirs');
      const theirs = await store.createSection(otherPostId, { heading: 'Second' });
      const before = await databaseSnapshot(t.db);
      await expect(store.rollback(postId, theirs.logId!)).rejects.toMatchObject({
        name: 'LogEntryNotFoundError',
        entryId: theirs.logId,
      });
      await expect(store.rollback(postId, 99_999_999)).rejects.toMatchObject({
        name: 'LogEntryNotFoundError',
      });
      expect(await databaseSnapshot(t.db)).toEqual(before);
    });

    it('a dry run of a rollback previews it and changes nothing', async () => {
      const postId = await newPost('1. Intro\n2. Setup');
      const [, setup] = await sectionRows(t.db, postId);
      const deleted = await store.deleteSection(postId, setup!.id);
      const before = await databaseSnapshot(t.db);
      const preview = await store.rollback(postId, deleted.logId!, { dryRun: true });
      expect(preview.sections.map((s) => s.id)).toContain(setup!.id);
      expect(await databaseSnapshot(t.db)).toEqual(before);
    });
  });
});

describe.each(backends)('store without a database on $name', (backend) => {
  it('passes DatabaseUnavailableError through, for reads and writes', async () => {
    // By name: the test database's adapter is the built package's, with its own error classes.
    const unavailable = { name: 'DatabaseUnavailableError', code: 'database_unavailable' };
    const t = await backend.open();
    const store = createStore(t.db);
    await createPost(t.db, 1, '1. Intro');
    await t.close();
    await expect(store.getPost(1)).rejects.toMatchObject(unavailable);
    await expect(store.writeMaster(1, '1. Other')).rejects.toMatchObject(unavailable);
    await expect(store.createSection(1, { heading: 'x' }, { dryRun: true })).rejects.toMatchObject(
      unavailable,
    );
  });
});
