// PostgreSQL stopped and started again under load (a private throwaway cluster: the shared
// server is never touched). While it is away the API answers 503 with Retry-After; the SDK's
// retries succeed once it is back; nothing half-written is ever visible; everything is
// consistent afterwards. Once with a clean shutdown, once with a crash (immediate mode).
import { SectionSyncApiError } from '@section-sync/client';
import { fromPg, migrate } from '@section-sync/postgres';
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
import {
  canRunPrivateCluster,
  type PrivateCluster,
  startPrivateCluster,
} from './support/private-cluster.js';
import { randomSource, testSeed } from './support/seed.js';
import { type Service, startService } from './support/service.js';
import { waitUntil } from './support/state.js';

const CLIENTS = 8;
const OPERATIONS_PER_CLIENT = 60;

// Needs PostgreSQL's binaries (initdb, pg_ctl) too: CI's machine has them next to its server.
const binaries = await canRunPrivateCluster();

describeWithPostgres(
  'PostgreSQL restarted under load (private cluster)',
  () => {
    let cluster: PrivateCluster;
    let pool: pg.Pool;
    let service: Service;
    const ledger = new SectionLedger();
    let target: LoadTarget;
    const figures = {
      restarts: 0,
      crashes: 0,
      probesAnswered503WhileDown: 0,
      loadOperations: 0,
      http503: 0,
      http500: 0,
    };

    beforeAll(async () => {
      cluster = await startPrivateCluster();
      pool = new pg.Pool({ connectionString: cluster.url, max: 12, connectionTimeoutMillis: 2000 });
      pool.on('error', () => {}); // idle connections dropped by the restarts
      await migrate(fromPg(pool));
      await installContentMarkers(pool);
      target = { postIds: await seedPosts(pool, ledger, 1, 10), seedLogIds: new Map() };
      target.seedLogIds = await seedLogIds(pool);
      service = await startService({ pool });
    });
    afterAll(async () => {
      figures.http503 = service?.statuses.get(503) ?? 0;
      figures.http500 = (service?.count(500, 503) ?? 0) + (service?.count(504, 600) ?? 0);
      await recordFigures('faults-restart', figures);
      await service?.close();
      await pool?.end();
      await cluster?.destroy();
    });

    it('answers 503 while the database is away, and every operation of the load succeeds after', async () => {
      const seed = testSeed('faults-restart', 5150);
      const tally = newTally();
      const sampler = sampleInvariants(pool, ledger, 300, { whileDown: true });
      const probe = service.client({ retry: false });
      // Long enough to ride over a restart: Retry-After says 1 s, the server is back in ~1-2 s.
      const retry = { limit: 30, maxElapsed: 60_000 };
      const load = Promise.all(
        Array.from({ length: CLIENTS }, (_, i) =>
          runSdkWorker(
            service.client({ retry }),
            target,
            randomSource(seed + i),
            OPERATIONS_PER_CLIENT,
            tally,
          ),
        ),
      );
      const total = CLIENTS * OPERATIONS_PER_CLIENT;
      for (const [at, mode] of [
        [0.3, 'fast'],
        [0.6, 'immediate'],
      ] as const) {
        await waitUntil(() => totalOperations(tally) >= total * at);
        await cluster.stop(mode);
        if (mode === 'fast') figures.restarts++;
        else figures.crashes++;
        // While it is away: a 503 with Retry-After, never a 500 or a hang.
        const error = await probe.getSections(target.postIds[0]!).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(SectionSyncApiError);
        expect(error).toMatchObject({ status: 503, code: 'database_unavailable' });
        expect((error as SectionSyncApiError).headers?.['retry-after']).toBe('1');
        figures.probesAnswered503WhileDown++;
        await new Promise((resolve) => setTimeout(resolve, 1000));
        await cluster.start();
      }
      await load;
      const samples = await sampler.stop();
      figures.loadOperations = totalOperations(tally);

      expect(tally.unexpected).toEqual([]);
      expect(figures.loadOperations).toBe(total);
      expect(service.count(500, 503) + service.count(504, 600)).toBe(0);
      expect(samples.length).toBeGreaterThan(0);
      expect(samples.flatMap(problems)).toEqual([]);
      expect(problems(await checkInvariants(pool, ledger))).toEqual([]);
      const inconsistent = [];
      for await (const post of probe.listSyncStatus({ inconsistent: true }))
        inconsistent.push(post);
      expect(inconsistent).toEqual([]);
    });
  },
  binaries ? undefined : 'initdb / pg_ctl not found (set PG_BIN to their directory)',
);
