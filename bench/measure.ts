import { performance } from 'node:perf_hooks';

/** One row of the benchmark table (also the shape of `results/latest.json`). */
export interface BenchResult {
  /** What is measured, e.g. `parse`, `plan`, `sync (HTTP)`. */
  benchmark: string;
  /** Sections per post. */
  size: number;
  /** The input or the baseline, e.g. `typical edit`, `JSON.parse (baseline)`. */
  variant: string;
  /** Median time of one call. */
  medianMs: number;
  /** Time relative to the baseline of the same size, when the row has one. */
  ratio: number | null;
}

export interface SuiteOptions {
  /** Fewer and shorter samples: for CI smoke runs, not for numbers to quote. */
  quick: boolean;
}

/** A group of benchmarks; `run.ts` runs the suites in order and prints one table. */
export interface BenchSuite {
  name: string;
  run(options: SuiteOptions): Promise<BenchResult[]>;
}

// Results land here so the measured work cannot be optimised away.
let sink = 0;
const keep = (value: unknown): void => {
  sink = (sink + (typeof value === 'string' ? value.length : 1)) | 0;
};
export const sinkValue = (): number => sink;

/**
 * The median time of one call of `fn`, in ms. Calls are timed in batches long enough for the
 * clock (≥ ~0.5 ms), after a warm-up that lets the JIT settle; the median over batches resists
 * GC pauses and noisy neighbours.
 */
export function medianMs(fn: () => unknown, options: SuiteOptions): number {
  const warmupMs = options.quick ? 20 : 200;
  const minSamples = options.quick ? 15 : 60;
  const minTotalMs = options.quick ? 40 : 400;

  let start = performance.now();
  let calls = 0;
  while (performance.now() - start < warmupMs || calls < 10) {
    keep(fn());
    calls++;
  }
  const perCall = (performance.now() - start) / calls;
  const batch = Math.max(1, Math.ceil(0.5 / perCall));

  const samples: number[] = [];
  start = performance.now();
  while (samples.length < minSamples || performance.now() - start < minTotalMs) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) keep(fn());
    samples.push((performance.now() - t0) / batch);
  }
  samples.sort((a, b) => a - b);
  const mid = samples.length >> 1;
  return samples.length % 2 ? samples[mid]! : (samples[mid - 1]! + samples[mid]!) / 2;
}
