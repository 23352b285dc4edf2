// Optimistic concurrency under contention: 16 SDK clients run read-modify-write increments of a
// counter (the anchor section's description) with If-Match, while a plain SQL writer edits other
// sections of the same posts. Every increment that was answered 200 is in the final count and
// every stale one was answered 409 and changed nothing: no update is lost.
import { ConflictError } from '@section-sync/client';
import { openPostgres } from '@section-sync/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { recordFigures } from './support/figures.js';
import {
  anchorHeading,
  installContentMarkers,
  SectionLedger,
  seedPosts,
} from './support/ledger.js';
import { newTally, runSqlWriter } from './support/load.js';
import { describeWithPostgres } from './support/postgres-only.js';
import { randomSource, testSeed } from './support/seed.js';
import { type Service, startService } from './support/service.js';

const CLIENTS = 16;
const INCREMENTS_PER_CLIENT = 20;
const POSTS = 4;

describeWithPostgres('If-Match writers under contention', () => {
  let t: Awaited<ReturnType<typeof openPostgres>>;
  let service: Service;
  let postIds: number[];

  beforeAll(async () => {
    t = await openPostgres();
    await installContentMarkers(t.pool);
    postIds = await seedPosts(t.pool, new SectionLedger(), 1, POSTS);
    service = await startService({ pool: t.pool });
  });
  afterAll(async () => {
    await service?.close();
    await t?.close();
  });

  it(`${CLIENTS} clients x ${INCREMENTS_PER_CLIENT} increments: every 200 counted, every stale write a 409`, async () => {
    const seed = testSeed('if-match', 7777);
    const applied = new Map(postIds.map((id) => [id, 0]));
    let conflicts = 0;
    const sqlTally = newTally();
    const increment = async (clientIndex: number) => {
      const client = service.client({ retry: false });
      const random = randomSource(seed + clientIndex);
      for (let done = 0; done < INCREMENTS_PER_CLIENT; ) {
        const postId = random.pick(postIds);
        const { sections, version } = await client.getSections(postId);
        const anchor = sections.find((s) => s.heading === anchorHeading(postId))!;
        const count = Number(anchor.description.replace('count:', '') || 0);
        try {
          await client.updateSection(
            postId,
            anchor.id,
            { description: `count:${count + 1}` },
            { ifMatch: version },
          );
          applied.set(postId, applied.get(postId)! + 1);
          done++;
        } catch (error) {
          if (!(error instanceof ConflictError)) throw error;
          conflicts++;
        }
      }
    };
    await Promise.all([
      ...Array.from({ length: CLIENTS }, (_, i) => increment(i)),
      // Other writers of the same posts move the version on too.
      runSqlWriter(
        t.pool,
        { postIds, seedLogIds: new Map() },
        randomSource(seed + 99),
        150,
        sqlTally,
      ),
    ]);

    const counts = await Promise.all(
      postIds.map(async (postId) => {
        const { sections } = await service.client().getSections(postId);
        const anchor = sections.find((s) => s.heading === anchorHeading(postId))!;
        return Number(anchor.description.replace('count:', '') || 0);
      }),
    );
    await recordFigures('if-match', {
      clients: CLIENTS,
      posts: POSTS,
      incrementsApplied: CLIENTS * INCREMENTS_PER_CLIENT,
      staleWritesAnswered409: conflicts,
      lostUpdates: CLIENTS * INCREMENTS_PER_CLIENT - counts.reduce((a, b) => a + b, 0),
    });
    expect(sqlTally.unexpected).toEqual([]);
    expect(counts).toEqual(postIds.map((id) => applied.get(id)));
    expect(conflicts, 'the clients really raced').toBeGreaterThan(0);
    expect(service.count(500, 600)).toBe(0);
  });
});
