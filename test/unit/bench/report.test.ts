import test from 'ava';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  renderCharts,
  renderMarkdown,
  mergeRuns,
  slug,
  cell,
  metricCell,
  formatNumber,
  RUN_RECORD_VERSION,
  type RunRecord,
} from '../../../bench/lib/report.js';
import { writeReport, readRunRecord, RunRecordError } from '../../../bench/render.js';
import { run } from '../../../src/lab/exec.js';
import { writeFile } from 'node:fs/promises';

const RUN: RunRecord = {
  version: RUN_RECORD_VERSION,
  date: '2026-12-03T14:00:00.000Z',
  small: false,
  machine: {
    cpuModel: 'Test CPU',
    cores: 2,
    memoryGiB: 8,
    kernel: '6.18.0',
    os: 'Debian GNU/Linux 12 (bookworm)',
    node: 'v20.20.2',
    ovs: '3.1.0',
    hostname: 'h',
    commit: 'abc1234',
  },
  benches: [
    {
      name: 'flow-install',
      compares: 'loris vs ovs-ofctl',
      status: 'ok',
      reason: '',
      exitCode: 0,
      durationS: 12.5,
      badLines: [],
      results: [
        {
          bench: 'flow-install',
          metric: '100k flows | bundle',
          loris: 812,
          reference: 1504,
          ratio: 1.852,
          unit: 'ms',
          runs: 5,
          spread: 0.04,
        },
        {
          bench: 'flow-install',
          metric: 'rate <fast> & "quoted"',
          loris: 1.2e6,
          reference: 1.5e6,
          ratio: 0.8,
          unit: 'flows/s',
          runs: 5,
          spread: 0.1,
        },
      ],
    },
    {
      name: 'scale',
      compares: 'flows per endpoint',
      status: 'ok',
      reason: '',
      exitCode: 0,
      durationS: 60,
      badLines: [],
      results: [
        {
          bench: 'scale',
          metric: 'flows vs endpoints',
          loris: 40000,
          reference: null,
          ratio: null,
          unit: 'flows',
          runs: 3,
          spread: 0,
          series: [
            { x: 10, y: 40, reference: 50 },
            { x: 100, y: 400, reference: 520 },
            { x: 1000, y: 4000 },
          ],
          seriesX: 'endpoints',
          note: 'absolute',
        },
      ],
    },
    {
      name: 'attach',
      compares: 'rtnetlink vs ip',
      status: 'failed',
      reason: 'exit 1: Error: EPERM',
      exitCode: 1,
      durationS: 2,
      badLines: [],
      results: [],
    },
    {
      name: 'connect',
      compares: 'latency',
      status: 'not-implemented',
      reason: 'bench/connect.ts does not exist yet',
      exitCode: null,
      durationS: 0,
      badLines: [],
      results: [],
    },
  ],
};

/** Parses SVG with Python's XML parser, an independent observer of well-formedness. */
async function assertWellFormedSvg(svg: string): Promise<string | null> {
  const r = await run(
    ['/usr/bin/python3', '-c', 'import sys, xml.etree.ElementTree as E; print(E.fromstring(sys.stdin.read()).tag)'],
    { input: svg },
  );
  return r.code === 0 ? r.stdout.trim() : r.stderr;
}

test('charts: a ratio chart and one line chart per series, each well-formed SVG with the data in it', async (t) => {
  const charts = await renderCharts(RUN);
  t.deepEqual(
    charts.map((c) => c.file),
    ['ratios.svg', 'series-scale-flows-vs-endpoints.svg'],
  );
  for (const c of charts) {
    t.true(c.svg.startsWith('<svg'), c.file);
    t.is(await assertWellFormedSvg(c.svg), '{http://www.w3.org/2000/svg}svg', c.file);
  }
  const ratios = charts[0].svg;
  t.true(ratios.includes('1.85×'));
  t.true(ratios.includes('0.8×'));
  t.true(ratios.includes('&lt;fast&gt; &amp;'), 'labels are XML-escaped');
  t.true(charts[1].svg.includes('endpoints'));
  t.true(charts[1].svg.includes('>reference<'), 'the legend names the reference when it has points');
});

test('markdown: every metric, failed and missing benches with the reason, charts linked, tables rectangular', async (t) => {
  const charts = await renderCharts(RUN);
  const md = renderMarkdown(RUN, charts, { chartDir: 'results/charts', resultsFile: 'results/x.json' });
  t.true(md.includes('![loris vs reference](results/charts/ratios.svg)'));
  t.true(md.includes('(results/charts/series-scale-flows-vs-endpoints.svg)'));
  t.true(md.includes('| flow-install | 100k flows \\| bundle | 812 | 1,504 | **1.85×** | ms | 5 | 4% |  |'));
  t.true(md.includes('| 1,200,000 | 1,500,000 | 0.8× | flows/s |'));
  t.true(md.includes('**failed**: exit 1: Error: EPERM'));
  t.true(md.includes('**not implemented**: bench/connect.ts does not exist yet'));
  t.true(md.includes('Test CPU, 2 cores, 8 GiB RAM'));
  t.true(md.includes('4 benches: 2 ran, 1 failed or gave no results, 1 not implemented.'));
  // Every row of a table has as many unescaped cell separators as its header.
  const blocks = md.split('\n\n').filter((b) => b.startsWith('|'));
  t.is(blocks.length, 2);
  for (const b of blocks) {
    const counts = b
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => l.replace(/\\\|/g, '').split('|').length);
    t.true(
      counts.every((c) => c === counts[0]),
      `table rows differ in width: ${counts.join(',')}`,
    );
  }
});

