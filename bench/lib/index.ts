/** Shared helpers for `bench/<name>.ts`. Import from `./lib/index.js`. See docs/benchmarks.md. */
export { median, percentile, spread, summarize, round, type Stats } from './stats.js';
export { measure, timeOnce, nowMs, perSecond, log, type MeasureOptions, type Measurement } from './measure.js';
export {
  emit,
  toResult,
  ratio,
  parseResultLine,
  isResultLine,
  collectResults,
  ResultLineError,
  type BenchResult,
  type SeriesPoint,
  type EmitInput,
} from './result.js';
export { runTimed, timeCommand, commandError, which, type CommandOptions, type TimedRun } from './command.js';
export { runPython, runPythonJson, hasPythonModule, SYSTEM_PYTHON } from './python.js';
export { parseBenchArgs, size, sizeId, type BenchArgs } from './args.js';
