import { defineConfig } from 'vitest/config';
import { reporters } from '../vitest.shared.ts';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['./setup/server.ts'],
    // One real server and one browser at a time: the flows build on a shared database.
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 240_000,
    teardownTimeout: 30_000,
    // A page waits on the server and on lazy-loaded code: a polled assertion gets as long as a locator does.
    expect: { poll: { timeout: 30_000 } },
    ...reporters('e2e'),
  },
});
