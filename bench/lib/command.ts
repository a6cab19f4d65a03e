/**
 * Running reference tools (ovs-ofctl, ovs-vsctl, ip, …) from a benchmark and timing them. Benchmarks are not the
 * product: they may spawn these tools, as tests do, to measure what loris replaces.
 */
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { run, LabCommandError, type RunResult } from '../../src/lab/exec.js';
import { TimeoutError, type LorisError } from '../../src/errors.js';
import { nowMs } from './measure.js';

export interface CommandOptions {
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export interface TimedRun extends RunResult {
  /** Wall-clock milliseconds from spawn to exit. */
  ms: number;
}

/** Runs `argv` and returns its output, exit code and wall time; never throws for a non-zero exit. */
export async function runTimed(argv: string[], opts: CommandOptions = {}): Promise<TimedRun> {
  const t0 = nowMs();
  const r = await run(argv, opts);
  return { ...r, ms: nowMs() - t0 };
}

/**
 * The error for a command that did not exit 0: `TimeoutError` when it was killed at `opts.timeoutMs`, else
 * `LabCommandError` with its exit code and stderr. `shown` is the argv to print (e.g. without a long script).
 */
export function commandError(shown: string[], r: TimedRun, opts: CommandOptions = {}): LorisError {
  if (r.code === null && opts.timeoutMs !== undefined && r.ms >= opts.timeoutMs) {
    return new TimeoutError(`${shown.join(' ')} (killed at its timeoutMs)`, opts.timeoutMs);
  }
  return new LabCommandError(shown, r.code, r.stderr);
}

/** Wall-clock milliseconds `argv` takes; throws `commandError` (with its stderr, or a timeout) unless it exits 0. */
export async function timeCommand(argv: string[], opts: CommandOptions = {}): Promise<number> {
  const r = await runTimed(argv, opts);
  if (r.code !== 0) throw commandError(argv, r, opts);
  return r.ms;
}

/** The absolute path of `name` on PATH, or null: lets a bench report "reference not installed" instead of failing. */
export async function which(name: string): Promise<string | null> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      await access(p, constants.X_OK);
      return p;
    } catch {
      // not here; keep looking
    }
  }
  return null;
}
