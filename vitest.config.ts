import { defineConfig } from 'vitest/config';

// `npx vitest` at the root runs every workspace's suite; `npm test` runs them through turbo.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'test', 'bench'],
  },
});
