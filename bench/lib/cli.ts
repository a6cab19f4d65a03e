/** Command-line parsing for `bench/run.ts` (kept apart so it can be tested without running benches). */
import { resolve } from 'node:path';
import { InvalidArgumentError } from '../../src/errors.js';

export interface HarnessOptions {
  small: boolean;
  strict: boolean;
  list: boolean;
  /** Rerun the named benches on top of the newest earlier record instead of starting a new one. */
  update: boolean;
  timeoutS: number | null;
  out: string | null;
  only: string[];
}

const USAGE =
  'usage: npm run bench -- [--small] [--strict] [--timeout SECONDS] [--out DIR] [--list] [--update bench ...] [bench ...]';

export function parseOptions(argv: readonly string[]): HarnessOptions {
  const o: HarnessOptions = {
    small: false,
    strict: false,
    list: false,
    update: false,
    timeoutS: null,
    out: null,
    only: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--small') o.small = true;
    else if (a === '--strict') o.strict = true;
    else if (a === '--list') o.list = true;
    else if (a === '--update') o.update = true;
    else if (a === '--timeout') {
      const s = Number(argv[++i]);
      if (!(s > 0)) throw new InvalidArgumentError(`--timeout needs a positive number of seconds; ${USAGE}`);
      o.timeoutS = s;
    } else if (a === '--out') {
      const d = argv[++i];
      if (!d) throw new InvalidArgumentError(`--out needs a directory; ${USAGE}`);
      o.out = resolve(d);
    } else if (a === '--help' || a === '-h') throw new InvalidArgumentError(USAGE);
    else if (a.startsWith('-')) throw new InvalidArgumentError(`unknown option ${a}; ${USAGE}`);
    else o.only.push(a.replace(/^bench\//, '').replace(/\.ts$/, ''));
  }
  if (o.update && o.only.length === 0) throw new InvalidArgumentError(`--update needs the benches to rerun; ${USAGE}`);
  return o;
}

/** `2026-12-03T14-05-09Z`: the run's ISO time, made safe for a file name. */
export function fileStamp(d: Date): string {
  return d
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
}
