import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createClient } from '@section-sync/client';
import sectionSync from '@section-sync/fastify';
import { openPGlite, openPostgres, postgresUrl, type TestDatabase } from '@section-sync/testing';
import Fastify from 'fastify';
import { Pool } from 'undici';
import { type BenchResult, median, type SuiteOptions } from './measure.js';

/** One HTTP row: the usual columns plus throughput and tail latency. */
export interface HttpBenchResult extends BenchResult {
  /** Mean requests per second over the run. */
  requestsPerSecond: number;
  /** 99th percentile latency, ms. */
  p99Ms: number;
  /** Requests per second relative to the bare route (the goal is >= 0.85). */
  throughputRatio: number | null;
  /** Where the database ran. */
  database: 'postgres' | 'pglite';
}

// The part of autocannon's API used here (the package ships no types).
interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}
interface AutocannonRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  requests: { setupRequest: (request: AutocannonRequest) => AutocannonRequest }[];
}) => Promise<AutocannonResult>;

// Requests go round-robin over several posts, as many users editing their own posts do; one
// post would only measure its lock (writers of one post serialize by design).
const POSTS = 16;
const SIZES = [10, 100];

function master(size: number): string {
  return JSON.stringify(
    Array.from({ length: size }, (_, i) => ({
      order: i + 1,
      heading: `Section ${i + 1}: what it covers`,
      description: `Notes for section ${i + 1}.`,
      status: i % 2 ? 'draft' : 'done',
    })),
  );
}

// The reads a sync of an in-sync post needs, in one statement: the version and the sections as
// JSON. The floor any sync endpoint on this schema has to pay.
const BARE_QUERY = `
  SELECT d.post_id, d.section_sync_version AS version,
         coalesce((SELECT json_agg(json_build_object(
                     'id', s.id, 'order', s.section_order, 'heading', s.section_heading,
                     'description', s.section_description, 'status', s.status,
                     'updatedAt', s.updated_at) ORDER BY s.section_order)
                   FROM post_section s WHERE s.post_id = d.post_id), '[]') AS sections
  FROM post_development d WHERE d.post_id = $1`;

/** What one load run measured: throughput and latency percentiles. */
interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
}

/**
 * `in flight` workers calling `call` back to back for `seconds`: the driver for the SDK and for
 * hand-written undici calls (autocannon cannot drive an SDK), with per-call latencies kept.
 */
async function closedLoop(
  call: (post: number) => Promise<unknown>,
  inFlight: number,
  seconds: number,
): Promise<LoadResult> {
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  let next = 0;
  const worker = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      await call((next++ % POSTS) + 1);
      latencies.push(performance.now() - t0);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, worker));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requestsPerSecond: latencies.length / elapsed,
    p50: median(latencies),
    p99: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? 0,
  };
}

/**
 * `POST /api/workflow/posts/:postId/sync-sections` (direction both, posts already in sync)
 * against, on the same server, a bare Fastify route running one equivalent query (the floor)
 * and a bare route calling the same `store.sync` (what the plugin layer itself costs), all
 * driven by autocannon (raw HTTP), and the same endpoint through the SDK next to hand-written
 * undici calls driven by one closed loop, all in one run: each variant runs twice, half the
 * time each, in alternating order, so a busy neighbour slows all alike. PostgreSQL when
 * `DATABASE_URL` is set, else PGlite.
 *
 * @example
 * const rows = await runHttpBench({ quick: true });
 */
