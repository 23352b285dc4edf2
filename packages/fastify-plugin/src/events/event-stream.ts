import type { ServerResponse } from 'node:http';

/**
 * A Server-Sent Events response: `text/event-stream` with keep-alive comments. The caller hijacks
 * the Fastify reply first, so nothing else writes to `res`.
 *
 * @example
 * reply.hijack();
 * const stream = new EventStream(reply.raw, { heartbeatMs: 15_000 });
 * stream.send('change', { postId: 22 }, '41');
 */
export class EventStream {
  readonly #res: ServerResponse;
  readonly #heartbeat: ReturnType<typeof setInterval>;
  readonly #onClose = new Set<() => void>();
  #closed = false;

  constructor(res: ServerResponse, options: { heartbeatMs: number; retryMs?: number }) {
    this.#res = res;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // Reverse proxies (nginx) would otherwise buffer the stream.
      'x-accel-buffering': 'no',
    });
    res.write(`retry: ${options.retryMs ?? 2000}\n\n`);
    // Comments keep idle connections (and proxies' idle timers) alive; clients ignore them.
    this.#heartbeat = setInterval(() => this.comment('heartbeat'), options.heartbeatMs);
    this.#heartbeat.unref();
    res.on('close', () => this.#finish());
    res.on('error', () => this.#finish());
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Runs `fn` once, when the client goes away or the stream is closed. */
  onClose(fn: () => void): void {
    if (this.#closed) fn();
    else this.#onClose.add(fn);
  }

  send(event: string, data: unknown, id?: string): void {
    if (this.#closed) return;
    const lines = [`event: ${event}`];
    if (id !== undefined) lines.push(`id: ${id}`);
    // JSON.stringify never emits a raw newline, so the data is one `data:` line.
    lines.push(`data: ${JSON.stringify(data)}`);
    this.#res.write(`${lines.join('\n')}\n\n`);
  }

  comment(text: string): void {
    if (!this.#closed) this.#res.write(`: ${text}\n\n`);
  }

  /** Ends the response (the client's EventSource would reconnect after `retry`). */
  close(): void {
    if (this.#closed) return;
    this.#res.end();
    this.#finish();
  }

  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#heartbeat);
    for (const fn of this.#onClose) fn();
    this.#onClose.clear();
  }
}
