import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { fromPGlite, migrate } from '@section-sync/postgres';
import { migrationsFingerprint } from './fingerprint.js';
import type { OpenOptions, TestDatabase } from './types.js';

const TEMPLATE_DIR = join(tmpdir(), 'section-sync-test-templates');

// A new in-memory PGlite costs ~2 s (initdb); loading a dumped data directory ~0.5 s. Build each
// template once per machine (keyed by the migrations) and load it for every test file.
async function template(migrated: boolean): Promise<Blob> {
  const key = migrated ? await migrationsFingerprint() : 'empty';
  const file = join(TEMPLATE_DIR, `pglite-${key}.tgz`);
  try {
    return new Blob([await readFile(file)]);
  } catch {
    const pg = await PGlite.create();
    if (migrated) await migrate(fromPGlite(pg));
    const dump = await pg.dumpDataDir('gzip');
    await pg.close();
    const bytes = Buffer.from(await dump.arrayBuffer());
    await mkdir(TEMPLATE_DIR, { recursive: true });
    const partial = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(partial, bytes);
    await rename(partial, file);
    return new Blob([bytes]);
  }
}

/** A fresh in-memory PGlite, migrated unless `{ migrate: false }`. */
export async function openPGlite(
  options: OpenOptions = {},
): Promise<TestDatabase & { pglite: PGlite }> {
  const pglite = await PGlite.create({ loadDataDir: await template(options.migrate !== false) });
  return {
    backend: 'pglite',
    db: fromPGlite(pglite),
    pglite,
    close: () => pglite.close(),
  };
}
