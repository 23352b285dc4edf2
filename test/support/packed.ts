import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is test/support/packed.ts). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Every package a stranger installs from the registry, in dependency order. */
export const PUBLISHED_PACKAGES = [
  '@section-sync/core',
  '@section-sync/postgres',
  '@section-sync/fastify',
  '@section-sync/client',
  '@section-sync/cli',
] as const;
export type PublishedPackage = (typeof PUBLISHED_PACKAGES)[number];

export interface PackedPackage {
  name: string;
  version: string;
  /** Absolute path of the `.tgz`. */
  tarball: string;
  /** Paths inside the tarball (without the `package/` prefix). */
  files: string[];
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** @default 300_000 */
  timeoutMs?: number;
}

/**
 * The environment for a nested npm: without the `npm_*` variables of the npm that started this
 * test run (its workspace, prefix and script would leak into the scratch project's install).
 */
export function cleanNpmEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) && !/^npm_config_cache$/i.test(key)) continue;
    env[key] = value;
  }
  delete env.DATABASE_URL;
  delete env.NODE_OPTIONS; // vitest's loader hooks must not reach the child
  return { ...env, npm_config_update_notifier: 'false', ...extra };
}

/** Runs a program; never throws on a non-zero exit (the result says it). */
export function runCommand(
  file: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(
      file,
      [...args],
      {
        cwd: options.cwd ?? REPO_ROOT,
        env: options.env ?? cleanNpmEnv(),
        timeout: options.timeoutMs ?? 300_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr: error && code === 1 && !stderr ? String(error) : stderr });
      },
    );
  });
}

/** Throws with the command's output when it failed. */
export function assertSucceeded(what: string, result: CommandResult): CommandResult {
  if (result.code !== 0) {
    throw new Error(`${what} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

/**
 * Packs workspace packages with `npm pack` (what `npm publish` would upload) into `destination`.
 * They must be built first (`npm run build`).
 *
 * @example
 * const packed = await packWorkspaces('/tmp/tarballs');
 */
export async function packWorkspaces(
  destination: string,
  names: readonly string[] = PUBLISHED_PACKAGES,
): Promise<PackedPackage[]> {
  await mkdir(destination, { recursive: true });
  const result = assertSucceeded(
    'npm pack',
    await runCommand('npm', [
      'pack',
      '--json',
      '--pack-destination',
      destination,
      ...names.flatMap((name) => ['--workspace', name]),
    ]),
  );
  const reports = JSON.parse(result.stdout) as {
    name: string;
    version: string;
    filename: string;
    files: { path: string }[];
  }[];
  return reports.map((r) => ({
    name: r.name,
    version: r.version,
    tarball: join(destination, r.filename),
    files: r.files.map((f) => f.path),
  }));
}

/** The version of a registry package installed in the workspace (so the npm cache has it). */
export function workspaceVersion(name: string): string {
  const require = createRequire(join(REPO_ROOT, 'package.json'));
  let dir = dirname(require.resolve(name.startsWith('@types/') ? `${name}/package.json` : name));
  for (;;) {
    try {
      const pkg = require(join(dir, 'package.json')) as { name?: string; version: string };
      if (pkg.name === name) return pkg.version;
    } catch {}
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`${name} is not installed in the workspace`);
    dir = parent;
  }
}

export interface ScratchProjectOptions {
  /** Workspace packages to pack and install. @default every published package */
  packages?: readonly string[];
  /** Registry packages to add, name -> version range (`workspaceVersion(name)` is a good one). */
  dependencies?: Record<string, string>;
  /** Files to write before the install, path (relative to the project) -> content. */
  files?: Record<string, string>;
  /** Tarballs packed before (skips `npm pack`). */
  packed?: PackedPackage[];
}

/** A fresh npm project outside the workspace with the packed tarballs installed. */
export interface ScratchProject {
  dir: string;
  packed: PackedPackage[];
  /** Runs a program in the project (`npm`, `node`, `npx`, ...). */
  run(file: string, args: readonly string[], options?: RunOptions): Promise<CommandResult>;
  /** Runs a bin of node_modules/.bin (`section-sync`, `tsc`). */
  bin(name: string, args: readonly string[], options?: RunOptions): Promise<CommandResult>;
  write(path: string, content: string): Promise<void>;
  remove(): Promise<void>;
}

/**
 * Packs the workspace packages, then installs the tarballs (and the registry dependencies asked
 * for) into a new project in the OS temp directory, as a stranger would: `npm install` with the
 * warm npm cache (`--prefer-offline`), nothing of the workspace linked. The internal dependencies
 * between the tarballs resolve to the tarballs (npm overrides), never to the registry.
 *
 * @example
 * const project = await createScratchProject({ dependencies: { fastify: '^5.0.0' } });
 * try {
 *   await project.bin('section-sync', ['--help']);
 * } finally {
 *   await project.remove();
 * }
 */
export async function createScratchProject(
  options: ScratchProjectOptions = {},
): Promise<ScratchProject> {
  const dir = await mkdtemp(join(tmpdir(), 'section-sync-scratch-'));
  try {
    const packed =
      options.packed ?? (await packWorkspaces(join(dir, '.tarballs'), options.packages));
    const tarballs = Object.fromEntries(packed.map((p) => [p.name, `file:${p.tarball}`]));
    const manifest = {
      name: 'section-sync-scratch',
      version: '0.0.0',
      private: true,
      type: 'module',
      dependencies: { ...options.dependencies, ...tarballs },
      // A tarball's dependency on another (`@section-sync/core@^0.1.0`) takes the tarball too.
      overrides: Object.fromEntries(packed.map((p) => [p.name, `$${p.name}`])),
    };
    await writeFile(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    const project = scratchProject(dir, packed);
    for (const [path, content] of Object.entries(options.files ?? {})) {
      await project.write(path, content);
    }
    assertSucceeded(
      'npm install in the scratch project',
      await project.run('npm', [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        '--no-package-lock',
        '--loglevel=error',
      ]),
    );
    return project;
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

function scratchProject(dir: string, packed: PackedPackage[]): ScratchProject {
  const run: ScratchProject['run'] = (file, args, options = {}) =>
    runCommand(file, args, { ...options, cwd: options.cwd ?? dir });
  return {
    dir,
    packed,
    run,
    bin: (name, args, options) => run(join(dir, 'node_modules', '.bin', name), args, options),
    async write(path, content) {
      const file = join(dir, path);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, content);
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** The entry points a package's `exports` map offers (`.`, `./events`), without package.json. */
export async function exportedEntries(packageDir: string): Promise<string[]> {
  const pkg = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as {
    name: string;
    exports: Record<string, unknown>;
  };
  return Object.keys(pkg.exports)
    .filter((key) => !key.endsWith('.json'))
    .map((key) => (key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`));
}
