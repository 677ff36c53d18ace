#!/usr/bin/env node
// CommonJS on purpose (bin/package.json): nothing may touch libuv's thread pool before the pool size
// below is in the environment. Every native job (labeling, trees, encoding) holds a pool thread for
// its whole run, hours for a 32 GiB sector, and file I/O shares the pool; with libuv's default of 4
// threads, `--parallel 4` would starve every fs call and `--parallel 6` would run only 4 sectors.
// libuv reads the size once, when the pool first starts — an ES module entry is too late, because
// the module loader's own file reads already started it (docs/operator-guide.md#threads).
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

if (!process.env.UV_THREADPOOL_SIZE) process.env.UV_THREADPOOL_SIZE = '64';

// In a source checkout the TypeScript runs through tsx, so the CLI can never be older than its
// sources; a packaged install without src/ runs the compiled dist/.
const root = join(__dirname, '..');
const source = join(root, 'src', 'cli', 'run.ts');
(async () => {
  if (existsSync(source)) {
    const { register } = await import('tsx/esm/api');
    register();
    await import(pathToFileURL(source).href);
  } else {
    await import(pathToFileURL(join(root, 'dist', 'cli', 'run.js')).href);
  }
})().catch((err) => {
  // a launcher failure (missing build, broken install) surfaces as Node's own uncaught error
  process.nextTick(() => {
    throw err;
  });
});
