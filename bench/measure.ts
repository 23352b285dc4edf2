import { performance } from 'node:perf_hooks';

/** One row of the benchmark table (also the shape of `results/latest.json`). */
export interface BenchResult {
  /** What is measured, e.g. `parse`, `master -> rows`, `sync (HTTP)`. */
  benchmark: string;
  /** Sections per post (rows touched, posts checked: the benchmark says). */
  size: number;
  /** Who does the work: ours, a baseline (the seed design's algorithm) or the floor. */
  variant: string;
  /** Median time of one call (per post for throughput rows, p50 latency for HTTP rows). */
  medianMs: number;
  /** `medianMs` over the floor's of the same benchmark and size, when it has a floor. */
  ratioToFloor: number | null;
  /** `medianMs` over the baseline's (named in `baseline`), when it has one. */
  ratioToBaseline: number | null;
  /** The variant `ratioToBaseline` is taken against. */
  baseline?: string;
  /** Anything else worth a column: req/s and p99, posts per second, how it was sampled. */
  note?: string;
  /** First and third quartile of the samples, ms, when the row was timed sample by sample. */
  iqrMs?: [number, number];
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

/** A measured variant before the ratios are known. */
export interface Measured {
  variant: string;
  medianMs: number;
  /** This row is the floor of its group. */
  floor?: boolean;
  /** The variant this row is compared with (a baseline of the group), if any. */
  baseline?: string;
  note?: string;
  iqrMs?: [number, number];
}

/**
 * The rows of one benchmark and size, with the ratios to the group's floor and to each row's
 * baseline filled in.
 *
 * @example
 * rowsOf('parse', 100, [{ variant: 'JSON.parse', medianMs: 0.04, floor: true }, { variant: 'parse', medianMs: 0.06 }]);
 */
export function rowsOf(benchmark: string, size: number, measured: Measured[]): BenchResult[] {
  const floor = measured.find((m) => m.floor);
  return measured.map((m) => {
    const baseline = m.baseline ? measured.find((b) => b.variant === m.baseline) : undefined;
    return {
      benchmark,
      size,
      variant: m.variant,
      medianMs: m.medianMs,
      ratioToFloor: floor ? m.medianMs / floor.medianMs : null,
      ratioToBaseline: baseline ? m.medianMs / baseline.medianMs : null,
      ...(baseline ? { baseline: baseline.variant } : {}),
      ...(m.note ? { note: m.note } : {}),
      ...(m.iqrMs ? { iqrMs: m.iqrMs } : {}),
    };
  });
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** The `q` quantile of `values` (linear between the two closest ranks). */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (at - low);
}

/** Median and interquartile range of one variant's samples. */
export interface Spread {
  medianMs: number;
  iqrMs: [number, number];
  samples: number;
}

export function spreadOf(values: readonly number[]): Spread {
  return {
    medianMs: quantile(values, 0.5),
    iqrMs: [quantile(values, 0.25), quantile(values, 0.75)],
    samples: values.length,
  };
}

/** One variant of an interleaved comparison. */
export interface Contender {
  call: () => Promise<unknown>;
  /** Timed samples at most (for a baseline too slow to sample as often as the rest). */
  maxSamples?: number;
  /** Untimed calls at most (defaults to the comparison's warm-up). */
  maxWarmup?: number;
}

/**
 * Median time of each call, timed in turns (a, b, c, a, b, c, ...; the first of a round
 * rotates) so that a busy machine slows every variant alike, after `warmup` untimed rounds.
 */
export async function interleaved(
  contenders: readonly Contender[],
  warmup: number,
  samples: number,
): Promise<number[]> {
  return (await interleavedSpread(contenders, warmup, samples)).map((s) => s.medianMs);
}

/** {@link interleaved}, with each variant's interquartile range too. */
export async function interleavedSpread(
  contenders: readonly Contender[],
  warmup: number,
  samples: number,
): Promise<Spread[]> {
  const times: number[][] = contenders.map(() => []);
  const warmed: number[] = contenders.map(() => 0);
  for (let round = 0; round < warmup + samples; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const i = (round + k) % contenders.length;
      const c = contenders[i]!;
      if (round < warmup) {
        if (warmed[i]! >= (c.maxWarmup ?? warmup)) continue;
        warmed[i]!++;
        await c.call();
        continue;
      }
      if (times[i]!.length >= (c.maxSamples ?? samples)) continue;
      const t0 = performance.now();
      await c.call();
      times[i]!.push(performance.now() - t0);
    }
  }
  return times.map(spreadOf);
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

/**
 * Median time of one call of each of `fns`, in ms, measured like {@link medianMs} but in turns:
 * one batch of each per round, so a busy machine slows all alike.
 */
export function medianMsInterleaved(
  fns: readonly (() => unknown)[],
  options: SuiteOptions,
): number[] {
  const warmupMs = options.quick ? 20 : 200;
  const minSamples = options.quick ? 15 : 60;
  const minTotalMs = options.quick ? 80 : 800;
  const batches = fns.map((fn) => {
    const start = performance.now();
    let calls = 0;
    while (performance.now() - start < warmupMs || calls < 10) {
      keep(fn());
      calls++;
    }
    return Math.max(1, Math.ceil(0.5 / ((performance.now() - start) / calls)));
  });
  const samples: number[][] = fns.map(() => []);
  const start = performance.now();
  while (samples[0]!.length < minSamples || performance.now() - start < minTotalMs) {
    fns.forEach((fn, i) => {
      const batch = batches[i]!;
      const t0 = performance.now();
      for (let k = 0; k < batch; k++) keep(fn());
      samples[i]!.push((performance.now() - t0) / batch);
    });
  }
  return samples.map(median);
}
