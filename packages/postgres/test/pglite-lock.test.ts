import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir, PGLITE_LOCK_FILE } from '../src/index.js';

describe('lockDataDir: one process per PGlite data directory', () => {
  let dir: string;
  const lockFile = () => join(dir, PGLITE_LOCK_FILE);
  const writeOwner = (pid: number, host = hostname()) =>
    writeFileSync(
      lockFile(),
      JSON.stringify({
        pid,
        hostname: host,
        purpose: 'the test',
        startedAt: '2026-01-01T00:00:00.000Z',
      }),
    );

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'section-sync-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('holds the directory for this process, refuses a second opener, and lets go on release', () => {
    const lock = lockDataDir(dir, 'the demo server');
    expect(JSON.parse(readFileSync(lockFile(), 'utf8'))).toMatchObject({
      pid: process.pid,
      purpose: 'the demo server',
    });
    lock.update({ url: 'http://127.0.0.1:5000' });
    let refusal: unknown;
    try {
      lockDataDir(dir, 'the CLI (repair)');
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(DataDirLockedError);
    expect((refusal as Error).message).toMatch(
      new RegExp(
        `in use by the demo server, pid ${process.pid} \\(serving http://127\\.0\\.0\\.1:5000\\)`,
      ),
    );
    lock.release();
    expect(existsSync(lockFile())).toBe(false);
    lockDataDir(dir, 'the CLI (repair)').release();
  });

  it('refuses while another live process holds it', async () => {
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
      stdio: 'ignore',
    });
    try {
      writeOwner(other.pid!);
      expect(() => lockDataDir(dir, 'the CLI (check)')).toThrow(`pid ${other.pid}`);
      expect(JSON.parse(readFileSync(lockFile(), 'utf8')).pid).toBe(other.pid);
    } finally {
      const exited = new Promise((resolve) => other.once('exit', resolve));
      other.kill();
      await exited;
    }
  });

  it('takes over a lock whose process is gone (killed, crashed)', () => {
    const gone = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], {
      encoding: 'utf8',
    });
    writeOwner(Number(gone.stdout.trim()));
    const lock = lockDataDir(dir, 'the demo server');
    expect(JSON.parse(readFileSync(lockFile(), 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it("never takes another machine's lock (a shared volume: its pid cannot be checked here)", () => {
    writeOwner(1, 'another-host');
    expect(() => lockDataDir(dir, 'the CLI (check)')).toThrow(DataDirLockedError);
  });

  it('release leaves a lock that is no longer its own', () => {
    const lock = lockDataDir(dir, 'the demo server');
    writeOwner(1, 'another-host');
    lock.release();
    expect(JSON.parse(readFileSync(lockFile(), 'utf8')).hostname).toBe('another-host');
  });
});
