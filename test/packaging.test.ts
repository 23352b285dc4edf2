import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertSucceeded,
  createScratchProject,
  exportedEntries,
  type PackedPackage,
  PUBLISHED_PACKAGES,
  packWorkspaces,
  REPO_ROOT,
  runCommand,
  type ScratchProject,
  workspaceVersion,
} from './support/packed.js';

// What a stranger gets from the registry: the tarballs `npm publish` would upload, installed into
// a project outside the workspace. Packing, installing and three type-checks take a while.

const PACKAGE_DIRS: Record<string, string> = {
  '@section-sync/core': 'packages/core',
  '@section-sync/postgres': 'packages/postgres',
  '@section-sync/fastify': 'packages/fastify-plugin',
  '@section-sync/client': 'packages/client',
  '@section-sync/cli': 'packages/cli',
};

/** A consumer using every entry's types; wrong types (or `any`) fail the `@ts-expect-error`s. */
const CONSUMER = `import { detectFormat, parse, render, type SyncDirection } from '@section-sync/core';
import { createStore, fromPg, migrate, type Db } from '@section-sync/postgres';
import sectionSync, { type SectionSyncOptions } from '@section-sync/fastify';
import { sectionSyncEvents } from '@section-sync/fastify/events';
import { createClient, SectionSyncApiError } from '@section-sync/client';
import { runCli } from '@section-sync/cli';
import Fastify from 'fastify';
import pg from 'pg';

const items = parse('1. Intro\\n2. Body');
const heading: string = items[0]!.heading;
const format: string = detectFormat('1. Intro');
const direction: SyncDirection = 'both';
const master: string = render([{ id: '1', order: 1, heading, description: '', status: 'draft' }]);
// @ts-expect-error section ids are decimal strings (bigint-safe), not numbers
render([{ id: 1, order: 1, heading, description: '', status: 'draft' }]);
// @ts-expect-error render takes sections, not a string
render('no');

const db: Db = fromPg(new pg.Pool());
const store = createStore(db);
export const migrated: Promise<{ applied: string[] }> = migrate(db);
export const synced = store.sync(1, direction);

const app = Fastify();
const options: SectionSyncOptions = { db, prefix: '/api/workflow' };
app.register(sectionSync, options);
app.register(sectionSyncEvents, { db });

const client = createClient({ baseUrl: 'http://127.0.0.1:5000' });
export const sections = client.getSections(7);
// @ts-expect-error baseUrl is a string
createClient({ baseUrl: 5000 });
export const isApiError = (e: unknown): boolean => e instanceof SectionSyncApiError;

export const exitCode: Promise<number> = runCli(['--help'], process);
export { format, master };
`;

const TSCONFIGS: Record<string, Record<string, string>> = {
  node16: { module: 'node16', moduleResolution: 'node16' },
  nodenext: { module: 'nodenext', moduleResolution: 'nodenext' },
  bundler: { module: 'esnext', moduleResolution: 'bundler' },
};

function tsconfig(compilerOptions: Record<string, string>): string {
  return JSON.stringify({
    compilerOptions: {
      ...compilerOptions,
      target: 'es2022',
      strict: true,
      noEmit: true,
      // Our .d.ts files are checked too: a type they name but do not ship would fail here.
      skipLibCheck: false,
      types: ['node'],
    },
    files: ['consumer.ts'],
  });
}

let packed: PackedPackage[];
let project: ScratchProject;
let tarballs: string;

beforeAll(async () => {
  tarballs = await mkdtemp(join(tmpdir(), 'section-sync-tarballs-'));
  packed = await packWorkspaces(tarballs);
  project = await createScratchProject({
    packed,
    dependencies: Object.fromEntries(
      ['fastify', 'pg', '@types/pg', 'typescript', '@types/node'].map((name) => [
        name,
        workspaceVersion(name),
      ]),
    ),
    files: {
      'consumer.ts': CONSUMER,
      ...Object.fromEntries(
        Object.entries(TSCONFIGS).map(([mode, o]) => [`tsconfig.${mode}.json`, tsconfig(o)]),
      ),
    },
  });
}, 600_000);

afterAll(async () => {
  await project?.remove();
  await rm(tarballs, { recursive: true, force: true });
});

