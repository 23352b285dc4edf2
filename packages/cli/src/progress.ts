/** Where progress is written: stderr, so `--json` on stdout stays clean. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface Progress {
  /** `done` of `total` items handled. */
  update(done: number, total: number): void;
  /** Ends the bar (a final line). */
  finish(summary?: string): void;
}

const BAR_WIDTH = 28;
// Plain lines: one per tenth of the work at most, or every 5 s, so logs stay short.
const LINE_INTERVAL_MS = 5000;

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * A progress bar on a terminal (redrawn in place, at most every 80 ms), plain progress lines
 * otherwise; nothing when `quiet`.
 *
 * @example
 * const progress = createProgress('check', 'posts', process.stderr);
 * progress.update(500, 1000);
 * progress.finish();
 */
export function createProgress(
  label: string,
  unit: string,
  stream: ProgressStream,
  options: { quiet?: boolean; now?: () => number } = {},
): Progress {
  const now = options.now ?? Date.now;
  const started = now();
  if (options.quiet) return { update() {}, finish() {} };
  if (stream.isTTY) {
    let lastDraw = Number.NEGATIVE_INFINITY;
    let drawn = false;
    const draw = (done: number, total: number) => {
      const ratio = total > 0 ? Math.min(1, done / total) : 1;
      const filled = Math.round(ratio * BAR_WIDTH);
      const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
      const line = `${label} ${bar} ${String(Math.floor(ratio * 100)).padStart(3)}%  ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} ${unit}  ${seconds(now() - started)}`;
      stream.write(`\r${line}\u001b[K`);
      drawn = true;
    };
    let last: [number, number] = [0, 0];
    return {
      update(done, total) {
        last = [done, total];
        const t = now();
        if (t - lastDraw < 80 && done < total) return;
        lastDraw = t;
        draw(done, total);
      },
      finish(summary) {
        if (drawn) draw(...last);
        if (drawn) stream.write('\n');
        if (summary) stream.write(`${summary}\n`);
      },
    };
  }
  let lastLine = started;
  let lastTenth = -1;
  return {
    update(done, total) {
      const tenth = total > 0 ? Math.floor((done / total) * 10) : 10;
      const t = now();
      if (tenth === lastTenth && t - lastLine < LINE_INTERVAL_MS) return;
      lastTenth = tenth;
      lastLine = t;
      const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
      stream.write(`${label}: ${done}/${total} ${unit} (${percent}%, ${seconds(t - started)})\n`);
    },
    finish(summary) {
      if (summary) stream.write(`${summary}\n`);
    },
  };
}
