/**
 * Summary statistics for benchmark samples. Pure functions, no I/O.
 *
 * `spread` is the relative range of the samples, `(max − min) / median`, as a fraction (0.05 = 5 %). With the 3–7
 * runs a benchmark can afford, a range says more than a standard deviation and is what the report prints as ±.
 */
import { InvalidArgumentError } from '../../src/errors.js';

export interface Stats {
  median: number;
  min: number;
  max: number;
  mean: number;
  /** `(max − min) / median`; 0 for one sample or a zero median. */
  spread: number;
  /** Number of samples summarised. */
  runs: number;
}

function sortedCopy(samples: readonly number[], what: string): number[] {
  if (samples.length === 0) throw new InvalidArgumentError(`${what} of no samples: measure at least one run`);
  for (const s of samples) {
    if (!Number.isFinite(s))
      throw new InvalidArgumentError(`${what}: sample ${s} is not a finite number; check the timing code`);
  }
  return [...samples].sort((a, b) => a - b);
}

/** Median; the mean of the two middle samples for an even count. */
export function median(samples: readonly number[]): number {
  const s = sortedCopy(samples, 'median');
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Percentile `p` in [0, 100] by linear interpolation between closest ranks (p50 = median, p100 = max). */
export function percentile(samples: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new InvalidArgumentError(`percentile ${p} is outside 0..100; pass e.g. 50 or 99`);
  const s = sortedCopy(samples, 'percentile');
  const rank = (p / 100) * (s.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return s[lo] + (s[hi] - s[lo]) * (rank - lo);
}

/** Relative range `(max − min) / median` of the samples (0 when the median is 0). */
export function spread(samples: readonly number[]): number {
  const s = sortedCopy(samples, 'spread');
  const m = median(s);
  return m === 0 ? 0 : (s[s.length - 1] - s[0]) / Math.abs(m);
}

export function summarize(samples: readonly number[]): Stats {
  const s = sortedCopy(samples, 'summary');
  return {
    median: median(s),
    min: s[0],
    max: s[s.length - 1],
    mean: s.reduce((a, b) => a + b, 0) / s.length,
    spread: spread(s),
    runs: s.length,
  };
}

/** Rounds to `digits` significant digits, so JSON lines and tables don't carry float noise. */
export function round(x: number, digits = 4): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  return Number(x.toPrecision(digits));
}
