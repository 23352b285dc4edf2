import { backends } from '@section-sync/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { masterOf, openApp, sectionIds, seedPost, type TestApp } from './helpers.js';

// The curl examples of the original design document, sent byte for byte, answer its documented
// success body: {"status": "success", "direction": ..., "message": "Sections synchronized successfully"}.
describe.each(backends)("the original design's curl examples on $name", (backend) => {
  let h: TestApp;

  beforeAll(async () => {
    h = await openApp(backend);
    await seedPost(h.app, h.db, 22, masterOf('Introduction', 'Main Content', 'Conclusion'));
  });
  afterAll(() => h?.close());

  it.each(['both', 'to_sections', 'to_development'])(
    'POST /api/workflow/posts/22/sync-sections -d \'{"direction": "%s"}\'',
    async (direction) => {
      const ids = await sectionIds(h.db, 22);
      const response = await h.app.inject({
        method: 'POST',
        url: '/api/workflow/posts/22/sync-sections',
        headers: { 'content-type': 'application/json' },
        payload: `{"direction": "${direction}"}`,
      });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.json()).toMatchObject({
        status: 'success',
        direction,
        message: 'Sections synchronized successfully',
        postId: 22,
      });
      // An already consistent post keeps every section as it was.
      expect(await sectionIds(h.db, 22)).toEqual(ids);
    },
  );

  it('"Sync failed: " for an invalid master, as a 422 instead of the original 500', async () => {
    const response = await h.app.inject({
      method: 'PUT',
      url: '/api/workflow/posts/22/section-headings',
      payload: { sectionHeadings: '[{"heading": "Introduction"' },
    });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({
      status: 'error',
      message: expect.stringMatching(/^Sync failed: /),
    });
  });
});
