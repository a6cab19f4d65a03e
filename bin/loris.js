#!/usr/bin/env node
// The `loris` command. Runs the compiled CLI (dist/, `npm run build`) when present, else the TypeScript
// sources through tsx (a checkout); LORIS_TSX=1 forces the sources. Exits with the CLI's status
// (see `loris exit-codes`).
import { existsSync } from 'node:fs';
import { URL } from 'node:url';

const compiled = new URL('../dist/src/cli/main.js', import.meta.url);
let mod;
if (process.env.LORIS_TSX !== '1' && existsSync(compiled)) {
  mod = await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  mod = await import(new URL('../src/cli/main.ts', import.meta.url).href);
}
process.exit(await mod.main(process.argv));
