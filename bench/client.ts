// The SDK's cost over a hand-written undici call. Both send the same POST sync-sections to the
// same server in the same run and read the same answer; the server runs in a child process so
// the two event loops do not take turns on one thread. Run alone: `npm run bench -- --suite client`.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { createClient, type SectionSyncClient } from '@section-sync/client';
import { Pool } from 'undici';
import { type BenchResult, type BenchSuite, median, rowsOf, type SuiteOptions } from './measure.js';

const SIZES = [10, 100];
const IN_FLIGHT = 16;
const CONNECTIONS = 16;

/**
 * A plain Fastify route answering a fixed, WriteResult-shaped sync body (`postId` sections) with
 * an ETag. Fixed on purpose: a database behind it would add the same time to both variants and
 * hide the client's share. Sent as a prebuilt string so serialization costs nothing either way.
 */
const SERVER = `
import Fastify from 'fastify';
const body = (n) => JSON.stringify({
  status: 'success', postId: n, version: 7, dryRun: false, direction: 'both',
  message: 'Sections synchronized successfully',
  changes: { created: 0, updated: 0, moved: 0, deleted: 0, unchanged: n },
  sections: Array.from({ length: n }, (_, i) => ({
    id: 1000 + i, order: i + 1, heading: 'Section heading number ' + (i + 1),
    description: 'What this section covers, in a sentence or two.', status: 'draft',
    updatedAt: '2025-01-01T00:00:00.000Z',
  })),
});
const bodies = new Map(${JSON.stringify(SIZES)}.map((n) => [n, body(n)]));
const app = Fastify({ logger: false });
app.post('/api/workflow/posts/:postId/sync-sections', async (request, reply) => {
  const text = bodies.get(Number(request.params.postId));
  return reply.header('etag', '"7"').type('application/json; charset=utf-8').send(text);
});
await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(String(app.server.address().port) + '\\n');
`;

type Call = (postId: number) => Promise<unknown>;

/** SDK against a hand-written undici call (its floor), same server, same run. */
export async function runClientBench(options: SuiteOptions): Promise<BenchResult[]> {
  const { server, origin } = await startServer();
  const pool = new Pool(origin, {
    connections: CONNECTIONS,
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });
  const client = createClient({ baseUrl: origin, connections: CONNECTIONS });
  try {
    const raw: Call = (postId) => rawSync(pool, postId);
    const sdk: Call = (postId) => sdkSync(client, postId);
    const results: BenchResult[] = [];
    for (const size of SIZES) {
      for (const inFlight of [1, IN_FLIGHT]) {
        const [rawMs, sdkMs] = await compare([raw, sdk], size, inFlight, options);
        const benchmark = `client POST sync-sections, ${inFlight} in flight`;
        results.push(
          ...rowsOf(benchmark, size, [
            { variant: 'floor: hand-written undici request', medianMs: rawMs!, floor: true },
            { variant: 'ours: SDK syncSections', medianMs: sdkMs! },
          ]),
        );
      }
    }
    return results;
  } finally {
    await client.close();
    await pool.close();
    server.kill();
  }
}

/** The suite for `run.ts`. */
export const clientSuite: BenchSuite = { name: 'client', run: runClientBench };

/** What a careful hand-written call does: send, check the status, parse, read the ETag. */
async function rawSync(pool: Pool, postId: number): Promise<unknown> {
  const { statusCode, headers, body } = await pool.request({
    path: `/api/workflow/posts/${postId}/sync-sections`,
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ direction: 'both' }),
  });
  const result = (await body.json()) as { version: number };
  if (statusCode !== 200) throw new Error(`HTTP ${statusCode}`);
  return { ...result, etag: headers.etag };
}

function sdkSync(client: SectionSyncClient, postId: number): Promise<unknown> {
  return client.syncSections(postId, { direction: 'both' });
}

/**
 * Median time per call of each variant. Rounds alternate the variants (and which goes first) so
 * drift in the machine's speed falls on both alike; with `inFlight` > 1 the time per call is the
 * round's wall time over its calls (throughput), as a service fanning out would see it.
 */
async function compare(
  variants: Call[],
  size: number,
  inFlight: number,
  options: SuiteOptions,
): Promise<number[]> {
  const rounds = options.quick ? 8 : 40;
  const callsPerRound = options.quick ? 100 : 400;
  for (const call of variants) await run(call, size, inFlight, options.quick ? 200 : 2_000);
  const samples: number[][] = variants.map(() => []);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? variants.keys() : [...variants.keys()].reverse();
    for (const index of order) {
      const started = performance.now();
      await run(variants[index]!, size, inFlight, callsPerRound);
      samples[index]!.push((performance.now() - started) / callsPerRound);
    }
  }
  return samples.map(median);
}

async function run(call: Call, postId: number, inFlight: number, calls: number): Promise<void> {
  let left = calls;
  const worker = async () => {
    while (left-- > 0) await call(postId);
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

async function startServer(): Promise<{ server: ChildProcess; origin: string }> {
  const server = spawn(process.execPath, ['--input-type=module', '-e', SERVER], {
    cwd: new URL('.', import.meta.url),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await Promise.race([
    once(server.stdout!, 'data'),
    once(server, 'exit').then(() => {
      throw new Error('the bench server exited before listening');
    }),
  ])) as [Buffer];
  return { server, origin: `http://127.0.0.1:${line.toString().trim()}` };
}

// Alone: `node --import tsx bench/client.ts [--quick]`.
if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await runClientBench({ quick: process.argv.includes('--quick') });
  console.table(rows);
}
