import { readFile, writeFile } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { fromPGlite, migrate } from '@section-sync/postgres';

/**
 * The migrated, empty database the build leaves beside the compiled demo (`dist/`): a
 * `dumpDataDir` tarball. Starting from it skips initdb and the migrations (~0.4 s instead of
 * several seconds); nothing is downloaded, at install or at run time.
 */
export const SNAPSHOT_FILE = new URL('./pglite-snapshot.tgz', import.meta.url);

/** Writes the snapshot (the demo's build runs this once, after compiling). */
export async function writeSnapshot(file: URL = SNAPSHOT_FILE): Promise<void> {
  const pglite = await PGlite.create();
  try {
    await migrate(fromPGlite(pglite));
    const dump = await pglite.dumpDataDir('gzip');
    await writeFile(file, Buffer.from(await dump.arrayBuffer()));
  } finally {
    await pglite.close();
  }
}

/**
 * An in-memory PGlite loaded from the snapshot, or a new one when there is none (a build
 * without it, or a snapshot this PGlite cannot read). The caller still runs `migrate`: it finds
 * everything applied, or applies what a newer build added.
 *
 * @example
 * const pglite = await openFromSnapshot();
 */
export async function openFromSnapshot(file: URL = SNAPSHOT_FILE): Promise<PGlite> {
  let snapshot: Buffer;
  try {
    snapshot = await readFile(file);
  } catch {
    return PGlite.create();
  }
  try {
    return await PGlite.create({ loadDataDir: new Blob([snapshot]) });
  } catch {
    return PGlite.create();
  }
}
