import { execFile } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/**
 * A throwaway PostgreSQL cluster of our own (initdb + pg_ctl in a temp directory, trust auth, on
 * a free port of 127.0.0.1), so a test can stop and start a server without touching the shared
 * one. As root, the server runs as the `postgres` OS user.
 */
export interface PrivateCluster {
  /** `postgres://root@127.0.0.1:<port>/postgres` */
  url: string;
  /** `-m fast` (clean shutdown, sessions ended) or `-m immediate` (a crash, recovery at start). */
  stop(mode: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and deletes its directory. */
  destroy(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Whether this machine can run a private cluster (the binaries are there). */
export async function canRunPrivateCluster(): Promise<boolean> {
  try {
    await run(join(BIN, 'pg_ctl'), ['--version']);
    return true;
  } catch {
    return false;
  }
}

export async function startPrivateCluster(): Promise<PrivateCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'section-sync-pg-'));
  const data = join(dir, 'data');
  const asRoot = userInfo().uid === 0;
  if (asRoot) await chown(dir, ...(await postgresIds()));
  // initdb and the server refuse to run as root.
  const pgRun = (command: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', join(BIN, command), ...args])
      : run(join(BIN, command), args);
  const port = await freePort();
  const superuser = asRoot ? 'root' : userInfo().username;
  await pgRun('initdb', ['-D', data, '-A', 'trust', '-U', superuser, '-E', 'UTF8', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`;
  const start = async () => {
    await pgRun('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
  };
  const stop = async (mode: 'fast' | 'immediate') => {
    await pgRun('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']);
  };
  await start();
  return {
    url: `postgres://${superuser}@127.0.0.1:${port}/postgres`,
    start,
    stop,
    destroy: async () => {
      await stop('immediate').catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function postgresIds(): Promise<[number, number]> {
  const { stdout } = await run('id', ['-u', 'postgres']);
  const { stdout: gid } = await run('id', ['-g', 'postgres']);
  return [Number(stdout.trim()), Number(gid.trim())];
}
