import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Suites start real servers and SQLite files; two workers fit the 2-core machines CI runs on.
    maxWorkers: 2,
  },
});
