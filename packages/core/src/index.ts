/**
 * @section-sync/core: pure TypeScript (no I/O) — parse every master format, plan
 * identity-preserving syncs, render the canonical master, and the wire schemas.
 * Database code lives in `@section-sync/postgres`.
 */
export * from './errors.js';
export * from './formats/index.js';
export * from './plan/index.js';
export * from './render/index.js';
export * from './schemas/index.js';
export * from './types.js';
