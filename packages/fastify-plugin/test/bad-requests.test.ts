import { backends } from '@section-sync/testing';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  masterOf,
  openApp,
  PREFIX,
  sectionIds,
  seedPost,
  snapshot,
  type TestApp,
  versionOf,
} from './helpers.js';

const POST = 7;
const OTHER = 8;
const MAX_BULK_POSTS = 50;
const BODY_LIMIT = 64 * 1024;

interface Context {
  /** Section ids of POST, in order. */
  s: string[];
  /** Section ids of OTHER. */
  q: string[];
  /** Current version of POST. */
  version: number;
  /** A sync log entry of OTHER. */
  otherEntry: number;
}

interface BadRequest {
  name: string;
  request: (c: Context) => InjectOptions;
  status: number;
  code: string;
}

const p = (path: string) => `${PREFIX}/posts/${POST}${path}`;
const json = (method: InjectOptions['method'], url: string, body: unknown): InjectOptions => ({
  method,
  url,
  headers: { 'content-type': 'application/json' },
  payload: JSON.stringify(body),
});
const raw = (
  method: InjectOptions['method'],
  url: string,
  payload: string,
  contentType = 'application/json',
): InjectOptions => ({ method, url, headers: { 'content-type': contentType }, payload });
const withIfMatch = (request: InjectOptions, ifMatch: string): InjectOptions => ({
  ...request,
  headers: { ...(request.headers as object), 'if-match': ifMatch },
});
const sync = (body: unknown) => json('POST', p('/sync-sections'), body);

