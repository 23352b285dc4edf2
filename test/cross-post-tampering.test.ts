// A caller allowed to write post 1 names post 2's sections and log entries in every request
// that takes ids: nothing outside post 1 changes, and refused requests change nothing at all.
import { SectionSyncApiError, type SectionSyncClient } from '@section-sync/client';
import { openPostgres } from '@section-sync/testing';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { recordFigures } from './support/figures.js';
import { installContentMarkers, SectionLedger, seedPosts } from './support/ledger.js';
import { describeWithPostgres } from './support/postgres-only.js';
import { type Service, startService } from './support/service.js';
import { postState } from './support/state.js';

const OWN = 1;
const VICTIM = 2;

describeWithPostgres('cross-post tampering', () => {
  let t: Awaited<ReturnType<typeof openPostgres>>;
  let service: Service;
  let client: SectionSyncClient;
  let victimIds: string[];
  let victimBefore: unknown;
  let attempts = 0;
  let victimChanges = 0;

  beforeAll(async () => {
    t = await openPostgres();
    await installContentMarkers(t.pool);
    await seedPosts(t.pool, new SectionLedger(), OWN, 2);
    service = await startService({ pool: t.pool });
    client = service.client({ retry: false });
    victimIds = (await client.getSections(VICTIM)).sections.map((s) => s.id);
  });
  beforeEach(async () => {
    victimBefore = await postState(t.pool, VICTIM);
  });
  afterAll(async () => {
    await recordFigures('security-cross-post', { tamperingAttempts: attempts, victimChanges });
    await service?.close();
    await t?.close();
  });

  /** Runs a tampering attempt; the victim post must come out exactly as it went in. */
  async function attempt(write: () => Promise<unknown>): Promise<unknown> {
    attempts++;
    const result = await write().catch((error: unknown) => error);
    const victimAfter = await postState(t.pool, VICTIM);
    if (JSON.stringify(victimAfter) !== JSON.stringify(victimBefore)) victimChanges++;
    expect(victimAfter).toEqual(victimBefore);
    return result;
  }

  it("a master naming another post's section ids (API, canonical JSON and array) creates new sections here", async () => {
    const master = JSON.stringify(
      victimIds.map((id, i) => ({ id, order: i + 1, heading: `Taken ${i}` })),
    );
    await attempt(() => client.setSectionHeadings(OWN, master));
    await attempt(() =>
      client.setSectionHeadings(
        OWN,
        victimIds.map((id) => ({ id, heading: `Array ${id}` })),
      ),
    );
    const own = (await client.getSections(OWN)).sections;
    expect(own.map((s) => s.id).filter((id) => victimIds.includes(id))).toEqual([]);
    expect((await client.getSyncStatus(OWN)).status).toBe('OK');
  });

  it("a master naming another post's ids written with plain SQL leaves that post alone", async () => {
    const master = JSON.stringify(victimIds.map((id) => ({ id, heading: `SQL ${id}` })));
    await attempt(() =>
      t.pool.query('UPDATE post_development SET section_headings = $1 WHERE post_id = $2', [
        master,
        OWN,
      ]),
    );
  });

  it("reorder, edit and delete with another post's section ids are refused and change nothing", async () => {
    const own = (await client.getSections(OWN)).sections.map((s) => s.id);
    const ownBefore = await postState(t.pool, OWN);
    const refusals = [
      await attempt(() => client.reorderSections(OWN, [...own.slice(1), victimIds[0]!])),
      await attempt(() => client.reorderSections(OWN, [...own, victimIds[0]!])),
      await attempt(() =>
        client.updateSection(OWN, victimIds[0]!, { heading: 'Hijacked', description: 'x' }),
      ),
      await attempt(() => client.deleteSection(OWN, victimIds[1]!)),
    ];
    expect(
      refusals.map((e) => [(e as SectionSyncApiError).status, (e as SectionSyncApiError).code]),
    ).toEqual([
      [400, 'invalid_reorder'],
      [400, 'invalid_reorder'],
      [404, 'section_not_found'],
      [404, 'section_not_found'],
    ]);
    expect(await postState(t.pool, OWN)).toEqual(ownBefore);
  });

  it("rolling back another post's log entry through this post is refused and changes nothing", async () => {
    const { entries } = await client.getSyncLog(VICTIM);
    expect(entries.length).toBeGreaterThan(0);
    const ownBefore = await postState(t.pool, OWN);
    const error = await attempt(() => client.rollback(OWN, entries[0]!.id));
    expect(error).toBeInstanceOf(SectionSyncApiError);
    expect(error).toMatchObject({ status: 404, code: 'log_entry_not_found' });
    expect(await postState(t.pool, OWN)).toEqual(ownBefore);
  });
});
