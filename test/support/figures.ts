import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';

/** Where the suite publishes its figures (gitignored: each run writes its own). */
export const RESULTS_DIR = new URL('../results/', import.meta.url);
const PARTS_DIR = new URL('parts/', RESULTS_DIR);

/** Figures of one area (`concurrency`, `faults-restart`...): counts people can check. */
export type Figures = Record<string, number | string | boolean | Record<string, number>>;

/**
 * Records one test module's figures; the global teardown merges every module's into
 * `results/reliability.json` and `results/reliability.md`. Files run in parallel workers, so
 * each writes its own part.
 */
export async function recordFigures(area: string, figures: Figures): Promise<void> {
  await mkdir(PARTS_DIR, { recursive: true });
  await writeFile(new URL(`${area}.json`, PARTS_DIR), `${JSON.stringify(figures, null, 2)}\n`);
}

/** Removes the parts of an earlier run. */
export async function clearFigures(): Promise<void> {
  await rm(PARTS_DIR, { recursive: true, force: true });
}

/** Merges the parts into reliability.json and a markdown table; nothing when no part exists. */
export async function publishFigures(durationMs: number): Promise<void> {
  let files: string[];
  try {
    files = (await readdir(PARTS_DIR)).filter((f) => f.endsWith('.json')).sort();
  } catch {
    return;
  }
  if (files.length === 0) return;
  const areas: Record<string, Figures> = {};
  for (const file of files) {
    areas[file.slice(0, -5)] = JSON.parse(await readFile(new URL(file, PARTS_DIR), 'utf8'));
  }
  const summary = {
    takenAt: new Date().toISOString(),
    node: process.version,
    suiteSeconds: Math.round(durationMs / 100) / 10,
    areas,
  };
  await writeFile(
    new URL('reliability.json', RESULTS_DIR),
    `${JSON.stringify(summary, null, 2)}\n`,
  );
  const lines = [
    `# Reliability figures (${summary.takenAt}, Node ${summary.node}, ${summary.suiteSeconds} s)`,
    '',
    '| area | figure | value |',
    '|---|---|---:|',
  ];
  for (const [area, figures] of Object.entries(areas)) {
    for (const [name, value] of Object.entries(figures)) {
      lines.push(
        `| ${area} | ${name} | ${typeof value === 'object' ? JSON.stringify(value) : value} |`,
      );
    }
  }
  await writeFile(new URL('reliability.md', RESULTS_DIR), `${lines.join('\n')}\n`);
}
