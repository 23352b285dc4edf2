import { MockAgent } from 'undici';
import { afterEach, describe, expect, test } from 'vitest';
import {
  ConnectionError,
  createClient,
  type SectionSyncApiError,
  type SectionSyncClient,
} from '../src/index.js';
import {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  isRetryableFailure,
  isRetryableStatus,
  parseRetryAfter,
  resolveRetryPolicy,
} from '../src/transport/retry-policy.js';
import { errorBody, writeResult } from './support/fixtures.js';
import { json, type LocalServer, startServer } from './support/local-server.js';

const fastRetry = { limit: 2, initialDelay: 5, maxDelay: 20 };
const unavailable = errorBody('database_unavailable', 'Sync failed: database unavailable');

let client: SectionSyncClient | undefined;
let server: LocalServer | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  client = server = undefined;
});

/** A server answering each request with the next entry of `answers` (the last one repeats). */
async function scripted(answers: [number, unknown, Record<string, string>?][]) {
  server = await startServer((_request, response, index) => {
    const [status, body, headers] = answers[Math.min(index, answers.length - 1)]!;
    json(response, status, body, headers);
  });
  return server;
}

describe('retry policy', () => {
  test('backoff is full jitter under a doubling ceiling capped at maxDelay', () => {
    const policy = DEFAULT_RETRY_POLICY;
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(policy, n, () => 1))).toEqual([
      500, 1000, 2000, 4000, 8000, 8000,
    ]);
    expect(backoffDelay(policy, 3, () => 0)).toBe(0);
    expect(backoffDelay(policy, 3, () => 0.5)).toBe(1000);
  });

  test('Retry-After is read as seconds or as an HTTP date', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-1', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  test('429 and 503 are retried for every method; 502/504 and lost connections only when safe', () => {
    const policy = DEFAULT_RETRY_POLICY;
    for (const method of ['GET', 'PUT', 'DELETE', 'POST', 'PATCH']) {
      expect(isRetryableStatus(policy, method, 503)).toBe(true);
      expect(isRetryableStatus(policy, method, 429)).toBe(true);
      expect(isRetryableStatus(policy, method, 500)).toBe(false);
      expect(isRetryableFailure(policy, method, false)).toBe(true);
    }
    expect(isRetryableStatus(policy, 'GET', 502)).toBe(true);
    expect(isRetryableStatus(policy, 'POST', 502)).toBe(false);
    expect(isRetryableFailure(policy, 'PUT', true)).toBe(true);
    expect(isRetryableFailure(policy, 'PATCH', true)).toBe(false);
    const optedIn = resolveRetryPolicy(policy, { nonIdempotent: true });
    expect(isRetryableStatus(optedIn, 'POST', 504)).toBe(true);
    expect(isRetryableFailure(optedIn, 'PATCH', true)).toBe(true);
  });

  test('a call option merges over the client policy; false and 0 mean one attempt', () => {
    const client = resolveRetryPolicy(DEFAULT_RETRY_POLICY, { limit: 5, maxDelay: 100 });
    const call = resolveRetryPolicy(client, { nonIdempotent: true, limit: undefined });
    expect(call).toMatchObject({ limit: 5, maxDelay: 100, nonIdempotent: true });
    expect(resolveRetryPolicy(client, false).limit).toBe(0);
    expect(resolveRetryPolicy(client, 0).limit).toBe(0);
    expect(resolveRetryPolicy(client, { statusCodes: [500] }).statusCodes.has(503)).toBe(false);
  });
});

