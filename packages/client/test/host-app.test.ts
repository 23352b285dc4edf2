import type { AddressInfo } from 'node:net';
import rateLimit from '@fastify/rate-limit';
import sectionSync from '@section-sync/fastify';
import { backends, type TestDatabase } from '@section-sync/testing';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  AuthenticationError,
  BadRequestError,
  createClient,
  PermissionDeniedError,
  RateLimitError,
  type SectionSyncClient,
  ServiceUnavailableError,
} from '../src/index.js';

// The SDK calling the plugin inside a host app with its own auth hook and rate limiter, over
// real HTTP: each status the host or the plugin answers becomes its error class.

describe.each(backends)('the SDK against a host app on $name', (backend) => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let baseUrl: string;
  const seen: { id: string; header: string | undefined }[] = [];
  const clients: SectionSyncClient[] = [];
  const clientFor = (token: string | undefined, options = {}) => {
    const client = createClient({
      baseUrl,
      timeout: 10_000,
      ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
      ...options,
    });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    database = await backend.open();
    await database.db.query('INSERT INTO post_development (post_id) VALUES (1)');
    // The host correlates its logs with the caller's X-Request-Id.
    app = Fastify({ requestIdHeader: 'x-request-id' });
    app.addHook('onRequest', async (request, reply) => {
      seen.push({ id: request.id, header: request.headers['x-request-id'] as string | undefined });
      const token = request.headers.authorization;
      if (token === undefined) return reply.code(401).send({ message: 'Log in first' });
      if (token === 'Bearer reader' && request.method !== 'GET') {
        return reply.code(403).send({ message: 'Read only' });
      }
    });
    await app.register(rateLimit, {
      max: 3,
      timeWindow: 60_000,
      allowList: (request) => request.headers.authorization !== 'Bearer limited',
    });
    await app.register(sectionSync, { db: database.db });
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const client of clients) await client.close();
    await app?.close();
    await database?.close().catch(() => {}); // the last test closed it already
  });

  test("the host's 401 and 403 are AuthenticationError and PermissionDeniedError", async () => {
    const anonymous = await clientFor(undefined)
      .getSections(1)
      .catch((e: unknown) => e);
    expect(anonymous).toBeInstanceOf(AuthenticationError);
    expect(anonymous).toMatchObject({ status: 401, body: { message: 'Log in first' } });

    const reader = clientFor('reader');
    await expect(reader.getSections(1)).resolves.toMatchObject({ postId: 1 });
    const write = await reader.syncSections(1).catch((e: unknown) => e);
    expect(write).toBeInstanceOf(PermissionDeniedError);
    expect(write).toMatchObject({ status: 403, message: 'Read only' });
  });

  test("the rate limiter's 429 is retried as asked, then a RateLimitError with retryAfter", async () => {
    // Retry-After is 60 s: longer than maxRetryAfter, so no wait, the call fails at once.
    const limited = clientFor('limited', { retry: { maxRetryAfter: 1000 } });
    for (let i = 0; i < 3; i++) await limited.getSections(1);
    const error = await limited.getSections(1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfter).toBe(60_000);
  });

  test("the plugin's own 400 is a BadRequestError naming the request id of its log", async () => {
    const client = clientFor('editor');
    const error = await client
      .reorderSections(1, ['999'], { requestId: 'trace-400' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ code: 'invalid_reorder', requestId: 'trace-400' });
    expect(seen.at(-1)).toEqual({ id: 'trace-400', header: 'trace-400' });
  });

  test('a database that is gone is a ServiceUnavailableError after the retries', async () => {
    const client = clientFor('editor', { retry: { limit: 1, initialDelay: 1 } });
    const before = seen.length;
    await database.close();
    const error = await client.getSections(1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error).toMatchObject({ code: 'database_unavailable', retryAfter: 1000 });
    // Retry-After: 1 was honoured (under maxRetryAfter), so the call was sent twice.
    expect(seen.length - before).toBe(2);
  });
});
