#!/usr/bin/env node
// The `loris` command. CommonJS (bin/package.json) so that a plain `loris connect` / `loris disconnect`
// handed to a running agent loads one small bundle (dist/cli-fast.cjs, built by `npm run build`) and
// never starts Node's ES module loader. Everything else runs the compiled CLI (dist/) when present,
// else the TypeScript sources through tsx (a checkout); LORIS_TSX=1 forces the sources. Exits with
// the CLI's status (see `loris exit-codes`).
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const sources = process.env.LORIS_TSX === '1';

async function run() {
  const fast = join(root, 'dist', 'cli-fast.cjs');
  const tryFast = !sources && existsSync(fast);
  if (tryFast) {
    const status = await require(fast).runFast(process.argv.slice(2), {});
    if (status !== undefined) return status;
  }
  const { pathToFileURL } = require('node:url');
  const compiled = join(root, 'dist', 'src', 'cli', 'main.js');
  let mod;
  if (!sources && existsSync(compiled)) {
    mod = await import(pathToFileURL(compiled).href);
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    mod = await import(pathToFileURL(join(root, 'src', 'cli', 'main.ts')).href);
  }
  return mod.main(process.argv, {}, { fast: !tryFast });
}

run().then(
  (status) => process.exit(status),
  (err) => {
    process.stderr.write(`loris: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