export async function runHttpBench(options: SuiteOptions): Promise<HttpBenchResult[]> {
  const autocannon = (await import('autocannon' as string)).default as Autocannon;
  const t: TestDatabase = postgresUrl ? await openPostgres() : await openPGlite();
  const app = Fastify({ logger: false });
  let pool: Pool | undefined;
  let client: ReturnType<typeof createClient> | undefined;
  try {
    await app.register(sectionSync, { db: t.db });
    app.post<{ Params: { postId: string } }>('/bare/query/:postId', async (request) => {
      const { rows } = await t.db.query(BARE_QUERY, [Number(request.params.postId)]);
      return { status: 'success', ...rows[0] };
    });
    app.post<{ Params: { postId: string } }>('/bare/store/:postId', async (request) => {
      const outcome = await app.sectionSync.store.sync(Number(request.params.postId), 'both');
      return { status: 'success', ...outcome };
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const undici = new Pool(base, { connections: 16, headersTimeout: 30_000, bodyTimeout: 30_000 });
    const sdk = createClient({ baseUrl: base, connections: 16 });
    pool = undici;
    client = sdk;
    for (let post = 1; post <= POSTS; post++) {
      await t.db.query('INSERT INTO post_development (post_id) VALUES ($1)', [post]);
    }

    const results: HttpBenchResult[] = [];
    for (const size of SIZES) {
      for (let post = 1; post <= POSTS; post++) {
        const put = await app.inject({
          method: 'PUT',
          url: `/api/workflow/posts/${post}/section-headings`,
          payload: { sectionHeadings: master(size) },
        });
        if (put.statusCode !== 200) throw new Error(`seeding failed: ${put.body}`);
      }

      const connections = t.backend === 'postgres' ? 16 : 4;
      const seconds = options.quick ? 2 : 10;
      const cannon = (path: (post: number) => string) => async (duration: number) => {
        let next = 0;
        const request = {
          url: base,
          connections,
          requests: [
            {
              setupRequest: (r: AutocannonRequest) => ({
                ...r,
                method: 'POST',
                path: path((next++ % POSTS) + 1),
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ direction: 'both' }),
              }),
            },
          ],
        };
        const result = await autocannon({ ...request, duration });
        if (result.non2xx > 0 || result.errors > 0) {
          throw new Error(`${path(1)}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
        }
        return {
          requestsPerSecond: result.requests.average,
          p50: result.latency.p50,
          p99: result.latency.p99,
        };
      };
      const rawCall = (path: (post: number) => string) => async (post: number) => {
        const { statusCode, body } = await undici.request({
          path: path(post),
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ direction: 'both' }),
        });
        await body.json();
        if (statusCode !== 200) throw new Error(`HTTP ${statusCode}`);
      };
      const loop = (call: (post: number) => Promise<unknown>) => (duration: number) =>
        closedLoop(call, connections, duration);
      const pluginPath = (post: number) => `/api/workflow/posts/${post}/sync-sections`;
      const variants: {
        variant: string;
        floor?: boolean;
        run: (d: number) => Promise<LoadResult>;
      }[] = [
        {
          variant: 'floor: bare route, one query (autocannon)',
          floor: true,
          run: cannon((post) => `/bare/query/${post}`),
        },
        {
          variant: 'bare route calling store.sync (autocannon)',
          run: cannon((post) => `/bare/store/${post}`),
        },
        { variant: 'ours: POST sync-sections, raw HTTP (autocannon)', run: cannon(pluginPath) },
        {
          variant: 'floor for the loop: bare route, one query (undici loop)',
          run: loop(rawCall((post) => `/bare/query/${post}`)),
        },
        {
          variant: 'ours: POST sync-sections, hand-written undici (undici loop)',
          run: loop(rawCall(pluginPath)),
        },
        {
          variant: 'ours: POST sync-sections, SDK syncSections (undici loop)',
          run: loop((post) => sdk.syncSections(post, { direction: 'both' })),
        },
      ];
      for (const v of variants) await v.run(1); // warm-up: JIT, pools, plan caches
      const measured: LoadResult[][] = variants.map(() => []);
      for (const pass of [0, 1]) {
        const order = pass === 0 ? [...variants.keys()] : [...variants.keys()].reverse();
        for (const i of order) measured[i]!.push(await variants[i]!.run(seconds / 2));
      }
      const merged = measured.map((runs) => ({
        requestsPerSecond: runs.reduce((a, r) => a + r.requestsPerSecond, 0) / runs.length,
        p50: runs.reduce((a, r) => a + r.p50, 0) / runs.length,
        p99: Math.max(...runs.map((r) => r.p99)),
      }));
      const bare = merged[0]!;
      const loopFloor = merged[3]!;
      variants.forEach((v, i) => {
        const r = merged[i]!;
        // The loop variants are compared with the bare route under the same driver.
        const floor = i >= 3 ? loopFloor : bare;
        const share = r.requestsPerSecond / floor.requestsPerSecond;
        results.push({
          benchmark: 'sync HTTP, POST sync-sections, posts in sync (p50 latency)',
          size,
          variant: v.variant,
          medianMs: r.p50,
          ratioToFloor: r.p50 / Math.max(floor.p50, 0.001),
          ratioToBaseline: null,
          note: `${Math.round(r.requestsPerSecond).toLocaleString('en-US')} req/s (${Math.round(share * 100)}% of the bare route), p99 ${r.p99.toFixed(1)} ms, ${connections} connections; ${t.backend}`,
          requestsPerSecond: Math.round(r.requestsPerSecond),
          p99Ms: r.p99,
          throughputRatio: share,
          database: t.backend,
        });
      });
    }
    return results;
  } finally {
    await client?.close();
    await pool?.close();
    await app.close();
    await t.close();
  }
}
