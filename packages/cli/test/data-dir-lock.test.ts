import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from '@section-sync/demo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, requireBuiltCli } from './helpers/cli-target.js';

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env, timeout: 120_000 }, (error, stdout, stderr) =>
      resolve({
        code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
        stdout,
        stderr,
      }),
    );
  });
}

describe('the CLI and a running demo server on one PGlite data directory', () => {
  let dir: string;

  beforeAll(() => {
    requireBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'section-sync-lock-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses while the server holds the directory, naming its pid and address; works once it stops', async () => {
    const server = await build({ dataDir: dir });
    let address: string;
    try {
      address = await server.listen({ host: '127.0.0.1', port: 0 });
      const refused = await cli('repair', '--pglite', dir);
      expect(refused.code).toBe(3);
      expect(refused.stderr).toContain(
        `section-sync: The PGlite data directory ${dir} is in use by the section-sync demo server, pid ${process.pid} (serving ${address})`,
      );
      expect(refused.stderr).toContain(`work through its API at ${address}`);
      // The server's data is untouched and it still answers.
      const posts = await server.inject({ url: '/api/demo/posts' });
      expect(posts.statusCode).toBe(200);
    } finally {
      await server.close();
    }
    const checked = await cli('check', '--pglite', dir);
    expect(checked.stderr).not.toContain('in use by');
    expect(checked.code).toBe(0);
  }, 180_000);
});
