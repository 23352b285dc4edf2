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
type Autocannon = (options: {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
  connections: number;
  duration: number;
}) => Promise<AutocannonResult>;

const POST_ID = 1;
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
 * `POST /api/workflow/posts/:postId/sync-sections` (direction both, post already in sync)
 * against a bare Fastify route on the same server running one equivalent query, measured with
 * autocannon in one run. PostgreSQL when `DATABASE_URL` is set, else PGlite (one connection).
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
    app.post<{ Params: { postId: string } }>('/bare/posts/:postId/sync', async (request) => {
      const { rows } = await t.db.query(BARE_QUERY, [Number(request.params.postId)]);
      return { status: 'success', ...rows[0] };
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    await t.db.query('INSERT INTO post_development (post_id) VALUES ($1)', [POST_ID]);

    const results: HttpBenchResult[] = [];
    for (const size of SIZES) {
      const put = await app.inject({
        method: 'PUT',
        url: `/api/workflow/posts/${POST_ID}/section-headings`,
        payload: { sectionHeadings: master(size) },
      });
      if (put.statusCode !== 200) throw new Error(`seeding failed: ${put.body}`);

      const run = async (url: string): Promise<AutocannonResult> => {
        const request = {
          url,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ direction: 'both' }),
          connections: t.backend === 'postgres' ? 16 : 4,
        };
        await autocannon({ ...request, duration: 1 }); // warm-up: JIT, pool, plan caches
        const result = await autocannon({ ...request, duration: options.quick ? 2 : 10 });
        if (result.non2xx > 0 || result.errors > 0) {
          throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
        }
        return result;
      };
      const bare = await run(`${base}/bare/posts/${POST_ID}/sync`);
      const plugin = await run(`${base}/api/workflow/posts/${POST_ID}/sync-sections`);

      const row = (variant: string, r: AutocannonResult, baseline?: AutocannonResult) => ({
        benchmark: 'sync (HTTP)',
        size,
        variant,
        medianMs: r.latency.p50,
        ratio: baseline ? r.latency.p50 / Math.max(baseline.latency.p50, 0.001) : 1,
        requestsPerSecond: Math.round(r.requests.average),
        p99Ms: r.latency.p99,
        throughputRatio: baseline ? r.requests.average / baseline.requests.average : 1,
        database: t.backend,
      });
      results.push(
        row(`bare route, one query (baseline, ${t.backend})`, bare),
        row(`POST sync-sections (${t.backend})`, plugin, bare),
      );
    }
    return results;
  } finally {
    await app.close();
    await t.close();
  }
}
