import { backends, reportSkippedPostgres } from '@section-sync/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { masterOf, openApp, PREFIX, sectionIds, seedPost, type TestApp } from './helpers.js';

reportSkippedPostgres('fastify plugin routes');

const CHANGES_ZERO = { created: 0, updated: 0, moved: 0, deleted: 0, unchanged: 0 };

describe.each(backends)('every route on $name', (backend) => {
  let h: TestApp;
  let post = 100;
  // Each test gets its own post, so the tests stay independent on one database.
  const nextPost = () => ++post;

  beforeAll(async () => {
    h = await openApp(backend);
  });
  afterAll(() => h?.close());

  const url = (path: string) => `${PREFIX}${path}`;

  it('GET /posts/:postId/sections answers the sections in order with the version and an ETag', async () => {
    const id = nextPost();
    await seedPost(h.app, h.db, id, masterOf('Intro', 'Body', 'End'));
    const response = await h.app.inject({ method: 'GET', url: url(`/posts/${id}/sections`) });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.postId).toBe(id);
    expect(response.headers.etag).toBe(`"${body.version}"`);
    expect(body.sections.map((s: { heading: string }) => s.heading)).toEqual([
      'Intro',
      'Body',
      'End',
    ]);
    expect(body.sections.map((s: { order: number }) => s.order)).toEqual([1, 2, 3]);
    expect(body.sections[0]).toEqual({
      id: expect.stringMatching(/^[1-9][0-9]*$/),
      order: 1,
      heading: 'Intro',
      description: '',
      status: 'draft',
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('GET /posts/:postId/section-headings answers the raw master, its format and the items', async () => {
    const id = nextPost();
    await seedPost(h.app, h.db, id, '1. Intro\n2. Body');
    const response = await h.app.inject({
      method: 'GET',
      url: url(`/posts/${id}/section-headings`),
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({
      postId: id,
      sectionHeadings: '1. Intro\n2. Body',
      format: 'numbered',
      items: [
        { order: 1, heading: 'Intro' },
        { order: 2, heading: 'Body' },
      ],
    });
    expect(response.headers.etag).toBe(`"${body.version}"`);
  });

  it('GET /posts/:postId/section-headings reports an unparsable master with its position, not an error', async () => {
    const id = nextPost();
    await seedPost(h.app, h.db, id, null);
    // Written behind the API's back with the trigger's tolerant mode, as legacy rows are.
    await h.db.transaction(async (tx) => {
      await tx.query("SELECT set_config('section_sync.on_invalid', 'warn', true)");
      await tx.query('UPDATE post_development SET section_headings = $2 WHERE post_id = $1', [
        id,
        '[{"heading": "Intro"},',
      ]);
    });
    const response = await h.app.inject({
      method: 'GET',
      url: url(`/posts/${id}/section-headings`),
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      sectionHeadings: '[{"heading": "Intro"},',
      format: 'invalid',
      items: null,
      error: { code: 'invalid_json', line: 1 },
    });
  });

  it('PUT /posts/:postId/section-headings writes the master (text or array) and syncs the sections', async () => {
    const id = nextPost();
    await seedPost(h.app, h.db, id, null);
    const text = await h.app.inject({
      method: 'PUT',
      url: url(`/posts/${id}/section-headings`),
      payload: { sectionHeadings: '# Intro\n# Body' },
    });
    expect(text.statusCode).toBe(200);
    expect(text.json()).toMatchObject({
      status: 'success',
      postId: id,
      dryRun: false,
      changes: { ...CHANGES_ZERO, created: 2 },
    });
    expect(text.headers.etag).toBe(`"${text.json().version}"`);
    const [introId] = await sectionIds(h.db, id);

    const array = await h.app.inject({
      method: 'PUT',
      url: url(`/posts/${id}/section-headings`),
      payload: { sectionHeadings: ['Body', { title: 'Intro', status: 'done' }, 'Outro'] },
    });
    expect(array.statusCode).toBe(200);
    const body = array.json();
    expect(body.sections.map((s: { heading: string }) => s.heading)).toEqual([
      'Body',
      'Intro',
      'Outro',
    ]);
    // Identity kept: Intro moved and changed status, it was not recreated.
    expect(body.sections[1]).toMatchObject({ id: introId, status: 'done' });
    expect(body.version).toBeGreaterThan(text.json().version);
  });

  it('PUT /posts/:postId/section-headings with dryRun answers the result and changes nothing', async () => {
    const id = nextPost();
    await seedPost(h.app, h.db, id, masterOf('A', 'B'));
    const before = await sectionIds(h.db, id);
    const response = await h.app.inject({
      method: 'PUT',
      url: url(`/posts/${id}/section-headings`),
      payload: { sectionHeadings: ['A', 'B', 'C'], dryRun: true },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ dryRun: true, changes: { created: 1 } });
    expect(response.json().sections).toHaveLength(3);
    expect(await sectionIds(h.db, id)).toEqual(before);
  });

  it('POST /posts/:postId/sections creates a section at a position and answers 201', async () => {
    const id = nextPost();
    await seedPost(h.app, h.db, id, masterOf('A', 'C'));
    const response = await h.app.inject({
      method: 'POST',
      url: url(`/posts/${id}/sections`),
      payload: { heading: 'B', description: 'the middle', position: 2 },
    });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body.section).toMatchObject({ heading: 'B', description: 'the middle', order: 2 });
    expect(body.sections.map((s: { heading: string }) => s.heading)).toEqual(['A', 'B', 'C']);
    expect(body.changes.created).toBe(1);
    expect(response.headers.etag).toBe(`"${body.version}"`);
    const master = await h.app.inject({
      method: 'GET',
      url: url(`/posts/${id}/section-headings`),
    });
    expect(master.json().items.map((i: { heading: string }) => i.heading)).toEqual(['A', 'B', 'C']);
  });

  it('PATCH /posts/:postId/sections/:sectionId edits the given fields only', async () => {
    const id = nextPost();
    await seedPost(h.app, h.db, id, masterOf('A', 'B'));
    const [a] = await sectionIds(h.db, id);
    const response = await h.app.inject({
      method: 'PATCH',
      url: url(`/posts/${id}/sections/${a}`),
      payload: { status: 'done' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().sections[0]).toMatchObject({ id: a, heading: 'A', status: 'done' });
    expect(response.json().changes.updated).toBe(1);
  });

  it('DELETE /posts/:postId/sections/:sectionId deletes one section and closes the gap', async () => {
    const id = nextPost();
    await seedPost(h.app, h.db, id, masterOf('A', 'B', 'C'));
    const [, b] = await sectionIds(h.db, id);
    const response = await h.app.inject({
      method: 'DELETE',
      url: url(`/posts/${id}/sections/${b}`),
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.changes.deleted).toBe(1);
    expect(
      body.sections.map((s: { heading: string; order: number }) => [s.heading, s.order]),
    ).toEqual([
      ['A', 1],
      ['C', 2],
    ]);
  });

  it('PUT /posts/:postId/sections/order applies a permutation keeping ids', async () => {
    const id = nextPost();
    await seedPost(h.app, h.db, id, masterOf('A', 'B', 'C'));
    const [a, b, c] = await sectionIds(h.db, id);
    const response = await h.app.inject({
      method: 'PUT',
      url: url(`/posts/${id}/sections/order`),
      payload: { sectionIds: [c, a, b] },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().sections.map((s: { id: number }) => s.id)).toEqual([c, a, b]);
    expect(await sectionIds(h.db, id)).toEqual([c, a, b]);
  });

  it('POST /posts/:postId/sync-sections syncs in each direction and honours dryRun', async () => {
    const id = nextPost();
    await seedPost(h.app, h.db, id, masterOf('A', 'B'));
    for (const direction of ['to_sections', 'to_development', 'both'] as const) {
      const response = await h.app.inject({
        method: 'POST',
        url: url(`/posts/${id}/sync-sections`),
        payload: { direction, dryRun: true },
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({
        status: 'success',
        direction,
        dryRun: true,
        message: 'Sections synchronized successfully',
      });
    }
    // No body at all means direction both.
    const bare = await h.app.inject({ method: 'POST', url: url(`/posts/${id}/sync-sections`) });
    expect(bare.statusCode).toBe(200);
    expect(bare.json()).toMatchObject({ direction: 'both', dryRun: false });
  });

  it('GET /posts/:postId/sync-status says OK for a synced post and reports differences', async () => {
    const id = nextPost();
    await seedPost(h.app, h.db, id, masterOf('A', 'B'));
    const ok = await h.app.inject({ method: 'GET', url: url(`/posts/${id}/sync-status`) });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ postId: id, status: 'OK', masterCount: 2, sectionCount: 2 });
    expect(ok.headers.etag).toBe(`"${ok.json().version}"`);

    // A master cleared by plain SQL means "no master data": the rows stay, the master is
    // rendered back from them, and the post checks OK.
    const cleared = nextPost();
    await seedPost(h.app, h.db, cleared, masterOf('A', 'B'));
    await h.db.query('UPDATE post_development SET section_headings = NULL WHERE post_id = $1', [
      cleared,
    ]);
    const back = await h.app.inject({ method: 'GET', url: url(`/posts/${cleared}/sync-status`) });
    expect(back.json()).toMatchObject({ status: 'OK', masterCount: 2, sectionCount: 2 });
    // Cleared behind the triggers' back (a restore, a write with triggers off), it is reported.
    await h.db.transaction(async (tx) => {
      await tx.query("SELECT set_config('session_replication_role', 'replica', true)");
      await tx.query('UPDATE post_development SET section_headings = NULL WHERE post_id = $1', [
        cleared,
      ]);
    });
    const none = await h.app.inject({ method: 'GET', url: url(`/posts/${cleared}/sync-status`) });
    expect(none.json()).toMatchObject({
      status: 'No master data',
      masterCount: 0,
      sectionCount: 2,
    });
  });

  it('GET /sync-status pages through every post and filters', async () => {
    for (const heading of ['P1', 'P2', 'P3'])
      await seedPost(h.app, h.db, nextPost(), masterOf(heading));
    const first = await h.app.inject({ method: 'GET', url: url('/sync-status?limit=2') });
    expect(first.statusCode).toBe(200);
    const page = first.json();
    expect(page.items).toHaveLength(2);
    expect(page.nextCursor).toBe(page.items[1].postId);
    const second = await h.app.inject({
      method: 'GET',
      url: url(`/sync-status?limit=2&cursor=${page.nextCursor}`),
    });
    expect(second.json().items[0].postId).toBeGreaterThan(page.nextCursor);

    const bad = await h.app.inject({ method: 'GET', url: url('/sync-status?inconsistent=true') });
    expect(bad.statusCode).toBe(200);
    for (const item of bad.json().items) expect(item.status).not.toBe('OK');
    const ok = await h.app.inject({ method: 'GET', url: url('/sync-status?status=OK&limit=1000') });
    expect(ok.json().items.length).toBeGreaterThan(0);
    for (const item of ok.json().items) expect(item.status).toBe('OK');
  });

  it('POST /sync-sections syncs listed posts with per-post results, unknown posts as errors', async () => {
    const a = nextPost();
    const b = nextPost();
    await seedPost(h.app, h.db, a, masterOf('A'));
    await seedPost(h.app, h.db, b, masterOf('B'));
    const response = await h.app.inject({
      method: 'POST',
      url: url('/sync-sections'),
      payload: { postIds: [a, b, 987654], direction: 'to_development' },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({
      status: 'success',
      direction: 'to_development',
      total: 3,
      succeeded: 2,
      failed: 1,
    });
    const missing = body.results.find((r: { postId: number }) => r.postId === 987654);
    expect(missing).toMatchObject({ status: 'error', error: { code: 'post_not_found' } });

    const all = await h.app.inject({
      method: 'POST',
      url: url('/sync-sections'),
      payload: { all: true, dryRun: true },
    });
    expect(all.statusCode).toBe(200);
    expect(all.json().total).toBeGreaterThanOrEqual(2);
  });

  it('GET /posts/:postId/sync-log lists entries newest first, and rollback restores one', async () => {
    const id = nextPost();
    await seedPost(h.app, h.db, id, masterOf('A', 'B'));
    const [, b] = await sectionIds(h.db, id);
    await h.app.inject({ method: 'DELETE', url: url(`/posts/${id}/sections/${b}`) });

    const log = await h.app.inject({ method: 'GET', url: url(`/posts/${id}/sync-log`) });
    expect(log.statusCode).toBe(200);
    const { entries } = log.json();
    expect(entries.length).toBeGreaterThanOrEqual(2);
    expect(entries[0].id).toBeGreaterThan(entries[1].id);
    expect(entries[0]).toMatchObject({ postId: id, changes: { deleted: 1 } });

    const limited = await h.app.inject({
      method: 'GET',
      url: url(`/posts/${id}/sync-log?limit=1`),
    });
    expect(limited.json().entries).toHaveLength(1);

    const rollback = await h.app.inject({
      method: 'POST',
      url: url(`/posts/${id}/sync-log/${entries[0].id}/rollback`),
    });
    expect(rollback.statusCode).toBe(200);
    const body = rollback.json();
    expect(body).toMatchObject({ status: 'success', rolledBack: entries[0].id });
    // The deleted section is back with its id.
    expect(body.sections.map((s: { id: number }) => s.id)).toContain(b);
    expect(await sectionIds(h.db, id)).toContain(b);
  });

  it('answers 404 with the error body for unknown posts and unknown routes under the prefix', async () => {
    const unknownPost = await h.app.inject({ method: 'GET', url: url('/posts/424242/sections') });
    expect(unknownPost.statusCode).toBe(404);
    expect(unknownPost.json()).toEqual({
      status: 'error',
      code: 'post_not_found',
      message: expect.stringContaining('424242'),
    });
    const unknownRoute = await h.app.inject({ method: 'GET', url: url('/nothing-here') });
    expect(unknownRoute.statusCode).toBe(404);
    expect(unknownRoute.json()).toMatchObject({ status: 'error', code: 'not_found' });
  });

  it('accepts If-Match as "n", W/"n" and n, and answers 409 with expected/actual when stale', async () => {
    const id = nextPost();
    await seedPost(h.app, h.db, id, masterOf('A', 'B'));
    const [a] = await sectionIds(h.db, id);
    let version = (await h.app.inject({ method: 'GET', url: url(`/posts/${id}/sections`) })).json()
      .version as number;
    for (const tag of [`"${version}"`, `W/"${version + 1}"`, `${version + 2}`]) {
      const response = await h.app.inject({
        method: 'PATCH',
        url: url(`/posts/${id}/sections/${a}`),
        headers: { 'if-match': tag },
        payload: { description: `with ${tag}` },
      });
      expect(response.statusCode).toBe(200);
      expect(response.json().version).toBe(version + 1);
      version = response.json().version;
    }
    const stale = await h.app.inject({
      method: 'PATCH',
      url: url(`/posts/${id}/sections/${a}`),
      headers: { 'if-match': `"${version - 1}"` },
      payload: { description: 'lost update' },
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({
      status: 'error',
      code: 'version_conflict',
      details: { expected: version - 1, actual: version },
    });
  });
});
