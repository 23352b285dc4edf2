import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanNpmEnv, REPO_ROOT } from './support/packed.js';

// The README's `npm start`, for real: the demo from its TypeScript sources (tsx), no build. Its
// page bundle and PGlite snapshot go to a temporary DEMO_DIST_DIR, so the built demo in
// apps/demo/dist (other tests serve it) is neither used nor touched, and this start is a first
// one: no snapshot, initdb and every migration.

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

interface LogLine {
  pid?: number;
  msg?: string;
  migrations?: string[];
}

describe('npm start at the root, from source', () => {
  let dist: string;
  let base: string;
  let npm: ChildProcess;
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  const output: string[] = [];
  const log = (): LogLine[] =>
    output
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogLine);

  beforeAll(async () => {
    dist = await mkdtemp(join(tmpdir(), 'section-sync-npm-start-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const env = cleanNpmEnv({
      PORT: String(port),
      HOST: '127.0.0.1',
      DEMO_DIST_DIR: dist,
      LOG_FORMAT: 'json',
    });
    delete env.DATA_DIR;
    npm = spawn('npm', ['start'], { cwd: REPO_ROOT, env, detached: true });
    npm.stdout!.on('data', (chunk) => output.push(String(chunk)));
    npm.stderr!.on('data', (chunk) => output.push(String(chunk)));
    exited = new Promise((resolve) => npm.on('exit', (code, signal) => resolve({ code, signal })));
    let running = true;
    void exited.then(() => {
      running = false;
    });
    for (;;) {
      if (!running) throw new Error(`npm start exited before serving:\n${output.join('')}`);
      try {
        const response = await fetch(`${base}/`);
        await response.arrayBuffer();
        if (response.status === 200) break;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 90_000);

  afterAll(async () => {
    if (npm?.exitCode === null && !npm.signalCode) {
      try {
        process.kill(-npm.pid!, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    await rm(dist, { recursive: true, force: true });
  });

  it('serves the page, bundled into DEMO_DIST_DIR', async () => {
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('<title>section-sync demo</title>');
    expect(html).toContain('src="/app.js"');
    const script = await fetch(`${base}/app.js`);
    expect(script.status).toBe(200);
    expect((await script.text()).length).toBeGreaterThan(1000);
    expect(existsSync(join(dist, 'web', 'index.html'))).toBe(true);
  });

  it('answers the API on a migrated, seeded PGlite (no snapshot: every migration applied)', async () => {
    const response = await fetch(`${base}/api/workflow/posts/22/sections`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      postId: number;
      sections: { id: unknown; order: number; heading: string; status: string }[];
    };
    expect(body.postId).toBe(22);
    expect(body.sections.map((s) => [s.order, s.heading, s.status])).toEqual([
      [1, 'Introduction', 'complete'],
      [2, 'Planning stage: generating section headings', 'complete'],
      [3, 'Editing stage: the green sections module', 'in_progress'],
      [4, 'Keeping fields in sync', 'draft'],
      [5, 'Conclusion', 'draft'],
    ]);
    // Ids are bigint on the wire: decimal strings, never JS numbers.
    for (const section of body.sections) expect(section.id).toMatch(/^[1-9][0-9]*$/);
    const ready = log().find((line) => line.msg === 'database ready');
    expect(ready?.migrations?.length).toBeGreaterThan(0);
  });

  it('stops on SIGTERM, exit code 0, leaving a PGlite snapshot for the next start', async () => {
    // The server's pid from its log: a SIGTERM to npm alone would leave the server running.
    const pid = log().find((line) => typeof line.pid === 'number')?.pid;
    expect(pid).toBeGreaterThan(0);
    process.kill(pid!, 'SIGTERM');
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(log().map((line) => line.msg)).toEqual(
      expect.arrayContaining([
        'SIGTERM: closing (open streams end, requests finish, the database closes)',
        'PGlite snapshot saved: the next starts load it',
      ]),
    );
    expect(existsSync(join(dist, 'pglite-snapshot.tgz'))).toBe(true);
  });
});
