import type { AddressInfo } from 'node:net';
import sectionSync from '@section-sync/fastify';
import { openPGlite, openPostgres, postgresUrl, type TestDatabase } from '@section-sync/testing';
import Fastify from 'fastify';
import type { BenchResult, SuiteOptions } from './measure.js';

/** One HTTP row: the usual columns plus throughput and tail latency. */
export interface HttpBenchResult extends BenchResult {
  /** Mean requests per second over the run. */
  requestsPerSecond: number;
  /** 99th percentile latency, ms. */
  p99Ms: number;
  /** Requests per second relative to the bare route (the goal is >= 0.6). */
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

// What the sync of an in-sync post reads, in one statement: the master, the version and the
// sections as JSON. The floor any sync endpoint on this schema has to pay.
const BARE_QUERY = `
  SELECT d.post_id, d.section_sync_version AS version, d.section_headings,
         coalesce((SELECT json_agg(json_build_object(
                     'id', s.id, 'order', s.section_order, 'heading', s.section_heading,
                     'description', s.section_description, 'status', s.status,
                     'updatedAt', s.updated_at) ORDER BY s.section_order)
                   FROM post_section s WHERE s.post_id = d.post_id), '[]') AS sections
  FROM post_development d WHERE d.post_id = $1`;

/**
 * `POST /api/workflow/posts/:postId/sync-sections` (direction both, posts already in sync)
 * against, on the same server, a bare Fastify route running one equivalent query (the floor)
 * and a bare route calling the same `store.sync` (what the plugin layer itself costs),
 * measured with autocannon in one run. PostgreSQL when `DATABASE_URL` is set, else PGlite.
 *
 * @example
 * const rows = await runHttpBench({ quick: true });
 */
export async function runHttpBench(options: SuiteOptions): Promise<HttpBenchResult[]> {
  const autocannon = (await import('autocannon' as string)).default as Autocannon;
  const t: TestDatabase = postgresUrl ? await openPostgres() : await openPGlite();
  const app = Fastify({ logger: false });
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

      const run = async (path: (post: number) => string): Promise<AutocannonResult> => {
        let next = 0;
        const request = {
          url: base,
          connections: t.backend === 'postgres' ? 16 : 4,
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
        await autocannon({ ...request, duration: 1 }); // warm-up: JIT, pool, plan caches
        const result = await autocannon({ ...request, duration: options.quick ? 3 : 10 });
        if (result.non2xx > 0 || result.errors > 0) {
          throw new Error(`${path(1)}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
        }
        return result;
      };
      const bare = await run((post) => `/bare/query/${post}`);
      const store = await run((post) => `/bare/store/${post}`);
      const plugin = await run((post) => `/api/workflow/posts/${post}/sync-sections`);

      const row = (variant: string, r: AutocannonResult): HttpBenchResult => ({
        benchmark: 'sync (HTTP)',
        size,
        variant: `${variant} (${t.backend})`,
        medianMs: r.latency.p50,
        ratio: r.latency.p50 / Math.max(bare.latency.p50, 0.001),
        requestsPerSecond: Math.round(r.requests.average),
        p99Ms: r.latency.p99,
        throughputRatio: r.requests.average / bare.requests.average,
        database: t.backend,
      });
      results.push(
        row('bare route, one query (baseline)', bare),
        row('bare route calling store.sync', store),
        row('POST sync-sections (plugin)', plugin),
      );
    }
    return results;
  } finally {
    await app.close();
    await t.close();
  }
}
