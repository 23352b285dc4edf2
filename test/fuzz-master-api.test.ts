// Hostile masters through the API (PUT section-headings, the real SDK over HTTP): never a 500,
// never a partial write. Each answer is either a sync whose rows equal what the TypeScript
// core plans for the input, or a clear 4xx that changed nothing.
import { SectionSyncApiError } from '@section-sync/client';
import { openPostgres } from '@section-sync/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  comparableSections,
  existingSections,
  expectedSync,
  storableInPostgres,
} from './support/expected-sync.js';
import { recordFigures } from './support/figures.js';
import { hostileMaster } from './support/hostile-masters.js';
import { installContentMarkers, SectionLedger, seedPosts } from './support/ledger.js';
import { describeWithPostgres } from './support/postgres-only.js';
import { envNumber, testSeed } from './support/seed.js';
import { type Service, startService } from './support/service.js';
import { postState } from './support/state.js';

const RUNS = envNumber('RELIABILITY_FUZZ_RUNS', 400);
const BODY_LIMIT = 1024 * 1024;
const POST = 1;

describeWithPostgres('hostile masters through PUT section-headings', () => {
  let t: Awaited<ReturnType<typeof openPostgres>>;
  let service: Service;
  const outcomes: Record<string, number> = {};

  beforeAll(async () => {
    t = await openPostgres();
    await installContentMarkers(t.pool);
    await seedPosts(t.pool, new SectionLedger(), POST, 1);
    service = await startService({ pool: t.pool });
  });
  afterAll(async () => {
    await recordFigures('fuzz-api', {
      cases: RUNS,
      http5xx: service?.count(500, 600) ?? 0,
      outcomes,
    });
    await service?.close();
    await t?.close();
  });

  it(`${RUNS} random, broken, nested, huge, control-character and LLM-like masters: a valid sync or a 4xx that changed nothing`, async () => {
    const client = service.client({ retry: false });
    const seed = testSeed('fuzz-api', 20261129);
    await fc.assert(
      fc.asyncProperty(hostileMaster, async (master) => {
        const existing = await existingSections(t.pool, POST);
        const before = await postState(t.pool, POST);
        const expected = expectedSync(existing, master);
        const answer = await client.setSectionHeadings(POST, master).then(
          () => ({ status: 200, code: 'ok' }),
          (error: unknown) => {
            if (error instanceof SectionSyncApiError)
              return { status: error.status, code: error.code };
            throw error;
          },
        );
        const kind =
          Buffer.byteLength(JSON.stringify({ sectionHeadings: master })) > BODY_LIMIT
            ? 'body too large'
            : !storableInPostgres(master)
              ? 'unstorable'
              : expected.kind;
        outcomes[kind] = (outcomes[kind] ?? 0) + 1;

        if (kind === 'body too large' || kind === 'unstorable' || expected.kind === 'refused') {
          const code =
            kind === 'body too large'
              ? 'body_too_large'
              : kind === 'unstorable'
                ? 'control_character'
                : expected.kind === 'refused'
                  ? expected.code
                  : '';
          expect(answer).toEqual({ status: kind === 'body too large' ? 413 : 422, code });
          expect(await postState(t.pool, POST)).toEqual(before);
          return;
        }
        expect(answer.status).toBe(200);
        const after = await existingSections(t.pool, POST);
        const kept = new Set(existing.map((s) => s.id));
        if (expected.kind === 'unchanged') expect(after).toEqual(existing);
        else
          expect(comparableSections(after, kept)).toEqual(
            comparableSections(expected.sections, kept),
          );
      }),
      { seed, numRuns: RUNS, endOnFailure: true },
    );
    expect(service.count(500, 600)).toBe(0);
    // The generator must reach both kinds of answer, or the property proves little.
    expect(outcomes.synced).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
  });
});
