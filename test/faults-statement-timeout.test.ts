// A statement that runs into statement_timeout (here: waiting on a post another session holds)
// is rolled back whole: the API answers 503 with Retry-After, nothing changed, and the SDK's
// retries get through once the blocker goes.
import { SectionSyncApiError } from '@section-sync/client';
import { openPostgres } from '@section-sync/testing';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { recordFigures } from './support/figures.js';
import { checkInvariants, problems } from './support/invariants.js';
import { installContentMarkers, SectionLedger, seedPosts } from './support/ledger.js';
import { describeWithPostgres } from './support/postgres-only.js';
import { type Service, startService } from './support/service.js';
import { postState, waitUntil } from './support/state.js';

describeWithPostgres('statement timeout', () => {
  let t: Awaited<ReturnType<typeof openPostgres>>;
  let pool: pg.Pool;
  let service: Service;
  const ledger = new SectionLedger();
  const figures = { statementTimeouts: 0, retriedToSuccess: 0 };

  beforeAll(async () => {
    t = await openPostgres();
    await installContentMarkers(t.pool);
    await seedPosts(t.pool, ledger, 1, 2);
    // The service's own pool: every statement it runs may take at most 300 ms.
    pool = new pg.Pool({ connectionString: t.connectionString, max: 4, statement_timeout: 300 });
    pool.on('error', () => {});
    service = await startService({ pool });
  });
  afterAll(async () => {
    await recordFigures('faults-statement-timeout', figures);
    await service?.close();
    await pool?.end();
    await t?.close();
  });

  /** Holds post `postId`'s lock (its post_development row) in another session until released. */
  async function holdPost(postId: number): Promise<{ release(): Promise<void> }> {
    const blocker = await t.pool.connect();
    await blocker.query('BEGIN');
    await blocker.query('SELECT 1 FROM post_development WHERE post_id = $1 FOR UPDATE', [postId]);
    return {
      release: async () => {
        await blocker.query('COMMIT');
        blocker.release();
      },
    };
  }

  it('answers 503 with Retry-After and changes nothing', async () => {
    const before = await postState(t.pool, 1);
    const blocker = await holdPost(1);
    const error = await service
      .client({ retry: false })
      .setSectionHeadings(1, '1. Anchor 1\n2. Timed out')
      .catch((e: unknown) => e);
    await blocker.release();
    figures.statementTimeouts++;
    expect(error).toBeInstanceOf(SectionSyncApiError);
    expect(error).toMatchObject({ status: 503, code: 'database_unavailable' });
    expect((error as SectionSyncApiError).headers?.['retry-after']).toBeDefined();
    expect(await postState(t.pool, 1)).toEqual(before);
  });

  it("the SDK's retries succeed once the blocking session is gone", async () => {
    const blocker = await holdPost(2);
    const client = service.client({ retry: { limit: 10, initialDelay: 50, maxDelay: 200 } });
    const timeoutsBefore = service.statuses.get(503) ?? 0;
    const write = client.setSectionHeadings(2, '1. Anchor 2\n2. After the wait');
    // Let at least one attempt time out, then let the post go.
    await waitUntil(() => (service.statuses.get(503) ?? 0) > timeoutsBefore);
    figures.statementTimeouts += (service.statuses.get(503) ?? 0) - timeoutsBefore;
    await blocker.release();
    const result = await write;
    figures.retriedToSuccess++;
    expect(result.sections.map((s) => s.heading)).toEqual(['Anchor 2', 'After the wait']);
    expect(problems(await checkInvariants(t.pool, ledger))).toEqual([]);
    expect(service.count(500, 503) + service.count(504, 600)).toBe(0);
  });
});
