import { defineConfig } from 'vitest/config';

// The test forks inherit this at start, as the CLI's processes get it from bin/sealer-recover.js
// (libuv sizes its pool once, before any test code runs; docs/operator-guide.md#threads).
process.env.UV_THREADPOOL_SIZE ??= '64';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Oracle tests need Rust and regenerate vectors; they run only via `npm run test:oracle`.
    exclude: process.env.ORACLE ? [] : ['test/oracle/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
