import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { DataDirLockedError, fromPGlite, lockDataDir } from '@section-sync/postgres';
import type { OpenedDatabase } from './context.js';

/**
 * Opens a PGlite data directory for one CLI command, holding its lock (`lockDataDir`, the same
 * one the demo server takes) while the command runs: while a server has the directory open the
 * CLI refuses, naming the server's pid (and address), instead of reading stale pages and losing
 * its repairs. `onLocked` turns the refusal into the CLI's own error (exit code 3).
 */
export async function openPGliteDir(
  dir: string,
  command: string,
  onLocked: (message: string) => Error,
): Promise<OpenedDatabase> {
  if (command === 'migrate') mkdirSync(dir, { recursive: true });
  let lock: ReturnType<typeof lockDataDir>;
  try {
    lock = lockDataDir(dir, `the section-sync CLI (${command})`);
  } catch (error) {
    if (error instanceof DataDirLockedError) {
      throw onLocked(
        `${error.message} The CLI works on a PGlite directory only while no other process has it open.`,
      );
    }
    throw error;
  }
  try {
    const pglite = await PGlite.create(dir);
    return {
      db: fromPGlite(pglite),
      close: async () => {
        try {
          await pglite.close();
        } finally {
          lock.release();
        }
      },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}
