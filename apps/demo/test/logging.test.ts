import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { chooseLogFormat, formatLogLine } from '../src/logging.js';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const haveScript = existsSync('/usr/bin/script');

describe('log format', () => {
  it('is JSON when stdout is not a terminal, lines for people on one, LOG_FORMAT decides when set', () => {
    expect(chooseLogFormat({}, false)).toBe('json');
    expect(chooseLogFormat({}, undefined)).toBe('json');
    expect(chooseLogFormat({}, true)).toBe('pretty');
    expect(chooseLogFormat({ LOG_FORMAT: 'json' }, true)).toBe('json');
    expect(chooseLogFormat({ LOG_FORMAT: 'Pretty' }, false)).toBe('pretty');
    expect(() => chooseLogFormat({ LOG_FORMAT: 'xml' }, true)).toThrow(
      'LOG_FORMAT must be "json" or "pretty", not "xml"',
    );
  });

  it('turns a pino line into one readable line: time, level, message, request, fields', () => {
    const line = JSON.stringify({
      level: 30,
      time: Date.UTC(2026, 0, 2, 14, 3, 7, 412),
      pid: 1,
      hostname: 'h',
      reqId: 'req-1',
      res: { statusCode: 200 },
      responseTime: 3.14,
      msg: 'request completed',
    });
    expect(formatLogLine(line)).toBe('14:03:07.412 INFO  request completed  200  3.1 ms  [req-1]');
    expect(
      formatLogLine(
        '{"level":30,"time":0,"msg":"incoming request","req":{"method":"GET","url":"/x"},"reqId":"req-2"}',
      ),
    ).toBe('00:00:00.000 INFO  incoming request  GET /x  [req-2]');
    expect(
      formatLogLine(
        '{"level":40,"time":0,"msg":"section-sync refused: version_conflict","code":"version_conflict","postId":22,"ids":[1,2]}',
      ),
    ).toBe(
      '00:00:00.000 WARN  section-sync refused: version_conflict  code=version_conflict postId=22 ids=1,2',
    );
    const error = formatLogLine(
      JSON.stringify({
        level: 50,
        time: 0,
        msg: 'boom',
        err: { message: 'x', stack: 'Error: x\n    at y' },
      }),
    );
    expect(error).toBe('00:00:00.000 ERROR boom\n    Error: x\n        at y');
    expect(formatLogLine('{"level":30,"time":0,"msg":"hi"}', { color: true })).toBe(
      '\x1b[2m00:00:00.000\x1b[0m \x1b[32mINFO \x1b[0m hi',
    );
    expect(formatLogLine('not json\n')).toBe('not json');
  });
});

/** Starts `node dist/main.js` (or `command`), collects stdout until the listening line, stops it. */
async function startupOutput(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<string> {
  const child: ChildProcess = spawn(command, args, {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start-up line in:\n${out}`)), 60_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('section-sync demo: page')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('exit', (code) => reject(new Error(`exited with ${code}:\n${out}`)));
    });
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // The process group this test started (script and the server under it).
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
  }
  return out;
}

// One real start only (an in-memory PGlite initdb and the seed take seconds): on a terminal.
// A pipe gets pino's JSON as before (chooseLogFormat above). PGlite even when DATABASE_URL is set.
describe.skipIf(!existsSync(MAIN))('the server log', () => {
  it.skipIf(!haveScript)(
    'is lines for people on a terminal',
    async () => {
      // `script` runs the server on a pseudo-terminal, as in a developer's shell.
      const out = await startupOutput(
        'script',
        ['-qfec', `${JSON.stringify(process.execPath)} ${JSON.stringify(MAIN)}`, '/dev/null'],
        { LOG_FORMAT: '', DATABASE_URL: '' },
      );
      const plain = out.replace(/\x1b\[[0-9;]*m/g, '').replace(/\r/g, '');
      expect(plain).toMatch(
        // migrations= is empty when the built snapshot is already migrated.
        /^\d\d:\d\d:\d\d\.\d{3} INFO {2}database ready {2}database=PGlite in memory migrations=\S* seeded=\d+ openMs=\d+ migrateMs=\d+( snapshotMs=\d+)? seedMs=\d+$/m,
      );
      expect(plain).toMatch(
        /^\d\d:\d\d:\d\d\.\d{3} INFO {2}section-sync demo: page http:\/\/127\.0\.0\.1:\d+\//m,
      );
      expect(out).toContain('\x1b[32mINFO');
      expect(plain).not.toContain('{"level"');
    },
    90_000,
  );
});
