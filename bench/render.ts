/**
 * Renders a run record into a markdown report with SVG charts.
 *
 *   npx tsx bench/render.ts [results.json] [--out REPORT.md]
 *
 * Without arguments it re-renders bench/REPORT.md from the newest bench/results/<date>.json.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { renderCharts, renderMarkdown, RUN_RECORD_VERSION, type RunRecord } from './lib/report.js';
import { LorisError } from '../src/errors.js';

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const RESULTS_DIR = join(BENCH_DIR, 'results');

export interface ReportPaths {
  /** The markdown file to write. */
  report: string;
  /** Directory for the SVG charts; its old `*.svg` files are removed first. */
  chartDir: string;
  /** The run's JSON file, linked from the report when given. */
  resultsFile?: string;
}

/** Writes the charts and the markdown report for `run`. Returns the chart files written. */
export async function writeReport(run: RunRecord, paths: ReportPaths): Promise<string[]> {
  const charts = await renderCharts(run);
  await mkdir(paths.chartDir, { recursive: true });
  for (const f of await readdir(paths.chartDir)) {
    if (f.endsWith('.svg')) await rm(join(paths.chartDir, f));
  }
  for (const c of charts) await writeFile(join(paths.chartDir, c.file), c.svg);
  const from = dirname(paths.report);
  const md = renderMarkdown(run, charts, {
    chartDir: relative(from, paths.chartDir) || '.',
    resultsFile: paths.resultsFile ? relative(from, paths.resultsFile) : undefined,
  });
  await mkdir(from, { recursive: true });
  await writeFile(paths.report, md);
  return charts.map((c) => join(paths.chartDir, c.file));
}

export class RunRecordError extends LorisError {
  constructor(file: string, what: string) {
    super('LORIS_BENCH_RECORD', `${file}: ${what}; pass a bench/results/<date>.json written by \`npm run bench\``);
  }
}

export async function readRunRecord(file: string): Promise<RunRecord> {
  let v: unknown;
  try {
    v = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new RunRecordError(file, `cannot read it as JSON (${(e as Error).message})`);
  }
  if (typeof v !== 'object' || v === null || !('version' in v) || !('benches' in v) || !Array.isArray(v.benches)) {
    throw new RunRecordError(file, 'not a run record (no version/benches)');
  }
  if (v.version !== RUN_RECORD_VERSION)
    throw new RunRecordError(file, `record version ${String(v.version)} is not ${RUN_RECORD_VERSION}`);
  return v as RunRecord;
}

/** The newest `bench/results/<date>.json` (file names sort by date). */
export async function latestRecord(dir = RESULTS_DIR): Promise<string | null> {
  const files = (await readdir(dir).catch(() => [] as string[]))
    .filter((f) => /^\d{4}-\d\d-\d\dT.*\.json$/.test(f))
    .sort();
  return files.length ? join(dir, files[files.length - 1]) : null;
}

async function main(argv: string[]): Promise<void> {
  let out = join(BENCH_DIR, 'REPORT.md');
  let file: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') out = resolve(argv[++i] ?? out);
    else file = resolve(argv[i]);
  }
  file ??= await latestRecord();
  if (!file) throw new RunRecordError(RESULTS_DIR, 'no results yet; run `npm run bench` first');
  const run = await readRunRecord(file);
  const chartDir = join(dirname(file), 'charts');
  const written = await writeReport(run, { report: out, chartDir, resultsFile: file });
  process.stderr.write(`wrote ${out} and ${written.length} chart(s) in ${chartDir}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
