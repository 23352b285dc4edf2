import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Browser tests poll the page and the API; on a loaded CI machine a write takes more than
    // the default second to show.
    expect: { poll: { timeout: 10_000 } },
  },
});