test('a smoke run is labelled as such; no ratios → no ratio chart', async (t) => {
  const small: RunRecord = { ...RUN, small: true, benches: [RUN.benches[3]] };
  const charts = await renderCharts(small);
  t.is(charts.length, 0);
  const md = renderMarkdown(small, charts, { chartDir: 'charts' });
  t.true(md.includes('Smoke run (`--small`)'));
  t.false(md.includes('## Ratios'));
});

test('writeReport writes the report and charts, replacing stale charts; readRunRecord checks the file', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'loris-report-test-'));
  try {
    const chartDir = join(dir, 'results', 'charts');
    const resultsFile = join(dir, 'results', 'r.json');
    await writeReport({ ...RUN, benches: [RUN.benches[0]] }, { report: join(dir, 'REPORT.md'), chartDir, resultsFile });
    await writeFile(resultsFile, JSON.stringify(RUN));
    const written = await writeReport(await readRunRecord(resultsFile), {
      report: join(dir, 'REPORT.md'),
      chartDir,
      resultsFile,
    });
    t.is(written.length, 2);
    t.deepEqual((await readdir(chartDir)).sort(), ['ratios.svg', 'series-scale-flows-vs-endpoints.svg']);
    const md = await readFile(join(dir, 'REPORT.md'), 'utf8');
    t.true(md.includes('](results/charts/ratios.svg)'));
    t.true(md.includes('[results/r.json](results/r.json)'));
    await writeFile(join(dir, 'bad.json'), '{"version":1}');
    await t.throwsAsync(readRunRecord(join(dir, 'bad.json')), {
      instanceOf: RunRecordError,
      message: /not a run record/,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('helpers: slug, cell escaping, number formatting', (t) => {
  t.is(slug('100k flows | Bundle!'), '100k-flows-bundle');
  t.is(slug('***'), 'x');
  t.is(cell('a|b\nc'), 'a\\|b c');
  t.is(formatNumber(null), '—');
  t.is(formatNumber(1234567.8), '1,234,568');
  t.is(formatNumber(0.012345), '0.01235');
  t.is(formatNumber(12.5), '12.5');
  t.is(metricCell({ metric: 'install-100k' }), 'install-100k');
  t.is(metricCell({ metric: 'txn-1', what: 'ports | one txn' }), '`txn-1` ports \\| one txn');
});

test('mergeRuns: rerun benches replace theirs in place, new ones append, the base date is remembered', async (t) => {
  const fresh: RunRecord = {
    ...RUN,
    date: '2026-12-03T15:00:00.000Z',
    benches: [
      { ...RUN.benches[3], status: 'ok', reason: '', results: [] },
      { name: 'extra', compares: '', status: 'ok', reason: '', exitCode: 0, durationS: 1, badLines: [], results: [] },
    ],
  };
  const merged = mergeRuns(RUN, fresh);
  t.deepEqual(
    merged.benches.map((b) => [b.name, b.status]),
    [
      ['flow-install', 'ok'],
      ['scale', 'ok'],
      ['attach', 'failed'],
      ['connect', 'ok'],
      ['extra', 'ok'],
    ],
  );
  t.is(merged.date, fresh.date);
  t.deepEqual(merged.update, { base: RUN.date, rerun: ['connect', 'extra'] });
  const again = mergeRuns(merged, { ...fresh, date: '2026-12-03T16:00:00.000Z', benches: [RUN.benches[2]] });
  t.deepEqual(again.update, { base: RUN.date, rerun: ['connect', 'extra', 'attach'] });
  const md = renderMarkdown(again, await renderCharts(again), { chartDir: 'c' });
  t.true(
    md.includes(
      '**Partly rerun:** connect, extra, attach rerun by `--update`; the other benches are from the run of 2026-12-03T14:00:00.000Z',
    ),
  );
});

test('a series without reference points has no reference in its legend', async (t) => {
  const r = RUN.benches[1].results[0];
  const only: RunRecord = {
    ...RUN,
    benches: [
      {
        ...RUN.benches[1],
        results: [
          {
            ...r,
            series: [
              { x: 1, y: 2 },
              { x: 2, y: 3 },
            ],
          },
        ],
      },
    ],
  };
  const [chart] = await renderCharts(only);
  t.true(chart.svg.includes('>loris<'));
  t.false(chart.svg.includes('>reference<'));
});