describe('retrying against a real server', () => {
  test('503 with Retry-After: the client waits as asked, then succeeds', async () => {
    const s = await scripted([
      [503, unavailable, { 'retry-after': '1' }],
      [200, { postId: 1, version: 2, sections: [] }],
    ]);
    client = createClient({ baseUrl: s.url, retry: fastRetry });
    const started = Date.now();
    await expect(client.getSections(1)).resolves.toMatchObject({ version: 2 });
    expect(s.requests).toHaveLength(2);
    // Honoured, not the 5-20 ms backoff (lower bound only: timing is not under test).
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  test('a POST sync that met 503 is retried: the API wrote nothing', async () => {
    const s = await scripted([
      [503, unavailable],
      [200, { ...writeResult(1, 5), direction: 'both', message: 'ok' }, { etag: '"5"' }],
    ]);
    client = createClient({ baseUrl: s.url, retry: fastRetry });
    const result = await client.syncSections(1);
    expect(result).toMatchObject({ version: 5, etag: '"5"' });
    expect(s.requests.map((r) => r.method)).toEqual(['POST', 'POST']);
    expect(s.requests[1]!.body).toBe(s.requests[0]!.body);
  });

  test('429 is retried for a POST too', async () => {
    const s = await scripted([
      [429, errorBody('rate_limited', 'slow down'), { 'retry-after': '0' }],
      [201, { ...writeResult(1, 2), section: writeResult(1, 2).sections[0] }],
    ]);
    client = createClient({ baseUrl: s.url, retry: fastRetry });
    await expect(client.createSection(1, { heading: 'Intro' })).resolves.toMatchObject({
      version: 2,
    });
    expect(s.requests).toHaveLength(2);
  });

  test('502 is retried for a GET but not for a POST unless the caller opts in', async () => {
    const s = await scripted([[502, 'Bad Gateway']]);
    client = createClient({ baseUrl: s.url, retry: fastRetry });
    await expect(client.getSections(1)).rejects.toMatchObject({ status: 502 });
    expect(s.requests).toHaveLength(3);
    await expect(client.createSection(1, { heading: 'x' })).rejects.toMatchObject({ status: 502 });
    expect(s.requests).toHaveLength(4);
    await expect(
      client.createSection(1, { heading: 'x' }, { retry: { nonIdempotent: true } }),
    ).rejects.toMatchObject({ status: 502 });
    expect(s.requests).toHaveLength(7);
  });

  test('500 and 4xx are final', async () => {
    const s = await scripted([[500, errorBody('internal_error', 'bug')]]);
    client = createClient({ baseUrl: s.url, retry: fastRetry });
    await expect(client.getSections(1)).rejects.toMatchObject({ status: 500 });
    expect(s.requests).toHaveLength(1);
  });

  test('when retries run out the last answer is thrown', async () => {
    const s = await scripted([[503, unavailable]]);
    client = createClient({ baseUrl: s.url, retry: { ...fastRetry, limit: 3 } });
    const error = (await client.getSyncStatus(1).catch((e) => e)) as SectionSyncApiError;
    expect(error).toMatchObject({ status: 503, code: 'database_unavailable' });
    expect(s.requests).toHaveLength(4);
  });

  test('a Retry-After beyond maxRetryAfter is not waited for', async () => {
    const s = await scripted([[503, unavailable, { 'retry-after': '120' }]]);
    client = createClient({ baseUrl: s.url, retry: fastRetry });
    const started = Date.now();
    await expect(client.getSections(1)).rejects.toMatchObject({ status: 503 });
    expect(s.requests).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test('maxElapsed bounds the whole call: no wait that would end past it', async () => {
    const s = await scripted([
      [503, unavailable, { 'retry-after': '2' }],
      [200, { postId: 1, version: 1, sections: [] }],
    ]);
    client = createClient({ baseUrl: s.url, retry: { ...fastRetry, maxElapsed: 1_000 } });
    await expect(client.getSections(1)).rejects.toMatchObject({ status: 503 });
    expect(s.requests).toHaveLength(1);
  });

  test('ready() answers once by default: a probe wants the state of now', async () => {
    const s = await scripted([
      [503, { status: 'not_ready', database: 'down' }],
      [200, { status: 'ok' }],
    ]);
    client = createClient({ baseUrl: s.url, retry: fastRetry });
    const error = (await client.ready().catch((e) => e)) as SectionSyncApiError;
    expect(error).toMatchObject({ status: 503, body: { status: 'not_ready', database: 'down' } });
    expect(s.requests).toHaveLength(1);
    await expect(client.ready()).resolves.toEqual({ status: 'ok' });
    expect(s.requests[0]!.url).toBe('/api/workflow/ready');
  });
});

describe('failures before sending (undici MockAgent: a real socket cannot fail on cue)', () => {
  function mockedClient(codes: string[]) {
    const agent = new MockAgent();
    agent.disableNetConnect();
    const pool = agent.get('http://section-sync.test');
    for (const code of codes) {
      pool
        .intercept({ path: '/api/workflow/posts/1/sections', method: 'POST' })
        .replyWithError(Object.assign(new Error(code), { code }));
    }
    pool.intercept({ path: '/api/workflow/posts/1/sections', method: 'POST' }).reply(
      201,
      { ...writeResult(1, 3), section: writeResult(1, 3).sections[0] },
      {
        headers: { 'content-type': 'application/json', etag: '"3"' },
      },
    );
    const c = createClient({
      baseUrl: 'http://section-sync.test',
      dispatcher: agent,
      retry: fastRetry,
    });
    return { client: c, agent };
  }

  test('a POST refused at connect time is retried: it never reached the server', async () => {
    const { client: c, agent } = mockedClient(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT']);
    await expect(c.createSection(1, { heading: 'Intro' })).resolves.toMatchObject({
      version: 3,
      etag: '"3"',
    });
    agent.assertNoPendingInterceptors();
    await agent.close();
  });

  test('a POST whose connection reset is not retried', async () => {
    const { client: c, agent } = mockedClient(['ECONNRESET']);
    const error = await c.createSection(1, { heading: 'Intro' }).catch((e) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ code: 'ECONNRESET', cause: { code: 'ECONNRESET' } });
    expect(agent.pendingInterceptors()).toHaveLength(1);
    await agent.close();
  });
});
