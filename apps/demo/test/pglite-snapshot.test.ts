import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fromPGlite, migrate } from '@section-sync/postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFromSnapshot, writeSnapshot } from '../src/pglite-snapshot.js';

describe('the PGlite snapshot the demo starts from', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'demo-snapshot-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('is migrated already: the migration run at start-up finds nothing to apply', async () => {
    const file = pathToFileURL(join(dir, 'snapshot.tgz'));
    await writeSnapshot(file);
    const pglite = await openFromSnapshot(file);
    try {
      const { applied } = await migrate(fromPGlite(pglite));
      expect(applied).toEqual([]);
      const { rows } = await pglite.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM post_development',
      );
      expect(rows[0]!.n).toBe(0);
    } finally {
      await pglite.close();
    }
  });

  it('without a snapshot, starts from an empty database that the migrations fill', async () => {
    const pglite = await openFromSnapshot(pathToFileURL(join(dir, 'missing.tgz')));
    try {
      const { applied } = await migrate(fromPGlite(pglite));
      expect(applied.length).toBeGreaterThan(0);
    } finally {
      await pglite.close();
    }
  });
});
