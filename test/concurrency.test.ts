// 16 SDK clients over real HTTP and plain-SQL writers hammer the same posts with every kind of
// write; the invariants hold on sampled snapshots during the run and at the end.
import { expendablePool, openPostgres } from '@section-sync/testing';
import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { recordFigures } from './support/figures.js';
import { checkInvariants, problems, sampleInvariants } from './support/invariants.js';
import { installContentMarkers, SectionLedger, seedPosts } from './support/ledger.js';
import {
  type LoadTarget,
  newTally,
  runSdkWorker,
  runSqlWriter,
  seedLogIds,
  totalOperations,
} from './support/load.js';
import { describeWithPostgres } from './support/postgres-only.js';
import { envNumber, randomSource, testSeed } from './support/seed.js';
import { type Service, startService } from './support/service.js';

const CLIENTS = envNumber('RELIABILITY_CLIENTS', 16);
const OPERATIONS = envNumber('RELIABILITY_OPERATIONS', 3000);
const POSTS = envNumber('RELIABILITY_POSTS', 20);
const SQL_WRITERS = 4;
const SQL_STATEMENTS = Math.round(OPERATIONS / 30); // per writer

describeWithPostgres('concurrent SDK clients and plain SQL writers on the same posts', () => {
  let t: Awaited<ReturnType<typeof openPostgres>>;
  let sqlPool: pg.Pool;
  let service: Service;
  const ledger = new SectionLedger();
  let target: LoadTarget;

  beforeAll(async () => {
    t = await openPostgres();
    // These SQL writers do not use section_sync.lock_post (test/lock-order.test.ts does): a
    // plain UPDATE/DELETE on post_section locks its row before any trigger takes the post lock,
    // the store the other way round: the two can deadlock. PostgreSQL detects it after
    // deadlock_timeout (1 s) in the backend that waited longest; this short one makes the plain
    // SQL writer the victim (it runs its statement again, counted), so API callers see none.
    sqlPool = expendablePool({
      connectionString: t.connectionString,
      max: SQL_WRITERS + 2,
      options: '-c deadlock_timeout=100ms',
    });
    await installContentMarkers(t.pool);
    const postIds = await seedPosts(t.pool, ledger, 1, POSTS);
    target = { postIds, seedLogIds: await seedLogIds(t.pool) };
    service = await startService({ pool: t.pool });
  });
  afterAll(async () => {
    await service?.close();
    await sqlPool?.end();
    await t?.close();
  });

  it(`${OPERATIONS} mixed operations of ${CLIENTS} clients and ${SQL_WRITERS} SQL writers on ${POSTS} posts: no 5xx, nothing lost, every post consistent`, async () => {
    const seed = testSeed('concurrency', 9001);
    const tally = newTally();
    const sampler = sampleInvariants(sqlPool, ledger, 1000);
    const started = Date.now();
    await Promise.all([
      ...Array.from({ length: CLIENTS }, (_, i) =>
        // No SDK retries: a 5xx or a deadlock reaching the caller must show.
        runSdkWorker(
          service.client({ retry: false }),
          target,
          randomSource(seed + i),
          Math.ceil(OPERATIONS / CLIENTS),
          tally,
        ),
      ),
      ...Array.from({ length: SQL_WRITERS }, (_, i) =>
        runSqlWriter(sqlPool, target, randomSource(seed + 100 + i), SQL_STATEMENTS, tally),
      ),
    ]);
    const seconds = (Date.now() - started) / 1000;
    const samples = await sampler.stop();
    const final = await checkInvariants(sqlPool, ledger);

    // The API's own view agrees: every post OK.
    const client = service.client();
    const inconsistent = [];
    for await (const post of client.listSyncStatus({ inconsistent: true })) inconsistent.push(post);

    const sdkOperations = totalOperations(tally) - sumSql(tally.operations);
    await recordFigures('concurrency', {
      sdkClients: CLIENTS,
      sqlWriters: SQL_WRITERS,
      posts: POSTS,
      sdkOperations,
      sqlStatements: sumSql(tally.operations),
      httpRequests: service.count(100, 600),
      http5xx: service.count(500, 600),
      expectedRefusals: tally.refused,
      unexpectedErrors: tally.unexpected.length,
      sqlDeadlocksRetried: tally.sqlDeadlockRetries,
      snapshotsChecked: samples.length + 1,
      sectionsTracked: ledger.seen.size,
      sectionsLost: final.lost.length + samples.reduce((n, s) => n + s.lost.length, 0),
      sectionsMisattributed:
        final.misattributed.length + samples.reduce((n, s) => n + s.misattributed.length, 0),
      operationsPerSecond: Math.round(totalOperations(tally) / seconds),
      operations: tally.operations,
    });

    expect(samples.length, 'snapshots were sampled during the run').toBeGreaterThan(0);
    expect(samples.flatMap(problems)).toEqual([]);
    expect(problems(final)).toEqual([]);
    expect(tally.unexpected).toEqual([]);
    expect(service.count(500, 600)).toBe(0);
    expect(sdkOperations).toBeGreaterThanOrEqual(OPERATIONS);
    expect(inconsistent).toEqual([]);
    // Every kind of operation ran: a generator bug must not hollow the test out.
    for (const kind of [
      'create',
      'delete',
      'edit',
      'reorder',
      'bulk-sync',
      'rollback',
      'sql:insert',
      'sql:delete',
    ]) {
      expect(tally.operations[kind] ?? 0, kind).toBeGreaterThan(0);
    }
  });
});

function sumSql(operations: Record<string, number>): number {
  return Object.entries(operations)
    .filter(([kind]) => kind.startsWith('sql:'))
    .reduce((n, [, count]) => n + count, 0);
}
