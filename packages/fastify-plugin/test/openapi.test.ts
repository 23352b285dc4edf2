import swagger from '@fastify/swagger';
import { openPGlite, type TestDatabase } from '@section-sync/testing';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sectionSync from '../src/index.js';

interface Operation {
  tags?: string[];
  summary?: string;
  description?: string;
  parameters?: { in: string; name: string }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}

// Every route, with the part of its request the document must describe.
const ROUTES: { method: string; path: string; body: boolean; query?: string; success: string }[] = [
  { method: 'post', path: '/posts/{postId}/sync-sections', body: true, success: '200' },
  { method: 'get', path: '/posts/{postId}/sections', body: false, success: '200' },
  { method: 'get', path: '/posts/{postId}/section-headings', body: false, success: '200' },
  { method: 'put', path: '/posts/{postId}/section-headings', body: true, success: '200' },
  { method: 'post', path: '/posts/{postId}/sections', body: true, success: '201' },
  { method: 'patch', path: '/posts/{postId}/sections/{sectionId}', body: true, success: '200' },
  { method: 'delete', path: '/posts/{postId}/sections/{sectionId}', body: false, success: '200' },
  { method: 'put', path: '/posts/{postId}/sections/order', body: true, success: '200' },
  { method: 'get', path: '/posts/{postId}/sync-status', body: false, success: '200' },
  { method: 'get', path: '/sync-status', body: false, query: 'cursor', success: '200' },
  { method: 'post', path: '/sync-sections', body: true, success: '200' },
  { method: 'get', path: '/posts/{postId}/sync-log', body: false, query: 'before', success: '200' },
  {
    method: 'post',
    path: '/posts/{postId}/sync-log/{entryId}/rollback',
    body: true,
    success: '200',
  },
  { method: 'get', path: '/health', body: false, success: '200' },
  { method: 'get', path: '/ready', body: false, success: '200' },
];

describe('OpenAPI document (with @fastify/swagger registered by the host)', () => {
  let t: TestDatabase;
  let app: FastifyInstance;
  let paths: Record<string, Record<string, Operation>>;

  beforeAll(async () => {
    t = await openPGlite({ migrate: false });
    app = Fastify();
    await app.register(swagger, { openapi: { info: { title: 'blog', version: '1.0.0' } } });
    await app.register(sectionSync, { db: t.db });
    await app.ready();
    paths = (app.swagger() as unknown as { paths: typeof paths }).paths;
  });
  afterAll(async () => {
    await app?.close();
    await t?.close();
  });

  it('lists exactly the plugin routes under the prefix', () => {
    const listed = Object.entries(paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method} ${path}`),
    );
    expect(listed.sort()).toEqual(ROUTES.map((r) => `${r.method} /api/workflow${r.path}`).sort());
  });

  it.each(ROUTES)('$method $path has tags, summary, request and response schemas', (route) => {
    const operation = paths[`/api/workflow${route.path}`]?.[route.method];
    expect(operation).toBeDefined();
    const op = operation as Operation;
    expect(op.tags?.length).toBeGreaterThan(0);
    expect(op.summary).toBeTruthy();
    expect(op.description).toBeTruthy();
    for (const name of route.path.match(/\{(\w+)\}/g) ?? []) {
      expect(op.parameters).toContainEqual(
        expect.objectContaining({ in: 'path', name: name.slice(1, -1) }),
      );
    }
    if (route.query) {
      expect(op.parameters).toContainEqual(
        expect.objectContaining({ in: 'query', name: route.query }),
      );
    }
    if (route.body) {
      expect(op.requestBody?.content['application/json']?.schema).toMatchObject({
        type: 'object',
      });
    }
    if (route.method !== 'get' && route.path !== '/sync-sections') {
      expect(op.parameters).toContainEqual(
        expect.objectContaining({ in: 'header', name: 'if-match' }),
      );
    }
    expect(op.responses[route.success]?.content?.['application/json']?.schema).toMatchObject({
      type: 'object',
    });
    expect(op.responses['4XX']?.content?.['application/json']?.schema).toMatchObject({
      properties: { code: { type: 'string' }, message: { type: 'string' } },
    });
  });
});
