/**
 * The result line every benchmark prints, one per metric, and its parser.
 *
 *   {"bench":"flow-install","metric":"100k flows to barrier","loris":812,"reference":1504,"ratio":1.85,
 *    "unit":"ms","runs":5,"spread":0.04}
 *
 * `ratio > 1` means loris is ahead (for times: reference / loris; for rates: loris / reference); null for absolute
 * metrics with no reference. `metric` is a short id (the benchmark issue's names: `install-100k`, `connect-cli-p50`, …).
 * Optional fields: `what` (the metric in words, shown next to the id), `series` (a scaling curve), `seriesX` (the
 * x-axis name), `note` (why a value is missing or how it was obtained, shown in the report).
 */
import { LorisError } from '../../src/errors.js';
import { round } from './stats.js';

/** One point of a scaling curve: loris's `y` at `x`, and the reference tool's where it was measured. */
export interface SeriesPoint {
  x: number;
  y: number;
  reference?: number | null;
}

export interface BenchResult {
  bench: string;
  metric: string;
  loris: number | null;
  reference: number | null;
  ratio: number | null;
  unit: string;
  runs: number | null;
  spread: number | null;
  series?: SeriesPoint[];
  /** Name of the series' x axis, e.g. `containers` or `endpoints`. */
  seriesX?: string;
  /** What the metric measures, in words (the id alone is terse). */
  what?: string;
  note?: string;
}

/** A result line that is not valid JSON or lacks a required field. */
export class ResultLineError extends LorisError {
  constructor(message: string) {
    super(
      'LORIS_BENCH_RESULT',
      `${message}; a result line is {"bench","metric","loris","reference","ratio","unit","runs","spread"} on one line`,
    );
  }
}

/** True for a stdout line that is meant as a result line (starts with `{"bench"`, leading blanks allowed). */
export function isResultLine(line: string): boolean {
  return /^\s*\{\s*"bench"\s*:/.test(line);
}

function field(o: Record<string, unknown>, k: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined;
}

function numOrNull(o: Record<string, unknown>, k: string): number | null {
  const v = field(o, k);
  if (v === null) return null;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  throw new ResultLineError(`field "${k}" is ${JSON.stringify(v) ?? 'missing'}, expected a finite number or null`);
}

function str(o: Record<string, unknown>, k: string): string {
  const v = field(o, k);
  if (typeof v === 'string' && v.length > 0) return v;
  throw new ResultLineError(`field "${k}" is ${JSON.stringify(v) ?? 'missing'}, expected a non-empty string`);
}

function parseSeries(v: unknown): SeriesPoint[] {
  if (!Array.isArray(v))
    throw new ResultLineError(`field "series" is ${JSON.stringify(v)}, expected an array of {x, y}`);
  return v.map((p: unknown, i) => {
    if (typeof p !== 'object' || p === null)
      throw new ResultLineError(`series[${i}] is ${JSON.stringify(p)}, expected {x, y}`);
    const o = p as Record<string, unknown>;
    const x = field(o, 'x');
    const y = field(o, 'y');
    if (typeof x !== 'number' || !Number.isFinite(x) || typeof y !== 'number' || !Number.isFinite(y)) {
      throw new ResultLineError(`series[${i}] is ${JSON.stringify(p)}, expected finite numbers x and y`);
    }
    const point: SeriesPoint = { x, y };
    const ref = field(o, 'reference');
    if (ref !== undefined) {
      if (ref !== null && (typeof ref !== 'number' || !Number.isFinite(ref))) {
        throw new ResultLineError(`series[${i}].reference is ${JSON.stringify(ref)}, expected a finite number or null`);
      }
      point.reference = ref;
    }
    return point;
  });
}

/** Parses and validates one result line. Throws `ResultLineError` saying which field is wrong. */
export function parseResultLine(line: string): BenchResult {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (e) {
    throw new ResultLineError(`result line is not valid JSON (${(e as Error).message}): ${line.slice(0, 120)}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new ResultLineError(`result line is not a JSON object: ${line.slice(0, 120)}`);
  const o = v as Record<string, unknown>;
  const r: BenchResult = {
    bench: str(o, 'bench'),
    metric: str(o, 'metric'),
    loris: numOrNull(o, 'loris'),
    reference: numOrNull(o, 'reference'),
    ratio: numOrNull(o, 'ratio'),
    unit: str(o, 'unit'),
    runs: numOrNull(o, 'runs'),
    spread: numOrNull(o, 'spread'),
  };
  if (field(o, 'series') !== undefined) r.series = parseSeries(o.series);
  const seriesX = field(o, 'seriesX');
  if (typeof seriesX === 'string') r.seriesX = seriesX;
  const what = field(o, 'what');
  if (typeof what === 'string') r.what = what;
  const note = field(o, 'note');
  if (typeof note === 'string') r.note = note;
  return r;
}

/** Splits a child's stdout into result lines and everything else. Bad result lines come back as errors, not thrown. */
export function collectResults(stdout: string): { results: BenchResult[]; errors: string[] } {
  const results: BenchResult[] = [];
  const errors: string[] = [];
  for (const line of stdout.split('\n')) {
    if (!isResultLine(line)) continue;
    try {
      results.push(parseResultLine(line.trim()));
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  return { results, errors };
}

/**
 * The ratio for a result: > 1 when loris is ahead. `better: 'lower'` (default) is for times and sizes
 * (reference / loris); `better: 'higher'` is for rates (loris / reference). Null when either side is missing or 0.
 */
export function ratio(
  reference: number | null | undefined,
  loris: number | null | undefined,
  better: 'lower' | 'higher' = 'lower',
): number | null {
  if (reference == null || loris == null || !Number.isFinite(reference) || !Number.isFinite(loris)) return null;
  if (reference === 0 || loris === 0) return null;
  return round(better === 'lower' ? reference / loris : loris / reference);
}

/** The input to `emit`: `ratio` is computed from `better` when not given; `runs`/`spread` default to null. */
export type EmitInput = Omit<BenchResult, 'ratio' | 'runs' | 'spread'> & {
  ratio?: number | null;
  runs?: number | null;
  spread?: number | null;
  better?: 'lower' | 'higher';
};

/** Builds the result (rounding numbers to 4 significant digits) without printing it. */
export function toResult(input: EmitInput): BenchResult {
  const { better, ...rest } = input;
  const r = (x: number | null | undefined): number | null => (x == null ? null : round(x));
  const out: BenchResult = {
    bench: rest.bench,
    metric: rest.metric,
    loris: r(rest.loris),
    reference: r(rest.reference),
    ratio: rest.ratio !== undefined ? r(rest.ratio) : ratio(rest.reference, rest.loris, better),
    unit: rest.unit,
    runs: rest.runs ?? null,
    spread: r(rest.spread),
  };
  if (rest.series)
    out.series = rest.series.map((p) =>
      p.reference === undefined ? { x: p.x, y: round(p.y) } : { x: p.x, y: round(p.y), reference: r(p.reference) },
    );
  if (rest.seriesX) out.seriesX = rest.seriesX;
  if (rest.what) out.what = rest.what;
  if (rest.note) out.note = rest.note;
  return out;
}

/** Prints one result line on stdout (validated: a malformed result throws here, not in the harness) and returns it. */
export function emit(input: EmitInput): BenchResult {
  const result = toResult(input);
  const line = JSON.stringify(result);
  parseResultLine(line);
  process.stdout.write(`${line}\n`);
  return result;
}
