/**
 * The run record (what `bench/results/<date>.json` holds) and its rendering: SVG charts and `REPORT.md`.
 * Pure apart from the SVG rendering; writing files is `bench/render.ts`'s job.
 */
import { ratioChartSpec, seriesChartSpec, specToSvg, formatRatio } from './charts.js';
import type { BenchOutcome } from './harness.js';
import type { Machine } from './machine.js';
import type { BenchResult } from './result.js';

export const RUN_RECORD_VERSION = 1;

export interface RunRecord {
  version: number;
  /** ISO 8601 time the run started. */
  date: string;
  /** True for a `--small` smoke run: sizes too small to quote. */
  small: boolean;
  machine: Machine;
  benches: BenchOutcome[];
  /** Set when some benches were rerun (`--update`) on top of an earlier run: that run's date and the rerun names. */
  update?: { base: string; rerun: string[] };
}

/**
 * `fresh`'s benches replace `base`'s of the same name (others kept, in `base`'s order; new ones appended). The result
 * carries `fresh`'s date and machine and remembers the base run's date and every bench rerun since.
 */
export function mergeRuns(base: RunRecord, fresh: RunRecord): RunRecord {
  const byName = new Map(fresh.benches.map((b) => [b.name, b]));
  const benches = base.benches.map((b) => byName.get(b.name) ?? b);
  for (const b of fresh.benches) if (!base.benches.some((x) => x.name === b.name)) benches.push(b);
  const rerun = [...new Set([...(base.update?.rerun ?? []), ...fresh.benches.map((b) => b.name)])];
  return { ...fresh, benches, update: { base: base.update?.base ?? base.date, rerun } };
}

export interface Chart {
  /** File name inside the chart directory. */
  file: string;
  title: string;
  svg: string;
}

/** A file-name-safe slug: lower case, [a-z0-9-] only. */
export function slug(s: string): string {
  return (
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'x'
  );
}

function allResults(run: RunRecord): BenchResult[] {
  return run.benches.flatMap((b) => b.results);
}

export function seriesFile(r: BenchResult): string {
  return `series-${slug(r.bench)}-${slug(r.metric)}.svg`;
}

/** `ratios.svg` (when any metric has a ratio) and one `series-<bench>-<metric>.svg` per metric with a series. */
export async function renderCharts(run: RunRecord): Promise<Chart[]> {
  const charts: Chart[] = [];
  const bars = allResults(run)
    .filter((r) => r.ratio != null && r.ratio > 0)
    .map((r) => ({ label: `${r.bench}: ${r.metric}`, ratio: r.ratio as number }));
  if (bars.length > 0) {
    charts.push({ file: 'ratios.svg', title: 'loris vs reference', svg: await specToSvg(ratioChartSpec(bars)) });
  }
  for (const r of allResults(run)) {
    if (!r.series || r.series.length === 0) continue;
    charts.push({ file: seriesFile(r), title: `${r.bench}: ${r.metric}`, svg: await specToSvg(seriesChartSpec(r)) });
  }
  return charts;
}

/** Escapes text for a markdown table cell. */
export function cell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** The metric column: the id in code type, then what it measures when the bench said. */
export function metricCell(r: Pick<BenchResult, 'metric' | 'what'>): string {
  return r.what ? `\`${cell(r.metric)}\` ${cell(r.what)}` : cell(r.metric);
}

/** A figure as the table prints it: thousands separators from 1,000 up, else 4 significant digits; — for null. */
export function formatNumber(x: number | null | undefined): string {
  if (x == null) return '—';
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString('en-US');
  return Number(x.toPrecision(4)).toString();
}

function formatRatioCell(x: number | null): string {
  if (x == null) return '—';
  const s = `${formatRatio(x)}×`;
  return x >= 1 ? `**${s}**` : s;
}

function formatSpread(x: number | null): string {
  return x == null ? '—' : `${Number((x * 100).toPrecision(2))}%`;
}

const STATUS_TEXT: Record<BenchOutcome['status'], string> = {
  ok: 'ok',
  failed: 'failed',
  timeout: 'timed out',
  'no-results': 'no results',
  'not-implemented': 'not implemented',
};

