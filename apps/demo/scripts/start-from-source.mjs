// `npm start` at the root: the demo from its TypeScript sources, no compile step. tsx loads
// src/main.ts and, through tsconfig.source.json's `paths`, the workspace packages' src/ instead
// of their dist/; esbuild bundles the page meanwhile. Every runtime path (the SQL files, the
// page, package.json reads) sits one level below its package root in src/ as in dist/, so it
// resolves the same. Type-checking is `npm run typecheck` / `npm test`'s job, not start-up's.
// The compiled way, closer to production: `npm run build`, then
// `npm run start --workspace=@section-sync/demo` (node dist/main.js).
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';
import { buildWeb } from './build-web.mjs';

const root = new URL('..', import.meta.url);
// The root's `npm start` runs this file directly (an `npm run --workspace` in between costs a
// second npm start-up); from the demo's directory, as that gave, a relative DATA_DIR means the same.
process.chdir(fileURLToPath(root));
// DEMO_DIST_DIR moves the page and the PGlite snapshot out of apps/demo/dist (main.ts reads it too).
const dist = process.env.DEMO_DIST_DIR
  ? resolve(process.env.DEMO_DIST_DIR)
  : fileURLToPath(new URL('dist/', root));

register({ tsconfig: fileURLToPath(new URL('tsconfig.source.json', root)) });
// esbuild works in its own process while this one loads the server's modules.
await Promise.all([buildWeb(resolve(dist, 'web')), import('../src/app.ts')]);
await import('../src/main.ts');
