import { createHash } from 'node:crypto';
import { loadFunctionFiles, loadMigrations } from '@section-sync/postgres';

/** Changes whenever a migration or function file changes, so cached templates never go stale. */
export async function migrationsFingerprint(): Promise<string> {
  const hash = createHash('sha256');
  for (const m of [...(await loadMigrations()), ...(await loadFunctionFiles())])
    hash.update(`${m.name}:${m.checksum}\n`);
  return hash.digest('hex').slice(0, 16);
}