export interface MarkdownOptions {
  /** Path of the chart directory relative to the report, e.g. `results/charts`. */
  chartDir: string;
  /** Path of the run's JSON file relative to the report. */
  resultsFile?: string;
}

function machineLine(m: Machine): string {
  return (
    `${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB RAM; ${m.os}, kernel ${m.kernel}; ` +
    `Node ${m.node}; Open vSwitch ${m.ovs}`
  );
}

export function renderMarkdown(run: RunRecord, charts: readonly Chart[], opts: MarkdownOptions): string {
  const out: string[] = [];
  const chartPath = (file: string): string => `${opts.chartDir.replace(/\/+$/, '')}/${file}`;
  out.push('# loris benchmarks', '');
  out.push(
    run.small
      ? '> **Smoke run (`--small`)**: sizes are cut to seconds; these figures check that the benches run, they are not measurements to quote.'
      : '> Full run. Every figure is the median of the runs shown, after a warm-up; loris and the reference ran in the same process tree on the same machine, one after the other.',
    '',
  );
  out.push(`- **Run:** ${run.date}${run.machine.commit ? ` at commit \`${run.machine.commit}\`` : ''}`);
  if (run.update) {
    out.push(
      `- **Partly rerun:** ${cell(run.update.rerun.join(', '))} rerun by \`--update\`; the other benches are from the run of ${run.update.base}`,
    );
  }
  out.push(`- **Machine:** ${cell(machineLine(run.machine))}`);
  if (opts.resultsFile) out.push(`- **Raw results:** [${opts.resultsFile}](${opts.resultsFile})`);
  out.push(
    `- **Regenerate:** \`npm run bench${run.small ? ' -- --small' : ''}\` (one bench: \`npm run bench -- <name>\`; re-render only: \`npx tsx bench/render.ts <results.json>\`)`,
    '',
  );

  const ok = run.benches.filter((b) => b.status === 'ok').length;
  const missing = run.benches.filter((b) => b.status === 'not-implemented').length;
  const broken = run.benches.length - ok - missing;
  out.push(
    `${run.benches.length} benches: ${ok} ran, ${broken} failed or gave no results, ${missing} not implemented.`,
    '',
  );

  const ratios = charts.find((c) => c.file === 'ratios.svg');
  if (ratios) out.push('## Ratios', '', `![${ratios.title}](${chartPath(ratios.file)})`, '');

  out.push('## Results', '');
  out.push(
    'Ratio > 1 means loris is ahead (reference ÷ loris for times, loris ÷ reference for rates). Spread: (max − min) ÷ median of the loris runs.',
    '',
  );
  out.push('| bench | metric | loris | reference | ratio | unit | runs | spread | note |');
  out.push('|---|---|--:|--:|--:|---|--:|--:|---|');
  for (const b of run.benches) {
    for (const r of b.results) {
      out.push(
        `| ${cell(r.bench)} | ${metricCell(r)} | ${formatNumber(r.loris)} | ${formatNumber(r.reference)} | ${formatRatioCell(r.ratio)} | ${cell(r.unit)} | ${formatNumber(r.runs)} | ${formatSpread(r.spread)} | ${cell(r.note ?? '')} |`,
      );
    }
    if (b.status !== 'ok') {
      out.push(`| ${cell(b.name)} | — | — | — | — | — | — | — | **${STATUS_TEXT[b.status]}**: ${cell(b.reason)} |`);
    }
  }
  out.push('');

  const series = charts.filter((c) => c.file !== 'ratios.svg');
  if (series.length > 0) {
    out.push('## Scaling', '');
    for (const c of series) out.push(`### ${cell(c.title)}`, '', `![${cell(c.title)}](${chartPath(c.file)})`, '');
  }

  out.push('## Benches', '');
  out.push('| bench | status | time | compares |');
  out.push('|---|---|--:|---|');
  for (const b of run.benches) {
    const status =
      b.status === 'ok'
        ? b.reason
          ? `ok (${cell(b.reason)})`
          : 'ok'
        : `**${STATUS_TEXT[b.status]}**: ${cell(b.reason)}`;
    const time = b.status === 'not-implemented' ? '—' : `${b.durationS} s`;
    out.push(`| ${cell(b.name)} | ${status} | ${time} | ${cell(b.compares)} |`);
  }
  out.push('');
  return out.join('\n');
}
