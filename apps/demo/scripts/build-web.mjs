// Bundles the page (web/src/main.ts and what it imports, core's pure parser included) into
// dist/web with esbuild, and copies the static files next to it. Nothing is loaded from the
// internet at run time.
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist/web`;

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
  metafile: true,
  logLevel: 'warning',
});
await copyFile(`${root}web/index.html`, `${out}/index.html`);
await copyFile(`${root}web/styles.css`, `${out}/styles.css`);
await copyFile(`${root}web/favicon.svg`, `${out}/favicon.svg`);
const bytes = Object.values(result.metafile.outputs).find((o) => o.entryPoint)?.bytes ?? 0;
console.log(`web: dist/web/app.js ${(bytes / 1024).toFixed(1)} KiB`);
