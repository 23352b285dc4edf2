export * from './domain.js';
export * from './http.js';
