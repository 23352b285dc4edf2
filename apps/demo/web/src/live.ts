/** A change of a post as the server's event stream announces it. */
export interface PostChange {
  postId: number;
  logId: number;
  direction: string;
  origin: string;
}

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'off';

export interface LiveOptions {
  url: string;
  headers: () => Record<string, string>;
  onChange: (change: PostChange) => void;
  /** Called when the stream (re)opens: changes may have been missed while it was down. */
  onOpen: () => void;
  onState: (state: LiveState) => void;
}

/**
 * Follows `GET /posts/:id/events` with fetch (not EventSource, so the bearer token can go in a
 * header), reconnecting with backoff until `close()`.
 */
export function followPost(options: LiveOptions): { close(): void } {
  const controller = new AbortController();
  let delay = 500;

  const run = async (): Promise<void> => {
    while (!controller.signal.aborted) {
      try {
        const response = await fetch(options.url, {
          headers: { accept: 'text/event-stream', ...options.headers() },
          signal: controller.signal,
          cache: 'no-store',
        });
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
        await readStream(response.body, (event, data) => {
          if (event === 'ready') {
            delay = 500;
            options.onState('live');
            options.onOpen();
          } else if (event === 'change') {
            options.onChange(data as PostChange);
          }
        });
      } catch {
        // Aborted, refused or dropped: fall through to the retry below.
      }
      if (controller.signal.aborted) break;
      options.onState('reconnecting');
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 8000);
    }
  };

  options.onState('connecting');
  void run();
  return {
    close() {
      controller.abort();
      options.onState('off');
    },
  };
}

async function readStream(
  body: ReadableStream<Uint8Array>,
  onEvent: (event: string, data: unknown) => void,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data += line.slice(5).trim();
      }
      if (data) onEvent(event, JSON.parse(data));
      end = buffer.indexOf('\n\n');
    }
  }
}