describe('published packages', () => {
  it('pack every published package, with no test corpora, sources or maps', () => {
    expect(packed.map((p) => p.name)).toEqual([...PUBLISHED_PACKAGES]);
    for (const p of packed) {
      expect(p.files, p.name).toContain('LICENSE');
      expect(p.files, p.name).toContain('README.md');
      expect(
        p.files.filter((f) => /(^|\/)(src|test|conformance)\/|\.map$|\.test\./.test(f)),
        p.name,
      ).toEqual([]);
    }
    expect(packed.find((p) => p.name === '@section-sync/postgres')!.files).toEqual(
      expect.arrayContaining([expect.stringMatching(/^sql\/.+\.sql$/)]),
    );
  });

  it.each(PUBLISHED_PACKAGES)('%s passes publint (strict)', async (name) => {
    const { messages, pkg } = await publint({
      pkgDir: join(REPO_ROOT, PACKAGE_DIRS[name]!),
      strict: true,
      pack: 'npm',
    });
    expect(messages.map((m) => formatMessage(m, pkg))).toEqual([]);
  });

  it.each(PUBLISHED_PACKAGES)('%s passes arethetypeswrong (ESM only)', async (name) => {
    const tarball = packed.find((p) => p.name === name)!.tarball;
    const attw = join(REPO_ROOT, 'node_modules', '.bin', 'attw');
    const result = await runCommand(attw, [tarball, '--profile', 'esm-only', '--format', 'ascii']);
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
  });

  it.each(PUBLISHED_PACKAGES)('%s can be published (npm publish --dry-run)', async (name) => {
    const result = await runCommand('npm', ['publish', '--dry-run', '--workspace', name]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`${name}@`);
  });
});

describe('installed from the tarballs into a project outside the workspace', () => {
  it('imports every entry as ESM', async () => {
    const entries = (
      await Promise.all(
        PUBLISHED_PACKAGES.map((name) => exportedEntries(join(project.dir, 'node_modules', name))),
      )
    ).flat();
    expect(entries).toContain('@section-sync/fastify/events');
    const script = `const found = {};
for (const entry of ${JSON.stringify(entries)}) found[entry] = Object.keys(await import(entry)).sort();
console.log(JSON.stringify(found));`;
    const result = assertSucceeded(
      'node (ESM imports)',
      await project.run('node', ['--input-type=module', '-e', script]),
    );
    const found = JSON.parse(result.stdout) as Record<string, string[]>;
    expect(found['@section-sync/core']).toEqual(
      expect.arrayContaining(['parse', 'plan', 'render']),
    );
    expect(found['@section-sync/postgres']).toEqual(
      expect.arrayContaining(['migrate', 'fromPg', 'fromPGlite', 'createStore']),
    );
    expect(found['@section-sync/fastify']).toEqual(expect.arrayContaining(['default']));
    expect(found['@section-sync/fastify/events']).toEqual(expect.arrayContaining(['default']));
    expect(found['@section-sync/client']).toEqual(expect.arrayContaining(['createClient']));
    expect(found['@section-sync/cli']).toEqual(expect.arrayContaining(['runCli']));
  });

  it('loads with require() on Node >= 20.19 (require of an ES module)', async () => {
    const script = `for (const name of ${JSON.stringify(PUBLISHED_PACKAGES)}) {
  const m = require(name);
  if (Object.keys(m).length === 0) throw new Error(name + ' exported nothing');
}
console.log('ok');`;
    const result = await project.run('node', ['-e', script]);
    expect(result.stderr.replace(/.*ExperimentalWarning.*\n|.*--trace-warnings.*\n/g, '')).toBe('');
    expect(result.stdout.trim()).toBe('ok');
  });

  it.each(Object.keys(TSCONFIGS))(
    'type-checks a consumer with moduleResolution %s',
    async (mode) => {
      const result = await project.bin('tsc', ['-p', `tsconfig.${mode}.json`]);
      expect(result.stdout + result.stderr).toBe('');
      expect(result.code).toBe(0);
    },
  );

  it('runs `npx section-sync --help`', async () => {
    const result = assertSucceeded(
      'npx section-sync --help',
      await project.run('npx', ['--no-install', 'section-sync', '--help']),
    );
    expect(result.stdout).toContain('Usage: section-sync <command>');
  });

  it('migrates and checks a PGlite database with the installed bin (the SQL files ship)', async () => {
    const dir = join(project.dir, 'pglite-data');
    const migrated = assertSucceeded(
      'section-sync migrate',
      await project.bin('section-sync', ['migrate', '--pglite', dir, '--json']),
    );
    expect(JSON.parse(migrated.stdout)).toMatchObject({ status: 'success' });
    const checked = assertSucceeded(
      'section-sync check',
      await project.bin('section-sync', ['check', '--pglite', dir, '--json', '--quiet']),
    );
    expect(JSON.parse(checked.stdout)).toMatchObject({ status: 'ok', total: 0 });
  });
});
