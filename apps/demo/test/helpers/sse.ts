/** One parsed Server-Sent Event. */
export interface ServerEvent {
  event: string;
  data: unknown;
  id?: string;
}

/**
 * Reads a `text/event-stream` with fetch, for tests: `next(name)` waits for the next event of that
 * name (earlier ones of other names are skipped), `comments` collects `: comment` lines.
 */
export function readEvents(url: string, signal?: AbortSignal) {
  const queue: ServerEvent[] = [];
  const comments: string[] = [];
  const waiters: (() => void)[] = [];
  const wake = () => {
    for (const w of waiters.splice(0)) w();
  };

  const ended = (async () => {
    try {
      const response = await fetch(url, signal ? { signal } : {});
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const parsed: Partial<ServerEvent> & { data?: unknown } = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else if (line.startsWith('event: ')) parsed.event = line.slice(7);
            else if (line.startsWith('data: ')) parsed.data = JSON.parse(line.slice(6));
            else if (line.startsWith('id: ')) parsed.id = line.slice(4);
          }
          if (parsed.event) queue.push(parsed as ServerEvent);
          end = buffer.indexOf('\n\n');
        }
        wake();
      }
      return true;
    } catch (error) {
      if ((error as Error).name === 'AbortError') return false;
      throw error;
    } finally {
      wake();
    }
  })();

  return {
    comments,
    ended,
    async next(event: string, ms = 5000): Promise<ServerEvent> {
      const deadline = Date.now() + ms;
      for (;;) {
        const index = queue.findIndex((e) => e.event === event);
        if (index >= 0) return queue.splice(index, 1)[0]!;
        if (Date.now() > deadline) throw new Error(`no ${event} event within ${ms} ms`);
        await Promise.race([
          new Promise<void>((resolve) => waiters.push(resolve)),
          new Promise<void>((resolve) => setTimeout(resolve, 50)),
        ]);
      }
    },
  };
}
