import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // ../shared (real articles, evaluation data) must sit beside the repository: one clear error if not.
    globalSetup: ['tests/setup/shared-data.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Suites start real servers and SQLite files; two workers fit the 2-core machines CI runs on.
    maxWorkers: 2,
  },
});
