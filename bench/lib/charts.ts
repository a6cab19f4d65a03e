/**
 * SVG charts for the report, rendered in Node without a browser: a Vega-Lite spec is compiled to Vega and drawn by
 * `vega.View.toSVG()` with no renderer attached (no canvas, no DOM).
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { BenchResult } from './result.js';

const FONT = 'Helvetica, Arial, sans-serif';
const AHEAD = '#2e7d32';
const BEHIND = '#c62828';
const LABEL_AXIS = { field: 'label', type: 'nominal', sort: null, title: null, axis: { labelLimit: 600 } } as const;
/** Longest bar label; vega without a canvas over-estimates text width, so labels are cut here, not by vega. */
const LABEL_MAX = 64;

export async function specToSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export interface RatioBar {
  label: string;
  ratio: number;
}

/** Horizontal bars from 1 to each ratio on a log axis: right and green = loris ahead, left and red = behind. */
export function ratioChartSpec(bars: readonly RatioBar[]): TopLevelSpec {
  const ratios = bars.map((b) => b.ratio);
  // Room past each bar's end for its figure (about a factor 2 at this width).
  const lo = Math.min(0.5, ...ratios.map((r) => r / 2.5));
  const hi = Math.max(2, ...ratios.map((r) => r * 2.5));
  const values = bars.map((b) => ({
    label: b.label.length > LABEL_MAX ? `${b.label.slice(0, LABEL_MAX - 1)}…` : b.label,
    ratio: b.ratio,
    ahead: b.ratio >= 1 ? 'loris ahead' : 'loris behind',
    text: `${formatRatio(b.ratio)}×`,
  }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'loris vs reference (ratio > 1: loris ahead)', font: FONT },
    width: 560,
    height: { step: 22 },
    config: { font: FONT, view: { stroke: null } },
    data: { values },
    layer: [
      {
        mark: { type: 'bar', height: 14 },
        encoding: {
          y: LABEL_AXIS,
          x: {
            field: 'ratio',
            type: 'quantitative',
            scale: { type: 'log', domain: [lo, hi], nice: false },
            title: 'ratio (log scale)',
          },
          x2: { datum: 1 },
          color: {
            field: 'ahead',
            type: 'nominal',
            scale: { domain: ['loris ahead', 'loris behind'], range: [AHEAD, BEHIND] },
            legend: null,
          },
        },
      },
      // The figure sits past the bar's far end: right of it when ahead, left of it when behind.
      {
        transform: [{ filter: 'datum.ratio >= 1' }],
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 11 },
        encoding: {
          y: LABEL_AXIS,
          x: { field: 'ratio', type: 'quantitative' },
          text: { field: 'text', type: 'nominal' },
        },
      },
      {
        transform: [{ filter: 'datum.ratio < 1' }],
        mark: { type: 'text', align: 'right', dx: -4, fontSize: 11 },
        encoding: {
          y: LABEL_AXIS,
          x: { field: 'ratio', type: 'quantitative' },
          text: { field: 'text', type: 'nominal' },
        },
      },
      { mark: { type: 'rule', color: '#333' }, encoding: { x: { datum: 1 } } },
    ],
  };
}

/** Log axis when the values span more than two decades and are all positive. */
function axisScale(xs: readonly number[]): { type: 'log' | 'linear'; zero?: boolean } {
  const pos = xs.filter((x) => x > 0);
  if (pos.length === xs.length && pos.length > 1 && Math.max(...pos) / Math.min(...pos) > 100) return { type: 'log' };
  return { type: 'linear', zero: false };
}

/** A scaling curve: loris (and the reference where measured) against the series' x. */
export function seriesChartSpec(r: BenchResult): TopLevelSpec {
  const points = r.series ?? [];
  const values: { x: number; y: number; who: string }[] = [];
  for (const p of points) {
    values.push({ x: p.x, y: p.y, who: 'loris' });
    if (p.reference != null) values.push({ x: p.x, y: p.reference, who: 'reference' });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `${r.bench}: ${r.metric}`, font: FONT },
    width: 480,
    height: 260,
    config: { font: FONT },
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: r.seriesX ?? 'x', scale: axisScale(values.map((v) => v.x)) },
      y: { field: 'y', type: 'quantitative', title: r.unit, scale: axisScale(values.map((v) => v.y)) },
      color: {
        field: 'who',
        type: 'nominal',
        title: null,
        // 'reference' only in the legend when the curve has reference points.
        scale: values.some((v) => v.who === 'reference')
          ? { domain: ['loris', 'reference'], range: ['#1565c0', '#ef6c00'] }
          : { domain: ['loris'], range: ['#1565c0'] },
      },
    },
  };
}

/** A ratio as the report prints it: 3 significant digits, no float noise. */
export function formatRatio(x: number): string {
  return x >= 100 ? Math.round(x).toString() : Number(x.toPrecision(3)).toString();
}
