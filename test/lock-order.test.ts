// Plain-SQL writers next to API writers and master UPDATEs on the same posts, once with the
// documented lock pattern in the row UPDATEs / DELETEs (`WHERE post_id =
// section_sync.lock_post(n) AND ...`) and once without: with it no statement deadlocks; either
// way no section is lost or duplicated and every post stays consistent. The deadlock rate
// without the pattern is measured (README "Locking").
import { expendablePool, openPostgres } from '@section-sync/testing';
import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { recordFigures } from './support/figures.js';
import { checkInvariants, problems } from './support/invariants.js';
import { installContentMarkers, SectionLedger, seedPosts } from './support/ledger.js';
import {
  type LoadTally,
  type LoadTarget,
  newTally,
  runSdkWorker,
  runSqlWriter,
  seedLogIds,
} from './support/load.js';
import { describeWithPostgres } from './support/postgres-only.js';
import { envNumber, randomSource, testSeed } from './support/seed.js';
import { type Service, startService } from './support/service.js';

const CLIENTS = 6;
const SQL_WRITERS = 6;
const POSTS = 4;
const SDK_OPERATIONS = envNumber('RELIABILITY_LOCK_OPERATIONS', 40); // per client
const SQL_STATEMENTS = envNumber('RELIABILITY_LOCK_STATEMENTS', 60); // per writer

describeWithPostgres('plain-SQL writers with and without section_sync.lock_post', () => {
  let t: Awaited<ReturnType<typeof openPostgres>>;
  let sqlPool: pg.Pool;
  let service: Service;
  const ledger = new SectionLedger();

  beforeAll(async () => {
    t = await openPostgres();
    // As in the concurrency test: a short deadlock_timeout makes the SQL writer the one that
    // detects a deadlock (and so the one aborted), so every deadlock of the run is counted here.
    sqlPool = expendablePool({
      connectionString: t.connectionString,
      max: SQL_WRITERS + 2,
      options: '-c deadlock_timeout=100ms',
    });
    await installContentMarkers(t.pool);
    service = await startService({ pool: t.pool });
  });
  afterAll(async () => {
    await service?.close();
    await sqlPool?.end();
    await t?.close();
  });

  /** One run on fresh posts: SDK clients and SQL writers (master UPDATEs among them) at once. */
  async function run(firstPostId: number, lockFirst: boolean): Promise<LoadTally> {
    const postIds = await seedPosts(t.pool, ledger, firstPostId, POSTS);
    const target: LoadTarget = { postIds, seedLogIds: await seedLogIds(t.pool) };
    const tally = newTally();
    const seed = testSeed('lock-order', 1616);
    await Promise.all([
      ...Array.from({ length: CLIENTS }, (_, i) =>
        runSdkWorker(
          service.client({ retry: false }),
          target,
          randomSource(seed + i),
          SDK_OPERATIONS,
          tally,
        ),
      ),
      ...Array.from({ length: SQL_WRITERS }, (_, i) =>
        runSqlWriter(sqlPool, target, randomSource(seed + 100 + i), SQL_STATEMENTS, tally, {
          lockFirst,
        }),
      ),
    ]);
    return tally;
  }

  const sqlStatements = (tally: LoadTally) =>
    Object.entries(tally.operations)
      .filter(([kind]) => kind.startsWith('sql:'))
      .reduce((n, [, count]) => n + count, 0);

  it('0 deadlocks with the pattern, 0 lost or duplicated sections either way', async () => {
    const withPattern = await run(1, true);
    const afterPattern = await checkInvariants(sqlPool, ledger);
    const withoutPattern = await run(101, false);
    const final = await checkInvariants(sqlPool, ledger);
    const statements = sqlStatements(withoutPattern);

    await recordFigures('lock-order', {
      sdkClients: CLIENTS,
      sqlWriters: SQL_WRITERS,
      posts: POSTS,
      sqlStatementsWithPattern: sqlStatements(withPattern),
      deadlocksWithPattern: withPattern.sqlDeadlockRetries,
      sqlStatementsWithoutPattern: statements,
      deadlocksWithoutPattern: withoutPattern.sqlDeadlockRetries,
      deadlocksWithoutPatternByKind: withoutPattern.sqlDeadlocksByKind,
      deadlockRateWithoutPattern: `${((100 * withoutPattern.sqlDeadlockRetries) / Math.max(statements, 1)).toFixed(1)}%`,
      http5xx: service.count(500, 600),
      apiBusyWithoutPattern: withoutPattern.unexpected.filter((e) => /503 database_busy/.test(e))
        .length,
      sectionsTracked: ledger.seen.size,
      sectionsLost: final.lost.length + afterPattern.lost.length,
    });

    expect(withPattern.unexpected).toEqual([]);
    expect(withPattern.sqlDeadlockRetries).toBe(0);
    expect(problems(afterPattern)).toEqual([]);
    // Without the pattern a statement may deadlock more often than the writer retries it, and
    // PostgreSQL may pick an API write as the victim more often than the store retries (503
    // database_busy with Retry-After, counted): never a 500, never a lost section.
    expect(
      withoutPattern.unexpected.filter((e) => !/deadlock detected|503 database_busy/.test(e)),
    ).toEqual([]);
    expect(problems(final)).toEqual([]);
    expect(service.count(500, 503) + service.count(504, 600)).toBe(0);
    for (const kind of ['sql:insert', 'sql:update-heading', 'sql:delete', 'sql:master']) {
      expect(withPattern.operations[kind] ?? 0, kind).toBeGreaterThan(0);
    }
  });
});
