import { createHash } from 'node:crypto';
import { loadMigrations } from '@section-sync/postgres';

/** Changes whenever a migration file changes, so cached templates never go stale. */
export async function migrationsFingerprint(): Promise<string> {
  const hash = createHash('sha256');
  for (const m of await loadMigrations()) hash.update(`${m.name}:${m.checksum}\n`);
  return hash.digest('hex').slice(0, 16);
}
