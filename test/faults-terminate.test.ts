// Connections killed with pg_terminate_backend in the middle of syncs: a cut write is either
// wholly applied or not at all, the API answers 503 (never 500), the SDK's retries carry the
// load through, and the consistency check finds nothing wrong afterwards.
import { parse } from '@section-sync/core';
import { openPostgres } from '@section-sync/testing';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { recordFigures } from './support/figures.js';
import { checkInvariants, problems, sampleInvariants } from './support/invariants.js';
import { installContentMarkers, SectionLedger, seedPosts } from './support/ledger.js';
import {
  type LoadTarget,
  newTally,
  runSdkWorker,
  seedLogIds,
  totalOperations,
} from './support/load.js';
import { describeWithPostgres } from './support/postgres-only.js';
import { randomSource, testSeed } from './support/seed.js';
import { type Service, startService } from './support/service.js';
import { headingsOf } from './support/state.js';

const VICTIM = 'section-sync-under-test';

/**
 * Kills the service's busy backends: its pool's connections of this database only (other
 * suites share the server; the test's own checking connections stay).
 */
async function terminateActive(admin: pg.Pool, database: string, most = 100): Promise<number> {
  const { rows } = await admin.query<{ killed: boolean }>(
    `SELECT pg_terminate_backend(pid) AS killed FROM (
       SELECT pid FROM pg_stat_activity
       WHERE datname = $1 AND application_name = $2 AND state = 'active'
       ORDER BY random() LIMIT $3) victims`,
    [database, VICTIM, most],
  );
  return rows.filter((r) => r.killed).length;
}

describeWithPostgres('connections killed during syncs (pg_terminate_backend)', () => {
  let t: Awaited<ReturnType<typeof openPostgres>>;
  let admin: pg.Pool;
  let servicePool: pg.Pool;
  let database: string;
  let service: Service;
  const ledger = new SectionLedger();
  let target: LoadTarget;
  const figures = {
    cutWrites: 0,
    cutWritesAnswered503: 0,
    backendsKilledUnderLoad: 0,
    loadOperations: 0,
    http503: 0,
    http500: 0,
  };

  beforeAll(async () => {
    t = await openPostgres();
    database = new URL(t.connectionString).pathname.slice(1);
    admin = new pg.Pool({ connectionString: t.connectionString, max: 2 });
    await installContentMarkers(t.pool);
    target = { postIds: await seedPosts(t.pool, ledger, 1, 8), seedLogIds: new Map() };
    target.seedLogIds = await seedLogIds(t.pool);
    servicePool = new pg.Pool({ connectionString: t.connectionString, application_name: VICTIM });
    servicePool.on('error', () => {}); // idle connections killed on purpose
    service = await startService({ pool: servicePool });
  });
  afterAll(async () => {
    figures.http503 = service?.statuses.get(503) ?? 0;
    figures.http500 = service?.count(500, 503) + service?.count(504, 600);
    await recordFigures('faults-terminate', figures);
    await service?.close();
    await servicePool?.end();
    await admin?.end();
    await t?.close();
  });

  it('a big master write cut at a random moment is applied whole or not at all', async () => {
    const random = randomSource(testSeed('faults-terminate', 4242));
    const client = service.client({ retry: false });
    // Two 300-section masters that differ in most headings: a half-applied write would show.
    const masters = [0, 1].map((v) =>
      [
        '1. Anchor 1',
        ...Array.from({ length: 299 }, (_, i) => `${i + 2}. Part ${(i * 7 + v * 13) % 301}`),
      ].join('\n'),
    );
    for (let round = 0; round < 24; round++) {
      const before = await headingsOf(t.pool, 1);
      const text = masters[round % 2]!;
      const write = client.setSectionHeadings(1, text).then(
        () => 200,
        (error: { status?: number }) => error.status ?? -1,
      );
      await new Promise((resolve) => setTimeout(resolve, random.int(40)));
      const killed = await terminateActive(admin, database);
      const status = await write;
      figures.cutWrites += killed > 0 ? 1 : 0;
      const after = await headingsOf(t.pool, 1);
      const written = parse(text).map((item) => item.heading);
      if (status === 200) expect(after).toEqual(written);
      else {
        expect(status).toBe(503);
        figures.cutWritesAnswered503++;
        // A kill after COMMIT but before the answer may leave the write applied.
        expect([before, written]).toContainEqual(after);
      }
    }
    expect(figures.cutWritesAnswered503, 'some writes were really cut').toBeGreaterThan(0);
    expect(problems(await checkInvariants(t.pool, ledger))).toEqual([]);
  });

  it("under load, with a busy backend killed every 250 ms, the SDK's retries get every operation through", async () => {
    const seed = testSeed('faults-terminate load', 4343);
    const tally = newTally();
    const sampler = sampleInvariants(admin, ledger, 500);
    let running = true;
    const killer = (async () => {
      while (running) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        figures.backendsKilledUnderLoad += await terminateActive(admin, database, 1);
      }
    })();
    // The SDK retries a 503 for every method (the write did not commit), after Retry-After
    // (1 s); a victim may be hit again on its retry, so allow more than the default two.
    const retry = { limit: 15 };
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        runSdkWorker(service.client({ retry }), target, randomSource(seed + i), 40, tally),
      ),
    );
    running = false;
    await killer;
    const samples = await sampler.stop();
    figures.loadOperations = totalOperations(tally);

    expect(figures.backendsKilledUnderLoad).toBeGreaterThan(0);
    expect(tally.unexpected).toEqual([]);
    expect(service.count(500, 503) + service.count(504, 600)).toBe(0);
    expect(samples.flatMap(problems)).toEqual([]);
    expect(problems(await checkInvariants(admin, ledger))).toEqual([]);
    const inconsistent = [];
    for await (const post of service.client().listSyncStatus({ inconsistent: true }))
      inconsistent.push(post);
    expect(inconsistent).toEqual([]);
  });
});
