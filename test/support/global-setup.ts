import { clearFigures, publishFigures } from './figures.js';

// Figures of one whole run: cleared before, merged after (see figures.ts).
export async function setup(): Promise<() => Promise<void>> {
  const started = Date.now();
  await clearFigures();
  return () => publishFigures(Date.now() - started);
}
