import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { postgresUrl } from '@section-sync/testing';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  cleanNpmEnv,
  createScratchProject,
  PUBLISHED_PACKAGES,
  REPO_ROOT,
  runCommand,
  type ScratchProject,
  workspaceVersion,
} from './support/packed.js';
import { describeWithPostgres } from './support/postgres-only.js';

// The plugin README's "Add it to your Fastify app in ten minutes", run as written: its files
// (```lang title="name") are written into a fresh project outside the workspace, its `npm
// install` installs the packed tarballs, and every other line of its ```sh blocks runs in order
// (`... &` in the background, `kill %1` stops it; `# ...` lines under a command are its output).

const GUIDE_FILE = join(REPO_ROOT, 'packages/fastify-plugin/README.md');
const GUIDE_TITLE = '## Add it to your Fastify app in ten minutes';

interface Guide {
  files: Record<string, string>;
  /** The packages of its `npm install` line. */
  install: string[];
  steps: { command: string; output: string[] }[];
}

async function readGuide(): Promise<Guide> {
  const readme = await readFile(GUIDE_FILE, 'utf8');
  const start = readme.indexOf(GUIDE_TITLE);
  if (start < 0) throw new Error(`${GUIDE_FILE} has no "${GUIDE_TITLE}" section`);
  const end = readme.indexOf('\n## ', start + GUIDE_TITLE.length);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const guide: Guide = { files: {}, install: [], steps: [] };
  for (const [, lang, info, body] of section.matchAll(/```(\w+)([^\n]*)\n([\s\S]*?)```/g)) {
    const title = /title="([^"]+)"/.exec(info ?? '')?.[1];
    if (title) guide.files[title] = body!;
    else if (lang === 'sh') {
      for (const line of body!.split('\n').filter((l) => l.trim() !== '')) {
        if (line.startsWith('# ')) guide.steps.at(-1)?.output.push(line.slice(2));
        else if (line.startsWith('npm install ')) guide.install = line.split(/\s+/).slice(2);
        else guide.steps.push({ command: line, output: [] });
      }
    }
  }
  return guide;
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

function databaseUrl(name: string): string {
  const url = new URL(postgresUrl!);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describeWithPostgres('the ten-minute guide, as written, on the packed packages', () => {
  const database = `section_sync_guide_${randomBytes(5).toString('hex')}`;
  let guide: Guide;
  let project: ScratchProject;
  let env: NodeJS.ProcessEnv;
  let background: { process: ChildProcess; exited: Promise<unknown>; log: string[] } | undefined;

  beforeAll(async () => {
    guide = await readGuide();
    await admin(`CREATE DATABASE "${database}"`);
    env = cleanNpmEnv({ DATABASE_URL: databaseUrl(database), PORT: String(await freePort()) });
    const workspace = new Set<string>(PUBLISHED_PACKAGES);
    project = await createScratchProject({
      // Every tarball, so the internal dependencies (core, postgres) resolve to them too.
      dependencies: Object.fromEntries(
        guide.install.filter((name) => !workspace.has(name)).map((n) => [n, workspaceVersion(n)]),
      ),
      files: guide.files,
    });
  }, 600_000);

  afterAll(async () => {
    const running = background?.process.exitCode === null && !background.process.signalCode;
    if (running) process.kill(-background!.process.pid!, 'SIGKILL');
    await project?.remove();
    await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  });

  function startInBackground(command: string) {
    const child = spawn('sh', ['-c', command], { cwd: project.dir, env, detached: true });
    const log: string[] = [];
    child.stdout.on('data', (chunk) => log.push(String(chunk)));
    child.stderr.on('data', (chunk) => log.push(String(chunk)));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    background = { process: child, exited, log };
  }

  it('installs what the guide names, from the tarballs', async () => {
    expect(guide.install).toEqual(
      expect.arrayContaining([
        '@section-sync/fastify',
        '@section-sync/client',
        '@section-sync/cli',
      ]),
    );
    for (const name of guide.install) {
      const result = await project.run('node', ['-e', `import(${JSON.stringify(name)})`], { env });
      expect(result.code, `${name}: ${result.stderr}`).toBe(0);
    }
    expect(Object.keys(guide.files).sort()).toEqual(['schema.sql', 'server.js', 'sync.js']);
  });

  it('runs every step, in order, each exiting 0 with the output the guide shows', async () => {
    const commands = guide.steps.map((s) => s.command);
    expect(commands.some((c) => /section-sync migrate$/.test(c))).toBe(true);
    expect(commands.at(-1)).toMatch(/section-sync check$/);
    for (const { command, output } of guide.steps) {
      if (command.endsWith('&')) {
        startInBackground(command.slice(0, -1).trim());
        continue;
      }
      if (command === 'kill %1') {
        process.kill(-background!.process.pid!, 'SIGTERM');
        await background!.exited;
        continue;
      }
      const result = await runCommand('sh', ['-c', command], { cwd: project.dir, env });
      const context = `${command}\n${result.stdout}\n${result.stderr}\n${background?.log.join('') ?? ''}`;
      expect(result.code, context).toBe(0);
      if (output.length > 0) expect(result.stdout.trim().split('\n'), context).toEqual(output);
    }
  });

  it('left the database as the guide says: rows with their ids, the master equal to them', async () => {
    const client = new pg.Client({ connectionString: databaseUrl(database) });
    await client.connect();
    try {
      const { rows } = await client.query(
        'SELECT id, section_order, section_heading FROM post_section ORDER BY section_order',
      );
      expect(rows).toEqual([
        { id: 3, section_order: 1, section_heading: 'Deploy' },
        { id: 1, section_order: 2, section_heading: 'Introduction' },
        { id: 2, section_order: 3, section_heading: 'Setup' },
      ]);
      const master = await client.query('SELECT section_headings FROM post_development');
      expect(JSON.parse(master.rows[0].section_headings).map((s: { id: number }) => s.id)).toEqual([
        3, 1, 2,
      ]);
    } finally {
      await client.end();
    }
  });
});
