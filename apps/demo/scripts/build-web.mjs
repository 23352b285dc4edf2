// Bundles the page (web/src/main.ts and what it imports, core's pure parser included, from its
// TypeScript source) into dist/web with esbuild, and copies the static files next to it.
// Nothing is loaded from the internet at run time. `npm run build` runs it as a script; the
// from-source start (start-from-source.mjs) calls buildWeb.
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Writes the page into `out` (default apps/demo/dist/web), replacing what was there.
 * @param {string} [out]
 * @returns {Promise<number>} the bundle's size in bytes
 */
export async function buildWeb(out = `${root}dist/web`) {
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const result = await build({
    entryPoints: [`${root}web/src/main.ts`],
    bundle: true,
    format: 'esm',
    target: ['chrome110', 'firefox110', 'safari16'],
    minify: true,
    sourcemap: true,
    outfile: `${out}/app.js`,
    // Core from its sources (tsconfig.source.json's paths): the bundle needs no compiled package.
    tsconfig: `${root}tsconfig.source.json`,
    metafile: true,
    logLevel: 'warning',
  });
  await copyFile(`${root}web/styles.css`, `${out}/styles.css`);
  await copyFile(`${root}web/favicon.svg`, `${out}/favicon.svg`);
  // Last: the server serves the page once index.html is there.
  await copyFile(`${root}web/index.html`, `${out}/index.html`);
  return Object.values(result.metafile.outputs).find((o) => o.entryPoint)?.bytes ?? 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const bytes = await buildWeb();
  console.log(`web: dist/web/app.js ${(bytes / 1024).toFixed(1)} KiB`);
}
