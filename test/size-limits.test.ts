// Size limits over real HTTP with the SDK: a body over 1 MiB is a 413 before any work, a field
// or section count over its limit a 422 naming it; nothing is cut, nothing is written.
import { SectionSyncApiError, type SectionSyncClient } from '@section-sync/client';
import { openPostgres } from '@section-sync/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { recordFigures } from './support/figures.js';
import { installContentMarkers, SectionLedger, seedPosts } from './support/ledger.js';
import { describeWithPostgres } from './support/postgres-only.js';
import { type Service, startService } from './support/service.js';
import { postState } from './support/state.js';

const POST = 1;

describeWithPostgres('body and field size limits over HTTP', () => {
  let t: Awaited<ReturnType<typeof openPostgres>>;
  let service: Service;
  let client: SectionSyncClient;
  let anchorId: string;
  const refused: Record<string, number> = {};

  beforeAll(async () => {
    t = await openPostgres();
    await installContentMarkers(t.pool);
    await seedPosts(t.pool, new SectionLedger(), POST, 1);
    service = await startService({ pool: t.pool });
    client = service.client({ retry: false });
    anchorId = (await client.getSections(POST)).sections[0]!.id;
  });
  afterAll(async () => {
    await recordFigures('security-size-limits', { refused });
    await service?.close();
    await t?.close();
  });

  it.each([
    [
      'a master body over 1 MiB',
      413,
      'body_too_large',
      () => client.setSectionHeadings(POST, `1. ${'x'.repeat(1_100_000)}`),
    ],
    [
      '501 sections',
      422,
      'too_many_sections',
      () =>
        client.setSectionHeadings(
          POST,
          Array.from({ length: 501 }, (_, i) => `S${i}`),
        ),
    ],
    [
      'a 1,001-character heading in a master',
      422,
      'heading_too_long',
      () => client.setSectionHeadings(POST, `# ${'h'.repeat(1001)}`),
    ],
    [
      'a 1,001-character heading',
      422,
      'heading_too_long',
      () => client.createSection(POST, { heading: 'h'.repeat(1001) }),
    ],
    [
      'a 10,001-character description',
      422,
      'description_too_long',
      () => client.updateSection(POST, anchorId, { description: 'd'.repeat(10_001) }),
    ],
    [
      'a 101-character status',
      422,
      'status_too_long',
      () => client.updateSection(POST, anchorId, { status: 's'.repeat(101) }),
    ],
    [
      '1,001 posts in one bulk sync',
      400,
      'invalid_bulk_target',
      () => client.bulkSync({ postIds: Array.from({ length: 1001 }, (_, i) => i + 1) }),
    ],
  ] as const)('%s: %i %s, nothing written', async (_what, status, code, write) => {
    const before = await postState(t.pool, POST);
    const error = await write().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SectionSyncApiError);
    expect(error).toMatchObject({ status, code });
    expect(await postState(t.pool, POST)).toEqual(before);
    refused[`${status} ${code}`] = (refused[`${status} ${code}`] ?? 0) + 1;
  });

  it('accepts values exactly at the limits, whole', async () => {
    const heading = 'h'.repeat(1000);
    const description = 'd'.repeat(10_000);
    const { section } = await client.createSection(POST, {
      heading,
      description,
      status: 's'.repeat(100),
    });
    expect(section).toMatchObject({ heading, description, status: 's'.repeat(100) });
  });
});
