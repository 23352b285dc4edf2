import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGLITE_LOCK_FILE } from '@section-sync/postgres';
import { backends, type TestDatabase } from '@section-sync/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, WEB_ROOT } from '../src/app.js';
import { SAMPLE_POSTS, seedSamplePosts } from '../src/seed/index.js';

const SYNC_MESSAGE = 'Sections synchronized successfully';

describe.each(backends)('demo server on $name', (backend) => {
  let t: TestDatabase;
  let app: FastifyInstance;

  beforeAll(async () => {
    t = await backend.open();
    app = await build({ db: t.db });
  });
  afterAll(async () => {
    await app?.close();
    await t?.close();
  });

  it('seeds a post in every master format, and every seeded post is consistent', async () => {
    const list = await app.inject({ url: '/api/demo/posts' });
    expect(list.statusCode).toBe(200);
    const posts: { postId: number; format: string }[] = list.json().posts;
    expect(posts.map((p) => p.postId)).toEqual(SAMPLE_POSTS.map((p) => p.postId));
    expect(new Set(posts.map((p) => p.format))).toEqual(
      new Set(['json-objects', 'json-strings', 'numbered', 'markdown', 'delimited']),
    );

    const status = await app.inject({ url: '/api/workflow/sync-status?limit=100' });
    expect(status.statusCode).toBe(200);
    const items: { postId: number; status: string; sectionCount: number }[] = status.json().items;
    expect(items).toHaveLength(SAMPLE_POSTS.length);
    for (const item of items) {
      expect({ post: item.postId, status: item.status }).toEqual({
        post: item.postId,
        status: 'OK',
      });
      expect(item.sectionCount).toBeGreaterThan(0);
    }
  });

  it('keeps legacy masters as written and writes the canonical one with the section ids', async () => {
    const numbered = await app.inject({ url: '/api/workflow/posts/5/section-headings' });
    expect(numbered.json()).toMatchObject({
      format: 'numbered',
      sectionHeadings: SAMPLE_POSTS.find((p) => p.postId === 5)!.master,
    });
    const canonical = await app.inject({ url: '/api/workflow/posts/1/section-headings' });
    const sections = await app.inject({ url: '/api/workflow/posts/1/sections' });
    // Section ids are decimal strings on the wire, JSON numbers in the canonical master.
    const ids = sections.json().sections.map((s: { id: string }) => s.id);
    expect(
      JSON.parse(canonical.json().sectionHeadings).map((i: { id: number }) => String(i.id)),
    ).toEqual(ids);
  });

  it('does not seed a database that already has posts', async () => {
    expect(await seedSamplePosts(t.db)).toBe(0);
  });

  it.each([
    [22, 'both'],
    [22, 'to_sections'],
    [22, 'to_development'],
    [1, 'to_sections'],
    [1, 'both'],
  ])('answers the original curl example for post %i, direction %s', async (postId, direction) => {
    // curl -X POST "http://localhost:5000/api/workflow/posts/22/sync-sections" \
    //   -H "Content-Type: application/json" -d '{"direction": "both"}'
    const response = await app.inject({
      method: 'POST',
      url: `/api/workflow/posts/${postId}/sync-sections`,
      headers: { 'content-type': 'application/json' },
      payload: `{"direction": "${direction}"}`,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'success', direction, message: SYNC_MESSAGE });
  });

  it('lists every route, the live events included, in /documentation/json', async () => {
    const response = await app.inject({ url: '/documentation/json' });
    expect(response.statusCode).toBe(200);
    const paths = Object.keys(response.json().paths);
    for (const path of [
      '/api/workflow/posts/{postId}/sync-sections',
      '/api/workflow/posts/{postId}/sections',
      '/api/workflow/posts/{postId}/section-headings',
      '/api/workflow/posts/{postId}/sections/{sectionId}',
      '/api/workflow/posts/{postId}/sections/order',
      '/api/workflow/posts/{postId}/sync-status',
      '/api/workflow/sync-status',
      '/api/workflow/sync-sections',
      '/api/workflow/posts/{postId}/sync-log',
      '/api/workflow/posts/{postId}/sync-log/{entryId}/rollback',
      '/api/workflow/posts/{postId}/events',
    ]) {
      expect(paths).toContain(path);
    }
    expect((await app.inject({ url: '/documentation/' })).statusCode).toBe(200);
  });

  it("declares every status its own routes answer, and answers them with the API's error body", async () => {
    const doc = (await app.inject({ url: '/documentation/json' })).json();
    const demoPaths = Object.entries(
      doc.paths as Record<string, Record<string, { responses: object }>>,
    ).filter(([path]) => path.startsWith('/api/demo/'));
    expect(demoPaths.map(([path]) => path)).toEqual(['/api/demo/posts']);
    for (const [path, operations] of demoPaths) {
      for (const [method, operation] of Object.entries(operations)) {
        expect(Object.keys(operation.responses), `${method} ${path}`).toEqual([
          '200',
          '4XX',
          '5XX',
        ]);
      }
    }
    const bad = await app.inject({ url: '/api/demo/posts?limit=0' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({
      status: 'error',
      code: 'invalid_request',
      message: 'querystring/limit must be >= 1',
      details: [{ location: 'querystring', path: '/limit', message: 'must be >= 1' }],
    });
  });

  it('serves the probes and the Prometheus metrics, the seeded syncs counted', async () => {
    expect((await app.inject({ url: '/api/workflow/health' })).json()).toEqual({ status: 'ok' });
    const ready = await app.inject({ url: '/api/workflow/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ok', database: 'up' });
    const metrics = await app.inject({ url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.headers['content-type']).toContain('text/plain');
    const seeded =
      /^section_sync_syncs_total\{direction="to_sections",origin="trigger",outcome="applied"\} (\d+)$/m;
    expect(Number(seeded.exec(metrics.body)?.[1])).toBeGreaterThan(0);
  });

  it('serves the page at / with its bundled script', async () => {
    expect(existsSync(WEB_ROOT), 'run `npm run build -w @section-sync/demo` first').toBe(true);
    const page = await app.inject({ url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('<script type="module" src="/app.js">');
    const script = await app.inject({ url: '/app.js' });
    expect(script.statusCode).toBe(200);
    expect(script.body).not.toMatch(/https?:\/\/(?!localhost|127\.0\.0\.1|www\.w3\.org)/);
  });
});

describe('demo server with a token', () => {
  let t: TestDatabase;
  let app: FastifyInstance;

  beforeAll(async () => {
    t = await backends[0]!.open();
    app = await build({ db: t.db, token: 's3cret' });
  });
  afterAll(async () => {
    await app?.close();
    await t?.close();
  });

  it('answers 401 on the API without the bearer token, and serves it with the token', async () => {
    const without = await app.inject({ url: '/api/workflow/posts/22/sections' });
    expect(without.statusCode).toBe(401);
    expect(without.headers['www-authenticate']).toContain('Bearer');
    expect(without.json()).toMatchObject({ status: 'error', code: 'unauthorized' });

    const wrong = await app.inject({
      url: '/api/workflow/posts/22/sections',
      headers: { authorization: 'Bearer nope' },
    });
    expect(wrong.statusCode).toBe(401);

    const events = await app.inject({ url: '/api/workflow/posts/22/events' });
    expect(events.statusCode).toBe(401);
    const posts = await app.inject({ url: '/api/demo/posts' });
    expect(posts.statusCode).toBe(401);
    expect(posts.json()).toMatchObject({ status: 'error', code: 'unauthorized' });

    const withToken = await app.inject({
      url: '/api/workflow/posts/22/sections',
      headers: { authorization: 'Bearer s3cret' },
    });
    expect(withToken.statusCode).toBe(200);
    expect(withToken.json().sections).toHaveLength(5);
  });

  it('leaves the page, the documentation, the probes and the metrics public', async () => {
    expect((await app.inject({ url: '/' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/api/workflow/ready' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/api/workflow/health' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/metrics' })).statusCode).toBe(200);
    const doc = await app.inject({ url: '/documentation/json' });
    expect(doc.statusCode).toBe(200);
    expect(doc.json().components.securitySchemes.bearer).toEqual({
      type: 'http',
      scheme: 'bearer',
    });
  });
});

describe('demo server on a PGlite data directory (DATA_DIR)', () => {
  it('keeps the data across restarts, seeds only the first time, and lets go of the directory on close', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'section-sync-demo-'));
    try {
      const first = await build({ dataDir: dir });
      const renamed = await first.inject({
        method: 'PATCH',
        url: '/api/workflow/posts/22/sections/' + (await firstSectionId(first)),
        payload: { heading: 'Kept across restarts' },
      });
      expect(renamed.statusCode).toBe(200);
      await first.close();

      const second = await build({ dataDir: dir });
      // A second process on the same directory would lose writes: while one holds it, refused.
      await expect(build({ dataDir: dir })).rejects.toThrow(
        `is in use by the section-sync demo server, pid ${process.pid}`,
      );
      const sections = await second.inject({ url: '/api/workflow/posts/22/sections' });
      expect(sections.json().sections[0].heading).toBe('Kept across restarts');
      expect((await second.inject({ url: '/api/demo/posts' })).json().posts).toHaveLength(
        SAMPLE_POSTS.length,
      );
      await second.close();
      expect(existsSync(join(dir, PGLITE_LOCK_FILE))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});

async function firstSectionId(app: FastifyInstance): Promise<number> {
  const response = await app.inject({ url: '/api/workflow/posts/22/sections' });
  return response.json().sections[0].id;
}
