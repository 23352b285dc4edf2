import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';
import { fromPGlite, migrate } from '@section-sync/postgres';

/**
 * The migrated, empty database the in-memory demo starts from: a gzipped `dumpDataDir` tarball
 * in `apps/demo/dist/`, one place for the compiled demo (`dist/`) and for the sources run through
 * tsx (`src/`). The build writes it; a start that finds none (or one older than the migrations)
 * writes it for the next starts. Loading it skips initdb (~2 to 6 s); nothing is downloaded.
 */
export const SNAPSHOT_FILE = new URL('../dist/pglite-snapshot.tgz', import.meta.url);

/** A snapshot being written: the dump is taken, the gzip and the file write may still run. */
export interface SnapshotWrite {
  /** The snapshot's path. */
  file: string;
  /** Settles when the file is in place (written to a temporary name, then renamed). */
  written: Promise<void>;
}

/**
 * Saves `pglite` as the snapshot. The dump is taken before this resolves, so the caller may
 * write to the database right after (the demo seeds it); the gzip runs on libuv's thread pool
 * and the write in the background, in `written`. Call it on a database holding nothing but the
 * migrations.
 *
 * @example
 * const { applied } = await migrate(fromPGlite(pglite));
 * if (applied.length > 0) (await saveSnapshot(pglite)).written.catch(report);
 */
export async function saveSnapshot(
  pglite: PGlite,
  file: URL = SNAPSHOT_FILE,
): Promise<SnapshotWrite> {
  const tar = Buffer.from(await (await pglite.dumpDataDir('none')).arrayBuffer());
  const path = fileURLToPath(file);
  const written = (async () => {
    const compressed = await promisify(gzip)(tar);
    await mkdir(dirname(path), { recursive: true });
    // Two starts at once each write their own file; the rename makes either one whole.
    const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(temporary, compressed);
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  })();
  return { file: path, written };
}

/** Writes the snapshot from a new PGlite (the demo's build runs this once, after compiling). */
export async function writeSnapshot(file: URL = SNAPSHOT_FILE): Promise<void> {
  const pglite = await PGlite.create();
  try {
    await migrate(fromPGlite(pglite));
    await (await saveSnapshot(pglite, file)).written;
  } finally {
    await pglite.close();
  }
}

/**
 * An in-memory PGlite loaded from the snapshot, or a new one when there is none (a fresh clone,
 * or a snapshot this PGlite cannot read). The caller still runs `migrate`: it finds everything
 * applied, or applies what newer migrations added (a stale snapshot is safe, only slower).
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
    // The type spares PGlite a failed untar of the compressed bytes before it gunzips them.
    return await PGlite.create({
      loadDataDir: new Blob([snapshot], { type: 'application/gzip' }),
    });
  } catch {
    return PGlite.create();
  }
}
