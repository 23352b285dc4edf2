import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { type Db, fromPGlite } from '@section-sync/postgres';
import { openPGlite, openPostgres, postgresUrl } from '@section-sync/testing';

export const BIN = fileURLToPath(new URL('../../bin/section-sync.js', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export function requireBuiltCli(): void {
  if (!existsSync(BUILT)) {
    throw new Error('The CLI is not built: run `npm run build -w @section-sync/cli` first');
  }
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A fresh database the real `section-sync` bin runs against, as a child process. */
export interface CliTarget {
  name: 'pglite' | 'postgres';
  run(...args: string[]): Promise<CliResult>;
  /** Uses the database in this process (PGlite: only while no CLI runs on the directory). */
  withDb<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

function runBin(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function baseEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  return env;
}

async function pgliteTarget(migrated: boolean): Promise<CliTarget> {
  // A migrated template (cached by @section-sync/testing) copied into a data directory.
  const template = await openPGlite({ migrate: migrated });
  const dump = await template.pglite.dumpDataDir('gzip');
  await template.close();
  const dir = mkdtempSync(join(tmpdir(), 'section-sync-cli-'));
  await (await PGlite.create(dir, { loadDataDir: dump })).close();
  return {
    name: 'pglite',
    run: (...args) => runBin([...args, '--pglite', dir], baseEnv()),
    async withDb(fn) {
      const pglite = await PGlite.create(dir);
      try {
        return await fn(fromPGlite(pglite));
      } finally {
        await pglite.close();
      }
    },
    close: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function postgresTarget(migrated: boolean): Promise<CliTarget> {
  const t = await openPostgres({ migrate: migrated });
  return {
    name: 'postgres',
    run: (...args) => runBin(args, { ...baseEnv(), DATABASE_URL: t.connectionString }),
    withDb: (fn) => fn(t.db),
    close: () => t.close(),
  };
}

/** The targets of this run: PGlite always, PostgreSQL with DATABASE_URL. */
export const cliTargets: {
  name: 'pglite' | 'postgres';
  open(options?: { migrate?: boolean }): Promise<CliTarget>;
}[] = [
  { name: 'pglite', open: (o) => pgliteTarget(o?.migrate !== false) },
  ...(postgresUrl
    ? [
        {
          name: 'postgres' as const,
          open: (o?: { migrate?: boolean }) => postgresTarget(o?.migrate !== false),
        },
      ]
    : []),
];
