export * from './readiness.js';
export * from './retention.js';
export * from './totals.js';
