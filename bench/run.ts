// `npm run bench` (add `-- --quick` for a smoke run, `-- --suite core` to pick suites;
// `-- --suite cold-start` for the suites that run only when named).
// Prints one Markdown table and writes results/latest.md and results/latest.json.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { clientSuite } from './client.js';
import { coldStartSuite } from './cold-start.js';
import { consistencySuite } from './consistency.js';
import { coreSuite } from './core.js';
import { runHttpBench } from './http.js';
import { masterRowsSuite } from './master-rows.js';
import { type BenchResult, type BenchSuite, sinkValue } from './measure.js';
import { rowsMasterSuite } from './rows-master.js';
import { throughputSuite } from './throughput.js';
import { runTriggerBench } from './triggers.js';

// Database suites run on PostgreSQL when DATABASE_URL is set, PGlite otherwise.
const suites: BenchSuite[] = [
  coreSuite,
  masterRowsSuite,
  rowsMasterSuite,
  { name: 'triggers', run: runTriggerBench },
  throughputSuite,
  consistencySuite,
  { name: 'http', run: runHttpBench },
  clientSuite,
];
// Run only when named: cold-start clones the repository and installs it (about a minute).
const namedOnly: BenchSuite[] = [coldStartSuite];

const args = process.argv.slice(2);
const quick = args.includes('--quick') || process.env.BENCH_QUICK === '1';
const picked = args.flatMap((arg, i) => (arg === '--suite' && args[i + 1] ? [args[i + 1]] : []));
const selected =
  picked.length > 0 ? [...suites, ...namedOnly].filter((s) => picked.includes(s.name)) : suites;
if (selected.length === 0) {
  console.error(
    `No suite named ${picked.join(', ')}; suites: ${suites.map((s) => s.name).join(', ')}; when named: ${namedOnly.map((s) => s.name).join(', ')}`,
  );
  process.exit(2);
}

const started = performance.now();
const results: BenchResult[] = [];
for (const suite of selected) {
  const t0 = performance.now();
  console.error(`running ${suite.name}${quick ? ' (quick)' : ''}...`);
  results.push(...(await suite.run({ quick })));
  console.error(`  ${suite.name}: ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}
const seconds = ((performance.now() - started) / 1000).toFixed(0);

const formatMs = (ms: number) =>
  ms >= 100 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(2) : ms >= 0.01 ? ms.toFixed(3) : ms.toFixed(4);
// Below 0.1 a ratio reads better with its "n times faster" beside it.
const formatRatio = (ratio: number | null) =>
  ratio === null || !Number.isFinite(ratio)
    ? ''
    : ratio >= 100
      ? `${ratio.toFixed(0)}x`
      : ratio >= 0.1
        ? `${ratio.toFixed(2)}x`
        : `${ratio.toFixed(ratio >= 0.01 ? 3 : 5)}x (1/${Math.round(1 / ratio).toLocaleString('en-US')})`;
const table = [
  '| benchmark | size | variant | median ms | IQR ms | vs floor | vs baseline | note |',
  '|---|---:|---|---:|---:|---:|---:|---|',
  ...results.map(
    (r) =>
      `| ${r.benchmark} | ${r.size.toLocaleString('en-US')} | ${r.variant} | ${formatMs(r.medianMs)} | ${r.iqrMs ? r.iqrMs.map(formatMs).join(' – ') : ''} | ${formatRatio(r.ratioToFloor)} | ${formatRatio(r.ratioToBaseline)} | ${r.note ?? ''} |`,
  ),
].join('\n');
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const where = process.env.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : 'PGlite';
const header = `Node ${process.version}, ${cpu} x${os.cpus().length}, ${where}, ${new Date().toISOString()}, ${seconds} s${quick ? ', quick run' : ''}. Medians; "vs floor" and "vs baseline" are ratios of medians measured in the same run (below 1 is faster).`;
console.log(`${header}\n\n${table}`);

// Written through a temporary file so a cut-off run never leaves half a result behind.
const dir = new URL('./results/', import.meta.url);
mkdirSync(dir, { recursive: true });
const write = (name: string, text: string) => {
  const tmp = new URL(`${name}.tmp`, dir);
  writeFileSync(tmp, text);
  renameSync(tmp, new URL(name, dir));
};
write('latest.md', `# Benchmarks\n\n${header}\n\n${table}\n`);
write('latest.json', `${JSON.stringify(results, null, 2)}\n`);
if (sinkValue() === 42) console.error(''); // keeps the sink observable
