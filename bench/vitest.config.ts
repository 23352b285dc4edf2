import { defineProject } from 'vitest/config';

// Only the baselines' faithfulness is tested here; benchmarks are never timed tests.
export default defineProject({
  test: {
    include: ['*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
