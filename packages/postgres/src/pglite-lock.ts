import { closeSync, openSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * The lock file in a PGlite data directory. PGlite is one Postgres in one process: a second
 * process opening the same directory sees stale pages and its writes can be lost, so whoever
 * opens a data directory takes this file first (the demo server, the CLI).
 */
export const PGLITE_LOCK_FILE = 'section-sync.lock';

/** Who holds a data directory, as written in its lock file. */
export interface DataDirOwner {
  pid: number;
  hostname: string;
  /** What holds it: "section-sync demo server", "section-sync CLI (repair)". */
  purpose: string;
  startedAt: string;
  /** Where the holder answers HTTP, when it is a server (for `--url`). */
  url?: string;
}

/** The data directory is held by another live process. */
export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';
  readonly code = 'data_dir_locked';
  constructor(
    readonly dataDir: string,
    readonly owner: DataDirOwner,
  ) {
    super(
      `The PGlite data directory ${dataDir} is in use by ${owner.purpose}, pid ${owner.pid}` +
        `${owner.url ? ` (serving ${owner.url})` : ''}, since ${owner.startedAt}. ` +
        'Two processes on one PGlite directory lose writes: stop that process first' +
        `${owner.url ? `, or work through its API at ${owner.url}` : ''}.`,
    );
  }
}

/** A held lock: `update` adds what others should know (the server's URL), `release` lets go. */
export interface DataDirLock {
  readonly path: string;
  update(fields: Partial<Pick<DataDirOwner, 'url'>>): void;
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(path: string): DataDirOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as DataDirOwner;
    return typeof owner.pid === 'number' ? owner : undefined;
  } catch {
    return undefined; // gone meanwhile, or half written by a process that died
  }
}

/**
 * Takes the lock of a PGlite data directory (which must exist) for this process, or throws
 * `DataDirLockedError` naming the live process that holds it. A lock left by a process that is
 * gone (killed, crashed) is taken over. Released on `release()` and when the process exits.
 *
 * @example
 * const lock = lockDataDir('./data', 'section-sync demo server');
 * const pglite = await PGlite.create('./data');
 * // ... on close: await pglite.close(); lock.release();
 */
export function lockDataDir(dataDir: string, purpose: string): DataDirLock {
  const path = join(dataDir, PGLITE_LOCK_FILE);
  const owner: DataDirOwner = {
    pid: process.pid,
    hostname: hostname(),
    purpose,
    startedAt: new Date().toISOString(),
  };
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      try {
        writeFileSync(fd, `${JSON.stringify(owner)}\n`);
      } finally {
        closeSync(fd);
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      const holder = readOwner(path);
      // Another machine's pid cannot be checked from here (a shared volume): never steal it.
      if (holder && (holder.hostname !== owner.hostname || isAlive(holder.pid))) {
        throw new DataDirLockedError(dataDir, holder);
      }
      unlinkSync(path); // stale: its process is gone
    }
  }

  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.off('exit', release);
    if (readOwner(path)?.pid === owner.pid) unlinkSync(path);
  };
  process.on('exit', release);
  return {
    path,
    update(fields) {
      if (!held) return;
      Object.assign(owner, fields);
      writeFileSync(path, `${JSON.stringify(owner)}\n`);
    },
    release,
  };
}
