import { defineConfig } from 'vitest/config';

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
