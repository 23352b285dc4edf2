// Cold start, the README's way: a `git clone` of this checkout (its HEAD) in a temporary
// directory, `npm install` (the npm cache is what this machine has), then `npm start` until
// `GET /` answers 200, twice: the first start (no PGlite snapshot yet, tsx's cache empty) and the
// next ones. Not in the default run (it installs a whole workspace): `npm run bench -- --suite
// cold-start`.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  type BenchResult,
  type BenchSuite,
  rowsOf,
  type SuiteOptions,
  spreadOf,
} from './measure.js';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const START_TIMEOUT_MS = 180_000;

/** What one `npm start` took, from spawning it. */
interface StartTimes {
  /** Until `GET /` first answered 200. */
  firstPageMs: number;
  /** The server's own time to open and migrate its PGlite, the snapshot dump included (from its "database ready" line). */
  databaseMs: number;
  /** Its time to seed the sample posts, after that. */
  seedMs: number;
  /** Until the "database ready" line appeared. */
  databaseLineMs: number;
  /** Migration files the start applied (none when it loaded an up-to-date snapshot). */
  migrations: number;
  /** The start saved a snapshot for the next ones. */
  savedSnapshot: boolean;
}

/** The step times of the server's "database ready" line. */
type DatabaseMs = Partial<Record<'openMs' | 'migrateMs' | 'snapshotMs' | 'seedMs', number>>;

function run(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, _stdout, stderr) =>
      error
        ? reject(new Error(`${file} ${args.join(' ')}: ${stderr || error.message}`))
        : resolve(),
    );
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** This environment without what would change the demo or a nested npm (a DATABASE_URL, npm_*). */
function startEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) && !/^npm_config_cache$/i.test(key)) continue;
    env[key] = value;
  }
  for (const key of ['DATABASE_URL', 'DATA_DIR', 'DEMO_DIST_DIR', 'NODE_OPTIONS', 'LOG_LEVEL']) {
    delete env[key];
  }
  return { ...env, npm_config_update_notifier: 'false', LOG_FORMAT: 'json', ...extra };
}

/** Ends `npm start` and the server under it (its whole process group), waiting for its output to close. */
async function stop(child: ChildProcess, closed: Promise<unknown>): Promise<void> {
  const kill = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // the group is gone already
    }
  };
  kill('SIGTERM');
  const timer = setTimeout(() => kill('SIGKILL'), 15_000);
  await closed;
  clearTimeout(timer);
}

async function timeStart(dir: string, env: NodeJS.ProcessEnv): Promise<StartTimes> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn('npm', ['start'], {
    cwd: dir,
    env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const closed = new Promise((resolve) => child.on('close', resolve));
  const log: string[] = [];
  let database: { ms: DatabaseMs; migrations: string[]; at: number } | undefined;
  let savedSnapshot = false;
  let pending = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const lines = (pending + String(chunk)).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      log.push(line);
      if (!line.startsWith('{')) continue;
      const entry = JSON.parse(line) as DatabaseMs & { msg?: string; migrations?: string[] };
      if (entry.msg === 'database ready') {
        database = { ms: entry, migrations: entry.migrations!, at: performance.now() };
      }
      if (entry.msg?.startsWith('PGlite snapshot saved')) savedSnapshot = true;
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => log.push(String(chunk)));
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  try {
    let firstPageAt: number | undefined;
    while (firstPageAt === undefined) {
      if (exited) throw new Error(`npm start exited before serving:\n${log.join('\n')}`);
      if (performance.now() - started > START_TIMEOUT_MS) {
        throw new Error(`npm start served nothing in ${START_TIMEOUT_MS} ms:\n${log.join('\n')}`);
      }
      try {
        const response = await fetch(`http://127.0.0.1:${port}/`);
        await response.arrayBuffer();
        if (response.status === 200) firstPageAt = performance.now();
      } catch {
        // not listening yet
      }
      if (firstPageAt === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (!database) throw new Error(`no "database ready" line:\n${log.join('\n')}`);
    await stop(child, closed);
    return {
      firstPageMs: firstPageAt - started,
      databaseMs:
        (database.ms.openMs ?? 0) + (database.ms.migrateMs ?? 0) + (database.ms.snapshotMs ?? 0),
      seedMs: database.ms.seedMs ?? 0,
      databaseLineMs: database.at - started,
      migrations: database.migrations.length,
      // Known once the server has closed: it waits for the snapshot write before exiting.
      savedSnapshot,
    };
  } finally {
    if (!exited) await stop(child, closed);
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function describeStart(times: StartTimes): string {
  const from =
    times.migrations > 0 ? `initdb + ${times.migrations} migration files` : 'the snapshot';
  return `PGlite from ${from}${times.savedSnapshot ? ', dumped for the next starts' : ''}; seed ${seconds(times.seedMs)} more; "database ready" ${seconds(times.databaseLineMs)} after spawn`;
}

export async function runColdStartBench(options: SuiteOptions): Promise<BenchResult[]> {
  const work = await mkdtemp(join(tmpdir(), 'section-sync-cold-start-'));
  try {
    const dir = join(work, 'clone');
    // tsx caches what it compiled in the OS temporary directory: a fresh machine has none.
    const temporary = join(work, 'tmp');
    await mkdir(temporary);
    const env = startEnv({ TMPDIR: temporary });
    await run('git', ['clone', '--quiet', REPO_ROOT, dir], work, env);

    const installStarted = performance.now();
    await run('npm', ['install', '--no-audit', '--no-fund'], dir, env);
    const installMs = performance.now() - installStarted;

    const first = await timeStart(dir, env);
    const later: StartTimes[] = [];
    for (let i = 0; i < (options.quick ? 1 : 3); i++) later.push(await timeStart(dir, env));
    const page = spreadOf(later.map((t) => t.firstPageMs));
    const database = spreadOf(later.map((t) => t.databaseMs));
    const samples = later.length === 1 ? 'one start' : `median of ${later.length} starts`;
    return [
      ...rowsOf('cold start: first start', 1, [
        { variant: 'npm install', medianMs: installMs, note: 'fresh clone, warm npm cache' },
        {
          variant: 'npm start -> first page',
          medianMs: first.firstPageMs,
          note: 'GET / answers 200',
        },
        {
          variant: 'PGlite ready',
          medianMs: first.databaseMs,
          note: `open + migrate, the server's own time; ${describeStart(first)}`,
        },
        {
          variant: 'total: install + first page',
          medianMs: installMs + first.firstPageMs,
          note: 'goal < 30 s',
        },
      ]),
      ...rowsOf('cold start: next starts', later.length, [
        {
          variant: 'npm start -> first page',
          medianMs: page.medianMs,
          ...(later.length > 1 ? { iqrMs: page.iqrMs } : {}),
          note: samples,
        },
        {
          variant: 'PGlite ready',
          medianMs: database.medianMs,
          ...(later.length > 1 ? { iqrMs: database.iqrMs } : {}),
          note: `${samples}; goal < 2 s; ${describeStart(later[0]!)}`,
        },
      ]),
    ];
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export const coldStartSuite: BenchSuite = { name: 'cold-start', run: runColdStartBench };
