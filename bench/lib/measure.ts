/**
 * Timing helpers: run a function a few times after a warm-up and summarise the wall-clock times in milliseconds.
 */
import { InvalidArgumentError } from '../../src/errors.js';
import { summarize, type Stats } from './stats.js';

/** Monotonic clock in milliseconds (fractional). */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Wall-clock milliseconds one call of `fn` takes (awaited when it returns a promise). */
export async function timeOnce(fn: () => unknown): Promise<number> {
  const t0 = nowMs();
  await fn();
  return nowMs() - t0;
}

export interface MeasureOptions {
  /** Measured runs (default 5; at least 1, and the convention asks for ≥ 3). */
  runs?: number;
  /** Unmeasured runs first (default 1). */
  warmup?: number;
  /** Called before each run, warm-up included, outside the timed region (e.g. to reset state). */
  before?: (run: number) => unknown;
  /** Called after each run, outside the timed region (e.g. to clean up). */
  after?: (run: number) => unknown;
  /** Progress label: when set, each run prints `label: run i/n: x ms` on stderr. */
  label?: string;
}

export interface Measurement extends Stats {
  /** Milliseconds of each measured run, in run order. */
  samples: number[];
}

/**
 * Runs `fn` `warmup` times unmeasured, then `runs` times measured, and returns the median/spread of the measured runs
 * in milliseconds. `fn` may be sync or async; `fn`'s own return value is ignored.
 */
export async function measure(fn: (run: number) => unknown, opts: MeasureOptions = {}): Promise<Measurement> {
  const runs = opts.runs ?? 5;
  const warmup = opts.warmup ?? 1;
  if (!Number.isInteger(runs) || runs < 1)
    throw new InvalidArgumentError(`measure: runs=${runs}; pass a positive integer`);
  if (!Number.isInteger(warmup) || warmup < 0)
    throw new InvalidArgumentError(`measure: warmup=${warmup}; pass 0 or more`);
  const samples: number[] = [];
  for (let i = -warmup; i < runs; i++) {
    await opts.before?.(i);
    const ms = await timeOnce(() => fn(i));
    await opts.after?.(i);
    if (i >= 0) samples.push(ms);
    if (opts.label) log(`${opts.label}: ${i < 0 ? 'warm-up' : `run ${i + 1}/${runs}`}: ${ms.toFixed(2)} ms`);
  }
  return { ...summarize(samples), samples };
}

/** Operations per second for `count` operations that took `ms` milliseconds. */
export function perSecond(count: number, ms: number): number {
  return ms > 0 ? (count * 1000) / ms : Infinity;
}

/** Progress output for humans. Goes to stderr so stdout carries only the result lines. */
export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}