// Each answers a 4xx with the error body and leaves both posts exactly as they were.
const badRequests: BadRequest[] = [
  // ids in the path
  {
    name: 'post id not a number',
    request: () => ({ method: 'GET', url: `${PREFIX}/posts/abc/sections` }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'negative post id',
    request: () => json('POST', `${PREFIX}/posts/-1/sync-sections`, {}),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'post id zero',
    request: () => json('POST', `${PREFIX}/posts/0/sync-sections`, {}),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'fractional post id',
    request: () => ({ method: 'GET', url: `${PREFIX}/posts/7.5/sections` }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'huge post id',
    request: () => json('POST', `${PREFIX}/posts/99999999999999999999/sync-sections`, {}),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'hexadecimal post id',
    request: () => ({ method: 'GET', url: `${PREFIX}/posts/0x7/sections` }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'NUL byte in the post id',
    request: () => ({ method: 'GET', url: `${PREFIX}/posts/7%00/sections` }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'section id not a number',
    request: () => json('PATCH', p('/sections/first'), { heading: 'X' }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'section id that is not decimal digits',
    request: () => ({ method: 'DELETE', url: p('/sections/0x10') }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'section id with leading zeros',
    request: () => ({ method: 'DELETE', url: p('/sections/007') }),
    status: 400,
    code: 'invalid_request',
  },
  {
    // A bigint id can be negative (a host may insert one); this one does not exist.
    name: 'negative section id',
    request: () => ({ method: 'DELETE', url: p('/sections/-5') }),
    status: 404,
    code: 'section_not_found',
  },
  {
    name: 'section id past the bigint range',
    request: () => ({ method: 'DELETE', url: p('/sections/9223372036854775808') }),
    status: 422,
    code: 'invalid_value',
  },
  {
    name: 'huge section id',
    request: () => ({ method: 'DELETE', url: p('/sections/1e30') }),
    status: 400,
    code: 'invalid_request',
  },
  // sync-sections bodies
  {
    name: 'unknown direction',
    request: () => sync({ direction: 'sideways' }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'direction of the wrong type',
    request: () => sync({ direction: 1 }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'dryRun as a string',
    request: () => sync({ dryRun: 'true' }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'unknown field',
    request: () => sync({ direction: 'both', force: true }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'array body',
    request: () => sync([{ direction: 'both' }]),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'invalid JSON',
    request: () => raw('POST', p('/sync-sections'), '{"direction": '),
    status: 400,
    code: 'invalid_json_body',
  },
  {
    name: 'prototype poisoning',
    request: () => raw('POST', p('/sync-sections'), '{"__proto__": {"x": 1}}'),
    status: 400,
    code: 'invalid_json_body',
  },
  {
    name: 'text/plain body',
    request: () => raw('POST', p('/sync-sections'), 'direction=both', 'text/plain'),
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'form body',
    request: () =>
      raw('POST', p('/sync-sections'), 'direction=both', 'application/x-www-form-urlencoded'),
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'oversize body',
    request: () => json('PUT', p('/section-headings'), { sectionHeadings: 'x'.repeat(BODY_LIMIT) }),
    status: 413,
    code: 'body_too_large',
  },
  {
    name: 'malformed If-Match',
    request: () => withIfMatch(sync({}), 'version-3'),
    status: 400,
    code: 'invalid_if_match',
  },
  {
    name: 'two versions in If-Match',
    request: (c) => withIfMatch(sync({}), `"${c.version}", "${c.version + 1}"`),
    status: 400,
    code: 'invalid_if_match',
  },
  {
    name: 'stale If-Match on a sync',
    request: (c) => withIfMatch(sync({ direction: 'to_development' }), `"${c.version - 1}"`),
    status: 409,
    code: 'version_conflict',
  },
  {
    name: 'sync of an unknown post',
    request: () => json('POST', `${PREFIX}/posts/424242/sync-sections`, {}),
    status: 404,
    code: 'post_not_found',
  },
  // master writes
  {
    name: 'master write without a body',
    request: () => ({ method: 'PUT', url: p('/section-headings') }),
    status: 400,
    code: 'missing_body',
  },
  {
    name: 'master write with an empty JSON body',
    request: () => raw('PUT', p('/section-headings'), ''),
    status: 400,
    code: 'missing_body',
  },
  {
    name: 'master write with null',
    request: () => raw('PUT', p('/section-headings'), 'null'),
    status: 400,
    code: 'missing_body',
  },
  {
    name: 'master write without sectionHeadings',
    request: () => json('PUT', p('/section-headings'), {}),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'master of the wrong type',
    request: () => json('PUT', p('/section-headings'), { sectionHeadings: 5 }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'master array of numbers',
    request: () => json('PUT', p('/section-headings'), { sectionHeadings: [1, 2] }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'unparsable JSON master',
    request: () => json('PUT', p('/section-headings'), { sectionHeadings: '[{"heading": "A"},' }),
    status: 422,
    code: 'invalid_json',
  },
  {
    name: 'NUL byte in the master',
    request: () => json('PUT', p('/section-headings'), { sectionHeadings: 'Intro\u0000\nBody' }),
    status: 422,
    code: 'control_character',
  },
  {
    name: 'control character in a master item',
    request: () => json('PUT', p('/section-headings'), { sectionHeadings: ['Intro\u0007'] }),
    status: 422,
    code: 'control_character',
  },
  {
    name: 'heading over the limit in the master',
    request: () => json('PUT', p('/section-headings'), { sectionHeadings: ['x'.repeat(1001)] }),
    status: 422,
    code: 'heading_too_long',
  },
  {
    name: 'stale If-Match on a master write',
    request: (c) =>
      withIfMatch(
        json('PUT', p('/section-headings'), { sectionHeadings: ['Z'] }),
        `"${c.version - 1}"`,
      ),
    status: 409,
    code: 'version_conflict',
  },
  // section create / edit / delete
  {
    name: 'create without heading',
    request: () => json('POST', p('/sections'), { description: 'x' }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'create with a numeric heading',
    request: () => json('POST', p('/sections'), { heading: 5 }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'create at position 0',
    request: () => json('POST', p('/sections'), { heading: 'X', position: 0 }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'create with an unknown field',
    request: () => json('POST', p('/sections'), { heading: 'X', order: 1 }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'create with a NUL byte in the heading',
    request: () => json('POST', p('/sections'), { heading: 'A\u0000B' }),
    status: 422,
    code: 'control_character',
  },
  {
    name: 'create with a heading over the limit',
    request: () => json('POST', p('/sections'), { heading: 'x'.repeat(1001) }),
    status: 422,
    code: 'heading_too_long',
  },
  {
    name: 'create in an unknown post',
    request: () => json('POST', `${PREFIX}/posts/424242/sections`, { heading: 'X' }),
    status: 404,
    code: 'post_not_found',
  },
  {
    name: 'create with a wrong content type',
    request: () => raw('POST', p('/sections'), '{"heading":"X"}', 'text/plain'),
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'edit with nothing to change',
    request: (c) => json('PATCH', p(`/sections/${c.s[0]}`), {}),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'edit with a null heading',
    request: (c) => json('PATCH', p(`/sections/${c.s[0]}`), { heading: null }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'edit with a status over the limit',
    request: (c) => json('PATCH', p(`/sections/${c.s[0]}`), { status: 'x'.repeat(101) }),
    status: 422,
    code: 'status_too_long',
  },
  {
    name: 'edit with a control character in the description',
    request: (c) => json('PATCH', p(`/sections/${c.s[0]}`), { description: 'a\u0000b' }),
    status: 422,
    code: 'control_character',
  },
  {
    name: 'edit a section of another post',
    request: (c) => json('PATCH', p(`/sections/${c.q[0]}`), { heading: 'Stolen' }),
    status: 404,
    code: 'section_not_found',
  },
  {
    name: 'edit an unknown section',
    request: () => json('PATCH', p('/sections/987654321'), { heading: 'X' }),
    status: 404,
    code: 'section_not_found',
  },
  {
    name: 'stale If-Match on an edit',
    request: (c) =>
      withIfMatch(json('PATCH', p(`/sections/${c.s[0]}`), { heading: 'X' }), `"${c.version - 1}"`),
    status: 409,
    code: 'version_conflict',
  },
  {
    name: 'delete a section of another post',
    request: (c) => ({ method: 'DELETE', url: p(`/sections/${c.q[0]}`) }),
    status: 404,
    code: 'section_not_found',
  },
  {
    name: 'stale If-Match on a delete',
    request: (c) =>
      withIfMatch({ method: 'DELETE', url: p(`/sections/${c.s[0]}`) }, `"${c.version + 5}"`),
    status: 409,
    code: 'version_conflict',
  },
  // reorder
  {
    name: 'reorder missing a section',
    request: (c) => json('PUT', p('/sections/order'), { sectionIds: [c.s[1], c.s[0]] }),
    status: 400,
    code: 'invalid_reorder',
  },
  {
    name: 'reorder with a duplicate',
    request: (c) =>
      json('PUT', p('/sections/order'), { sectionIds: [c.s[0], c.s[0], c.s[1], c.s[2]] }),
    status: 400,
    code: 'invalid_reorder',
  },
  {
    name: "reorder with another post's section",
    request: (c) => json('PUT', p('/sections/order'), { sectionIds: [c.s[2], c.s[1], c.q[0]] }),
    status: 400,
    code: 'invalid_reorder',
  },
  {
    name: 'reorder with an unknown section',
    request: (c) => json('PUT', p('/sections/order'), { sectionIds: [c.s[2], c.s[1], 987654321] }),
    status: 400,
    code: 'invalid_reorder',
  },
  {
    name: 'reorder with ids that are not decimal digits',
    request: (c) => json('PUT', p('/sections/order'), { sectionIds: c.s.map((id) => `${id} `) }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'reorder with a fractional id',
    request: () => json('PUT', p('/sections/order'), { sectionIds: [1.5] }),
    status: 400,
    code: 'invalid_request',
  },
  // sync status
  {
    name: 'sync status with limit 0',
    request: () => ({ method: 'GET', url: `${PREFIX}/sync-status?limit=0` }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'sync status with a text limit',
    request: () => ({ method: 'GET', url: `${PREFIX}/sync-status?limit=many` }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'sync status with an unknown status',
    request: () => ({ method: 'GET', url: `${PREFIX}/sync-status?status=Bogus` }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'sync status with an unknown parameter',
    request: () => ({ method: 'GET', url: `${PREFIX}/sync-status?sort=desc` }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'sync status with a NUL in the query',
    request: () => ({ method: 'GET', url: `${PREFIX}/sync-status?status=OK%00` }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'sync status with a non-boolean filter',
    request: () => ({ method: 'GET', url: `${PREFIX}/sync-status?inconsistent=yes` }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'sync status with a negative cursor',
    request: () => ({ method: 'GET', url: `${PREFIX}/sync-status?cursor=-1` }),
    status: 400,
    code: 'invalid_request',
  },
  // bulk sync
  {
    name: 'bulk sync naming no posts',
    request: () => json('POST', `${PREFIX}/sync-sections`, { direction: 'both' }),
    status: 400,
    code: 'invalid_bulk_target',
  },
  {
    name: 'bulk sync with all: false',
    request: () => json('POST', `${PREFIX}/sync-sections`, { all: false }),
    status: 400,
    code: 'invalid_bulk_target',
  },
  {
    name: 'bulk sync with postIds and all',
    request: () => json('POST', `${PREFIX}/sync-sections`, { postIds: [POST], all: true }),
    status: 400,
    code: 'invalid_bulk_target',
  },
  {
    name: 'bulk sync with an empty list',
    request: () => json('POST', `${PREFIX}/sync-sections`, { postIds: [] }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'bulk sync over maxBulkPosts',
    request: () =>
      json('POST', `${PREFIX}/sync-sections`, {
        postIds: Array.from({ length: MAX_BULK_POSTS + 1 }, (_, i) => i + 1),
      }),
    status: 400,
    code: 'invalid_bulk_target',
  },
  {
    name: 'bulk sync without a body',
    request: () => ({ method: 'POST', url: `${PREFIX}/sync-sections` }),
    status: 400,
    code: 'missing_body',
  },
  // sync log and rollback
  {
    name: 'sync log with a limit over 200',
    request: () => ({ method: 'GET', url: p('/sync-log?limit=500') }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'rollback of an unknown entry',
    request: () => json('POST', p('/sync-log/987654321/rollback'), {}),
    status: 404,
    code: 'log_entry_not_found',
  },
  {
    name: "rollback of another post's entry",
    request: (c) => json('POST', p(`/sync-log/${c.otherEntry}/rollback`), {}),
    status: 404,
    code: 'log_entry_not_found',
  },
  {
    name: 'rollback with dryRun as a string',
    request: () => json('POST', p('/sync-log/1/rollback'), { dryRun: 'yes' }),
    status: 400,
    code: 'invalid_request',
  },
  // routing
  {
    name: 'unknown route under the prefix',
    request: () => ({ method: 'POST', url: p('/publish') }),
    status: 404,
    code: 'not_found',
  },
];

describe.each(backends)('bad requests on $name', (backend) => {
  let h: TestApp;
  let context: Context;

  beforeAll(async () => {
    h = await openApp(backend, { maxBulkPosts: MAX_BULK_POSTS, bodyLimit: BODY_LIMIT });
    await seedPost(h.app, h.db, POST, masterOf('Intro', 'Body', 'End'));
    await seedPost(h.app, h.db, OTHER, masterOf('Elsewhere'));
    const log = await h.app.inject({ method: 'GET', url: `${PREFIX}/posts/${OTHER}/sync-log` });
    context = {
      s: await sectionIds(h.db, POST),
      q: await sectionIds(h.db, OTHER),
      version: await versionOf(h.app, POST),
      otherEntry: log.json().entries[0].id,
    };
  });
  afterAll(() => h?.close());

  it('has at least 40 cases', () => {
    expect(badRequests.length).toBeGreaterThanOrEqual(40);
    expect(new Set(badRequests.map((b) => b.name)).size).toBe(badRequests.length);
  });

  it.each(badRequests)(
    '$name: $status $code, nothing changed',
    async ({ request, status, code }) => {
      const before = [await snapshot(h.db, POST), await snapshot(h.db, OTHER)];
      const response = await h.app.inject(request(context));
      expect({ status: response.statusCode, body: response.json() }).toMatchObject({
        status,
        body: { status: 'error', code, message: expect.any(String) },
      });
      expect(Object.keys(response.json()).sort()).toEqual(
        expect.arrayContaining(['code', 'message', 'status']),
      );
      expect([await snapshot(h.db, POST), await snapshot(h.db, OTHER)]).toEqual(before);
    },
  );

  it('a 422 names the problem and where: "Sync failed: " and the position in details', async () => {
    const response = await h.app.inject(
      json('PUT', p('/section-headings'), {
        sectionHeadings: '[{"heading": "A"},\n  {"heading": 5}]',
      }),
    );
    expect(response.statusCode).toBe(422);
    const body = response.json();
    expect(body.message).toMatch(/^Sync failed: /);
    expect(body.details).toMatchObject({ code: body.code, index: 1, field: 'heading' });
  });

  it('validation errors list each problem with its location and path', async () => {
    const response = await h.app.inject(sync({ direction: 'up' }));
    expect(response.json().details).toEqual(
      expect.arrayContaining([expect.objectContaining({ location: 'body', path: '/direction' })]),
    );
  });
});
