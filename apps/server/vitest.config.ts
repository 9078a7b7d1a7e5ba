import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Each API test file opens its own database; on PostgreSQL they share one server, so files run one at a time there.
    fileParallelism: !process.env.DATABASE_URL,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
