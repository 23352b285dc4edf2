import type { FastifyServerOptions } from 'fastify';

/** How the server writes its log: one JSON object a line (pino's own), or lines for people. */
export type LogFormat = 'json' | 'pretty';

const LEVELS: Record<number, { name: string; color: string }> = {
  10: { name: 'TRACE', color: '\x1b[90m' },
  20: { name: 'DEBUG', color: '\x1b[36m' },
  30: { name: 'INFO', color: '\x1b[32m' },
  40: { name: 'WARN', color: '\x1b[33m' },
  50: { name: 'ERROR', color: '\x1b[31m' },
  60: { name: 'FATAL', color: '\x1b[41m' },
};
const DIM = '\x1b[2m';
const RESET = '\x1b[0m';
// pino's fields that every line has, or that the line shows in its own place.
const SHOWN = new Set([
  'level',
  'time',
  'pid',
  'hostname',
  'msg',
  'reqId',
  'req',
  'res',
  'responseTime',
  'err',
]);

/**
 * `LOG_FORMAT=json|pretty` when set; otherwise lines for people on a terminal and JSON when
 * stdout is a pipe or a file (a log collector).
 *
 * @example
 * chooseLogFormat(process.env, process.stdout.isTTY); // 'pretty' in a terminal
 */
export function chooseLogFormat(env: NodeJS.ProcessEnv, isTTY: boolean | undefined): LogFormat {
  const wanted = env.LOG_FORMAT?.trim().toLowerCase();
  if (wanted === 'json' || wanted === 'pretty') return wanted;
  if (wanted) throw new Error(`LOG_FORMAT must be "json" or "pretty", not "${env.LOG_FORMAT}"`);
  return isTTY ? 'pretty' : 'json';
}

/**
 * One pino JSON line as a line for people:
 * `14:03:07.412 INFO  request completed  GET /api/workflow/posts/22/sections 200 3.1 ms [req-1]`.
 * A line that is not pino JSON comes back as it was.
 *
 * @example
 * formatLogLine('{"level":30,"time":0,"msg":"database ready","seeded":15}');
 */
export function formatLogLine(line: string, options: { color?: boolean } = {}): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.replace(/\n$/, '');
  }
  const color = options.color ?? false;
  const level = LEVELS[entry.level as number] ?? { name: String(entry.level), color: '' };
  const time = new Date(typeof entry.time === 'number' ? entry.time : Date.now());
  const clock = time.toISOString().slice(11, 23);
  const parts: string[] = [String(entry.msg ?? '')];
  const req = entry.req as { method?: string; url?: string } | undefined;
  if (req?.method) parts.push(`${req.method} ${req.url ?? ''}`);
  const res = entry.res as { statusCode?: number } | undefined;
  if (res?.statusCode !== undefined) parts.push(String(res.statusCode));
  if (typeof entry.responseTime === 'number') parts.push(`${entry.responseTime.toFixed(1)} ms`);
  const fields = Object.entries(entry)
    .filter(([key]) => !SHOWN.has(key))
    .map(([key, value]) => `${key}=${fieldText(value)}`);
  if (fields.length) parts.push(fields.join(' '));
  if (entry.reqId !== undefined) parts.push(`[${entry.reqId}]`);
  const paint = (code: string, text: string) => (color && code ? `${code}${text}${RESET}` : text);
  let out = `${paint(DIM, clock)} ${paint(level.color, level.name.padEnd(5))} ${parts.join('  ')}`;
  const err = entry.err as { stack?: string; message?: string } | undefined;
  if (err)
    out += `\n    ${(err.stack ?? err.message ?? JSON.stringify(err)).split('\n').join('\n    ')}`;
  return out;
}

function fieldText(value: unknown): string {
  if (typeof value === 'string') return value;
  // A list of names (the migrations applied) reads best as a list.
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object')) return value.join(',');
  return JSON.stringify(value);
}

/** A destination for pino that writes each line formatted for people. */
export function prettyStream(
  out: NodeJS.WritableStream,
  color: boolean,
): { write(line: string): void } {
  return {
    write(chunk: string) {
      for (const line of chunk.split('\n')) {
        if (line) out.write(`${formatLogLine(line, { color })}\n`);
      }
    },
  };
}

/**
 * Fastify's `logger` option for the demo: pino at `level`, as JSON or formatted for people.
 *
 * @example
 * Fastify({ logger: loggerOptions({ level: 'info', format: chooseLogFormat(process.env, process.stdout.isTTY) }) });
 */
export function loggerOptions(options: {
  level: string;
  format: LogFormat;
  out?: NodeJS.WritableStream & { isTTY?: boolean };
}): NonNullable<FastifyServerOptions['logger']> {
  if (options.format === 'json') return { level: options.level };
  const out = options.out ?? process.stdout;
  return { level: options.level, stream: prettyStream(out, out.isTTY === true) };
}
