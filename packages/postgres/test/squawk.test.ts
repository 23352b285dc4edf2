import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFunctionFiles, loadMigrations, type Migration } from '../src/index.js';

// squawk (a linter for PostgreSQL migrations, its native binary shipped inside the npm package)
// on every file as migrate runs it. Rules that do not fit the runner are excluded, with the
// reason, in ../.squawk.toml; one-off exceptions are `-- squawk-ignore` comments in the files.

const PACKAGE = fileURLToPath(new URL('..', import.meta.url));
const SQUAWK = join(PACKAGE, '..', '..', 'node_modules', '.bin', 'squawk');

interface Finding {
  file: string;
  line: number;
  rule_name: string;
  message: string;
}

function squawk(files: string[], inTransaction: boolean): Promise<Finding[]> {
  const args = ['--config', join(PACKAGE, '.squawk.toml'), '--reporter', 'json', ...files];
  // A transactional file runs in one transaction (migrate wraps it): say so, or every statement
  // would be "not robust" for lack of one.
  if (inTransaction) args.unshift('--assume-in-transaction');
  return new Promise((resolve, reject) => {
    execFile(SQUAWK, args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && !stdout.trim().startsWith('[')) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout || '[]') as Finding[]);
    });
  });
}

let dir: string;
let files: Migration[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'section-sync-squawk-'));
  files = [...(await loadMigrations()), ...(await loadFunctionFiles())];
  for (const file of files) await writeFile(join(dir, file.name), file.sql);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('squawk', () => {
  it('finds nothing in the migrations and function files', async () => {
    const paths = (transactional: boolean) =>
      files.filter((f) => f.transactional === transactional).map((f) => join(dir, f.name));
    const findings = [
      ...(await squawk(paths(true), true)),
      ...(await squawk(paths(false), false)),
    ].map((f) => `${f.file.replace(`${dir}/`, '')}:${f.line} ${f.rule_name}: ${f.message}`);
    expect(findings).toEqual([]);
    expect(files.some((f) => !f.transactional)).toBe(true);
  });

  it('reports what the migrations avoid (the linter really runs)', async () => {
    const bad = join(dir, 'bad.sql');
    await writeFile(bad, 'CREATE INDEX i ON public.post_section (post_id);\n');
    const findings = await squawk([bad], false);
    expect(findings.map((f) => f.rule_name)).toContain('require-concurrent-index-creation');
  });
});
