// The one place outside src/lab/ that starts a process: loris starting ITSELF in the background
// (`loris agent` from `loris init`, `loris lab-serve` from `loris lab up`), never a shell or an OVS tool.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The argv (node, its flags, the entry point) that runs this same `loris` CLI, plus `args`. */
export function selfArgv(args: readonly string[]): string[] {
  return [process.execPath, ...cliArgv(), ...args];
}

/** Node arguments that run the CLI entry point next to this module (`.ts` through tsx in a checkout, `.js` in dist). */
function cliArgv(): string[] {
  if (!import.meta.url.endsWith('.ts')) return [...process.execArgv, fileURLToPath(new URL('../cli/main.js', import.meta.url))];
  // bin/loris.js registers tsx in-process, which leaves no trace in execArgv: load it explicitly.
  const loader = process.execArgv.some((a) => a.includes('tsx')) ? [] : [`--import=${import.meta.resolve('tsx')}`];
  return [...process.execArgv, ...loader, fileURLToPath(new URL('../cli/main.ts', import.meta.url))];
}

/**
 * Starts `loris <args…>` detached (own session, survives this process), stdout and stderr appended to
 * `logFile`. `onExit` is called if it exits while this process still runs. Returns its pid.
 */
export function spawnSelf(args: readonly string[], logFile: string, onExit?: (code: number | null) => void): number {
  const fd = openSync(logFile, 'a');
  try {
    const [node, ...rest] = selfArgv(args);
    const child = spawn(node, rest, { detached: true, stdio: ['ignore', fd, fd] });
    if (onExit) child.on('exit', onExit);
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start ${process.execPath}`);
    return child.pid;
  } finally {
    closeSync(fd);
  }
}
