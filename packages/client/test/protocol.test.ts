import { afterEach, describe, expect, test } from 'vitest';
import {
  AuthenticationError,
  BadRequestError,
  ConflictError,
  ConnectionError,
  createClient,
  entityTag,
  NotFoundError,
  PayloadTooLargeError,
  PermissionDeniedError,
  PreconditionFailedError,
  RateLimitError,
  SectionSyncApiError,
  type SectionSyncClient,
  SectionSyncClientError,
  ServerError,
  ServiceUnavailableError,
  UnprocessableError,
} from '../src/index.js';
import { Transport } from '../src/transport/transport.js';
import { CLIENT_VERSION } from '../src/transport/user-agent.js';
import { errorBody, writeResult } from './support/fixtures.js';
import { json, type LocalServer, startServer } from './support/local-server.js';

let client: SectionSyncClient | undefined;
let server: LocalServer | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  client = server = undefined;
});

describe('API errors', () => {
  test.each([
    [400, BadRequestError, 'invalid_request'],
    [401, AuthenticationError, 'unauthorized'],
    [403, PermissionDeniedError, 'forbidden'],
    [404, NotFoundError, 'post_not_found'],
    [409, ConflictError, 'version_conflict'],
    [412, PreconditionFailedError, 'precondition_failed'],
    [413, PayloadTooLargeError, 'body_too_large'],
    [422, UnprocessableError, 'invalid_json'],
    [429, RateLimitError, 'rate_limited'],
    [500, ServerError, 'internal_error'],
    [503, ServiceUnavailableError, 'database_unavailable'],
  ] as const)(
    '%i becomes %o with the body code, message and details',
    async (status, ErrorClass, code) => {
      const details = { line: 1, column: 3 };
      const body = errorBody(code, `Sync failed: ${code}`, details);
      server = await startServer((_req, res) => json(res, status, body));
      client = createClient({ baseUrl: server.url, retry: false });
      const error = await client.syncSections(1).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ErrorClass);
      expect(error).toBeInstanceOf(SectionSyncApiError);
      expect(error).toBeInstanceOf(SectionSyncClientError);
      expect(error).toMatchObject({ status, code, message: `Sync failed: ${code}`, details, body });
    },
  );

  test('SectionSyncApiError.from: ServerError for any other 5xx, the base class otherwise', () => {
    const html = SectionSyncApiError.from(502, '<html>Bad Gateway</html>');
    expect(html.constructor).toBe(ServerError);
    expect(html).toMatchObject({ status: 502, code: 'http_502', body: '<html>Bad Gateway</html>' });
    expect(html.message).toBe('The server answered HTTP 502');
    expect(SectionSyncApiError.from(418, undefined).constructor).toBe(SectionSyncApiError);
    expect(SectionSyncApiError.from(404, undefined)).toBeInstanceOf(NotFoundError);
    expect(SectionSyncApiError.from(503, undefined)).toBeInstanceOf(ServerError);
  });

  test('429 and 503 carry the Retry-After the server asked for, in ms', () => {
    const limited = SectionSyncApiError.from(429, { message: 'slow down' }, { 'retry-after': '7' });
    expect(limited).toBeInstanceOf(RateLimitError);
    expect((limited as RateLimitError).retryAfter).toBe(7000);
    const down = SectionSyncApiError.from(503, undefined, {}) as ServiceUnavailableError;
    expect(down.retryAfter).toBeUndefined();
  });

  test("a host's own error body (no code) is kept whole, code http_<status>", async () => {
    server = await startServer((_req, res) => json(res, 401, { message: 'Log in' }));
    client = createClient({ baseUrl: server.url });
    const error = await client.getSections(1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ code: 'http_401', body: { message: 'Log in' } });
  });
});

describe('request identity', () => {
  test('every call sends User-Agent section-sync-client/<version> and its own X-Request-Id', async () => {
    server = await startServer((_req, res) => json(res, 200, writeResult(1, 1)));
    client = createClient({ baseUrl: server.url });
    await client.getSections(1);
    await client.getSections(1);
    const [first, second] = server.requests;
    expect(first?.headers['user-agent']).toBe(`section-sync-client/${CLIENT_VERSION}`);
    expect(CLIENT_VERSION).toMatch(/^\d+\.\d+\.\d+/);
    expect(first?.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(second?.headers['x-request-id']).not.toBe(first?.headers['x-request-id']);
  });

  test('retries keep the call id; the error names it, or the id the server answered with', async () => {
    server = await startServer((_req, res, index) => {
      res.setHeader('retry-after', '0');
      if (index >= 2) res.setHeader('x-request-id', 'server-42');
      json(res, 503, errorBody('database_unavailable', 'down'));
    });
    client = createClient({ baseUrl: server.url, retry: { limit: 1 } });
    const error = (await client.getSections(1).catch((e: unknown) => e)) as ServerError;
    const [first, retry] = server.requests;
    expect(retry?.headers['x-request-id']).toBe(first?.headers['x-request-id']);
    expect(error.requestId).toBe(first?.headers['x-request-id']);

    const own = await client
      .getSections(1, { requestId: 'trace-7', retry: false })
      .catch((e: unknown) => e);
    expect(server.requests.at(-1)?.headers['x-request-id']).toBe('trace-7');
    expect(own).toMatchObject({ requestId: 'server-42' });
  });

  test('every error body is read, so one keep-alive connection serves call after call', async () => {
    server = await startServer((_req, res) =>
      json(
        res,
        404,
        errorBody('post_not_found', 'Post 1 does not exist', { padding: 'x'.repeat(100_000) }),
      ),
    );
    client = createClient({ baseUrl: server.url, connections: 1 });
    for (let i = 0; i < 20; i++) {
      await expect(client.getSections(1)).rejects.toBeInstanceOf(NotFoundError);
    }
    expect(server.requests).toHaveLength(20);
    expect(server.connections).toBe(1);
  });

  test('a 2xx body that is not JSON is a client error naming the route', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>proxy login</html>');
    });
    client = createClient({ baseUrl: server.url });
    const error = await client.getSections(1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SectionSyncClientError);
    expect((error as Error).message).toContain('/api/workflow/posts/1/sections');
  });

  test('a closed client fails fast with a ConnectionError, not retried', async () => {
    server = await startServer((_req, res) => json(res, 200, {}));
    client = createClient({ baseUrl: server.url });
    await client.close();
    await expect(client.getSections(1)).rejects.toBeInstanceOf(ConnectionError);
    client = undefined;
  });
});

