export * from './backends.js';
export * from './pglite.js';
export * from './postgres.js';
