import { defineConfig } from 'vitest/config';
import { reporters } from '../../vitest.shared.ts';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Each test file opens its own database (PGlite in memory, or a fresh database on the server).
    fileParallelism: true,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    ...reporters('server'),
  },
});
