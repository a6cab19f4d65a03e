import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../api/errors.js';
import { LorisError } from '../errors.js';
import { EXIT_OK, exitStatusFor } from './exit-codes.js';
import { Output } from './output.js';
import { runFast } from './fast.js';
import type { GlobalOptions } from './program.js';

export interface MainIo {
  stdout?: NodeJS.WritableStream & { isTTY?: boolean };
  stderr?: NodeJS.WritableStream & { isTTY?: boolean };
}

export interface MainOptions {
  /** Try the agent fast path first (default true; bin/loris.js passes false after trying it itself). */
  fast?: boolean;
}

/**
 * Runs the `loris` command line and returns its exit status (never calls process.exit itself, so
 * tests can run it in-process). `argv` is the full process argv (node, script, args…).
 */
export async function main(argv: readonly string[] = process.argv, io: MainIo = {}, opts: MainOptions = {}): Promise<number> {
  // connect/disconnect with a running agent: no commander, no protocol code (see fast.ts).
  if (opts.fast !== false) {
    const fast = await runFast(argv.slice(2), io);
    if (fast !== undefined) return fast;
  }
  const [{ CommanderError }, { buildProgram }] = await Promise.all([import('commander'), import('./program.js')]);
  const wantsJson = argv.includes('--json');
  const verbose = argv.filter((a) => a === '-v' || a === '--verbose').length + 2 * argv.filter((a) => a === '-vv').length;
  let output = new Output({ json: wantsJson, verbose, ...io });
  let usageText = '';
  const program = buildProgram(
    (g: GlobalOptions) => (output = new Output({ json: g.json, verbose: g.verbose, ...io })),
    (p) => {
      p.exitOverride();
      p.configureOutput({
        writeOut: (s) => (io.stdout ?? process.stdout).write(s),
        // Commander's own error text is kept and turned into one UsageError line below.
        writeErr: (s) => {
          usageText += s;
        },
        outputError: (s) => {
          usageText += s;
        },
      });
    },
  );
  // Keeps the event loop alive while a command awaits: some layers wait on unref'd timers (the OpenFlow
  // connection's), and Node would otherwise exit silently with status 0 mid-command.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  try {
    await program.parseAsync([...argv]);
    return EXIT_OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return EXIT_OK; // --help, --version
      const msg = (usageText || err.message).replace(/^error:\s*/i, '').trim().split('\n')[0];
      const e = new UsageError(`${msg}; see loris --help`);
      output.error(e, exitStatusFor(e.code));
      return exitStatusFor(e.code);
    }
    const status = exitStatusFor(err instanceof LorisError ? err.code : undefined);
    output.error(err, status);
    return status;
  } finally {
    clearInterval(keepAlive);
  }
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main().then(
    (status) => {
      process.exit(status);
    },
    (err: unknown) => {
      process.stderr.write(`loris: ${String(err)}\n`);
      process.exit(1);
    },
  );
}
