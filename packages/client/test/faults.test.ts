import { afterEach, describe, expect, test } from 'vitest';
import {
  ConnectionError,
  createClient,
  type SectionSyncClient,
  TimeoutError,
} from '../src/index.js';
import { writeResult } from './support/fixtures.js';
import { closedPortUrl, json, startServer, startTcpServer } from './support/local-server.js';

// Short waits so retries happen quickly; the policy itself is tested in retry.test.ts.
const fastRetry = { limit: 2, initialDelay: 5, maxDelay: 20 };

let client: SectionSyncClient | undefined;
let server: { close(): Promise<void> } | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  client = server = undefined;
});

describe('connection refused', () => {
  test('rejects with ConnectionError carrying the ECONNREFUSED cause, after the retries', async () => {
    client = createClient({ baseUrl: await closedPortUrl(), retry: fastRetry });
    const error = await client.getSections(1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).code).toBe('ECONNREFUSED');
    expect((error as ConnectionError).cause).toMatchObject({ code: 'ECONNREFUSED' });
  });
});

describe('socket reset mid-response', () => {
  test.each([
    ['reset (RST)', 'ECONNRESET'],
    ['closed (FIN)', 'UND_ERR_SOCKET'],
  ] as const)(
    'a GET whose answer is cut by a %s connection is retried and succeeds',
    async (_how, code) => {
      let attempts = 0;
      const tcp = await startTcpServer((socket) => {
        socket.once('data', () => {
          attempts++;
          if (attempts <= 2) {
            // Headers promise 500 bytes; send a few and cut the connection.
            socket.write(
              'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{"postId":',
            );
            setTimeout(() => (code === 'ECONNRESET' ? socket.resetAndDestroy() : socket.end()), 20);
            return;
          }
          const body = JSON.stringify({ postId: 1, version: 3, sections: [] });
          socket.end(
            `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
          );
        });
      });
      server = tcp;
      client = createClient({ baseUrl: tcp.url, retry: fastRetry });
      const error = await client.getSections(1, { retry: false }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error).toMatchObject({ code, cause: { code } });
      await expect(client.getSections(1)).resolves.toEqual({ postId: 1, version: 3, sections: [] });
      expect(attempts).toBe(3);
    },
  );

  test('a POST whose answer is cut is not repeated: the write may have happened', async () => {
    let attempts = 0;
    const tcp = await startTcpServer((socket) => {
      socket.once('data', () => {
        attempts++;
        socket.write('HTTP/1.1 200 OK\r\ncontent-length: 500\r\n\r\n{"status":');
        setTimeout(() => socket.resetAndDestroy(), 20);
      });
    });
    server = tcp;
    client = createClient({ baseUrl: tcp.url, retry: fastRetry });
    const error = await client.syncSections(1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).cause).toBeInstanceOf(Error);
    expect(attempts).toBe(1);
  });

  test('the same POST is repeated when the caller opts in with nonIdempotent', async () => {
    let attempts = 0;
    const tcp = await startTcpServer((socket) => {
      socket.once('data', () => {
        attempts++;
        if (attempts === 1) {
          socket.resetAndDestroy();
          return;
        }
        const body = JSON.stringify(writeResult(1, 4));
        socket.end(
          `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\netag: "4"\r\nconnection: close\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
        );
      });
    });
    server = tcp;
    client = createClient({ baseUrl: tcp.url, retry: fastRetry });
    const result = await client.syncSections(1, { retry: { nonIdempotent: true } });
    expect(result.version).toBe(4);
    expect(attempts).toBe(2);
  });
});

describe('slow server', () => {
  test('no headers within the timeout: TimeoutError, and a GET is tried again', async () => {
    const slow = await startServer(() => {
      // Never answers.
    });
    server = slow;
    client = createClient({ baseUrl: slow.url, timeout: 150, retry: { ...fastRetry, limit: 1 } });
    const error = await client.getSyncStatus(1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeout).toBe(150);
    expect(slow.requests).toHaveLength(2);
  });

  test('a POST that timed out is not repeated', async () => {
    const slow = await startServer(() => {});
    server = slow;
    client = createClient({ baseUrl: slow.url, timeout: 150, retry: fastRetry });
    await expect(client.syncSections(1)).rejects.toBeInstanceOf(TimeoutError);
    expect(slow.requests).toHaveLength(1);
  });

  test('a body trickling slower than the whole timeout fails with phase "total"', async () => {
    const trickle = await startServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"postId":1,');
      const timer = setInterval(() => response.write(' '), 30);
      response.on('close', () => clearInterval(timer));
    });
    server = trickle;
    client = createClient({ baseUrl: trickle.url, timeout: 250, retry: false });
    const error = await client.getSections(1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).phase).toBe('total');
  });
});

describe('cancellation', () => {
  test('aborting during the request rejects with the signal reason (an AbortError)', async () => {
    const slow = await startServer(() => {});
    server = slow;
    client = createClient({ baseUrl: slow.url });
    const controller = new AbortController();
    const call = client.getSections(1, { signal: controller.signal });
    await waitFor(() => slow.requests.length === 1);
    controller.abort();
    const error = await call.catch((e: unknown) => e);
    expect(error).toBe(controller.signal.reason);
    expect((error as Error).name).toBe('AbortError');
  });

  test('an already aborted signal sends nothing', async () => {
    const ok = await startServer((_request, response) => json(response, 200, {}));
    server = ok;
    client = createClient({ baseUrl: ok.url });
    const reason = new Error('user left');
    await expect(client.getSections(1, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(ok.requests).toHaveLength(0);
  });

  test('aborting during a retry wait stops at once: no further attempt', async () => {
    const busy = await startServer((_request, response) =>
      json(
        response,
        503,
        { status: 'error', code: 'database_unavailable', message: 'down' },
        {
          'retry-after': '30',
        },
      ),
    );
    server = busy;
    client = createClient({ baseUrl: busy.url });
    const controller = new AbortController();
    const call = client.getSections(1, { signal: controller.signal });
    const outcome = call.catch((e: unknown) => e);
    await waitFor(() => busy.requests.length === 1);
    const abortedAt = Date.now();
    controller.abort();
    const error = await outcome;
    expect((error as Error).name).toBe('AbortError');
    // Far less than the 30 s the server asked for: the wait was cut, not served.
    expect(Date.now() - abortedAt).toBeLessThan(5_000);
    expect(busy.requests).toHaveLength(1);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