describe('requests on the wire', () => {
  test('method, path, query, JSON body, If-Match and headers', async () => {
    server = await startServer((req, res) =>
      req.url?.includes('/sync-status')
        ? json(res, 200, { items: [], nextCursor: null })
        : json(res, 200, writeResult(7, 4), { etag: '"4"' }),
    );
    client = createClient({
      baseUrl: `${server.url}/svc/`,
      prefix: '/v2/',
      headers: { Authorization: 'Bearer client' },
    });
    const result = await client.syncSections(7, {
      direction: 'to_sections',
      dryRun: true,
      ifMatch: 3,
      headers: { 'x-request-id': 'abc' },
      timeout: 5_000,
    });
    expect(result.etag).toBe('"4"');
    await client.updateSection(7, '9', { heading: 'Pricing' }, { ifMatch: '"4"' });
    await client.deleteSection(7, '9', { ifMatch: 4 });
    for await (const _ of client.listSyncStatus({ inconsistent: true, limit: 5 })) break;

    const [sync, update, remove, list] = server.requests;
    expect(sync).toMatchObject({ method: 'POST', url: '/svc/v2/posts/7/sync-sections' });
    expect(JSON.parse(sync!.body)).toEqual({ direction: 'to_sections', dryRun: true });
    expect(sync!.headers).toMatchObject({
      'if-match': '"3"',
      authorization: 'Bearer client',
      'x-request-id': 'abc',
      'content-type': 'application/json',
      accept: 'application/json',
    });
    expect(update).toMatchObject({ method: 'PATCH', url: '/svc/v2/posts/7/sections/9' });
    expect(update!.headers['if-match']).toBe('"4"');
    expect(JSON.parse(update!.body)).toEqual({ heading: 'Pricing' });
    expect(remove).toMatchObject({ method: 'DELETE', url: '/svc/v2/posts/7/sections/9', body: '' });
    expect(remove!.headers['if-match']).toBe('"4"');
    expect(remove!.headers['content-type']).toBeUndefined();
    expect(list!.url).toBe('/svc/v2/sync-status?inconsistent=true&limit=5');
  });

  test('the etag falls back to the body version when a proxy dropped the header', async () => {
    server = await startServer((_req, res) => json(res, 200, writeResult(7, 12)));
    client = createClient({ baseUrl: server.url });
    await expect(client.reorderSections(7, ['1'])).resolves.toMatchObject({
      version: 12,
      etag: '"12"',
    });
  });

  test('entityTag quotes a version and leaves a received tag alone', () => {
    expect(entityTag(7)).toBe('"7"');
    expect(entityTag('7')).toBe('"7"');
    expect(entityTag('"7"')).toBe('"7"');
    expect(entityTag('W/"7"')).toBe('W/"7"');
  });

  test('204 No Content resolves with an undefined body and frees the connection', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(204);
      res.end();
    });
    const transport = new Transport({ baseUrl: server.url, connections: 1 });
    for (let i = 0; i < 3; i++) {
      const response = await transport.request({ method: 'DELETE', path: '/x' });
      expect(response).toMatchObject({ status: 204, body: undefined });
    }
    expect(server.connections).toBe(1);
    await transport.close();
  });

  test('listSyncStatus stops when a server repeats a cursor instead of looping', async () => {
    const item = {
      postId: 1,
      status: 'OK',
      version: 1,
      masterCount: 0,
      sectionCount: 0,
      differences: [],
    };
    server = await startServer((_req, res) => json(res, 200, { items: [item], nextCursor: 1 }));
    client = createClient({ baseUrl: server.url });
    const seen = [];
    for await (const status of client.listSyncStatus()) seen.push(status);
    expect(seen).toHaveLength(2);
    expect(server.requests.map((r) => r.url)).toEqual([
      '/api/workflow/sync-status',
      '/api/workflow/sync-status?cursor=1',
    ]);
  });

  test('a baseUrl that is not http(s) is refused at creation', () => {
    expect(() => createClient({ baseUrl: 'ftp://example.com' })).toThrow(TypeError);
  });
});
