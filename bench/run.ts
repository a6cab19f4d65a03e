/**
 * The benchmark harness: runs every bench (or the named ones) in its own child process, one after the other, with a
 * per-bench timeout, then writes the results with a machine description and renders the report.
 *
 *   npm run bench                          # all, full size → bench/results/<date>.json, bench/REPORT.md
 *   npm run bench -- ofproto-codec attach  # a subset
 *   npm run bench -- --small               # smoke run → bench/results/smoke/ (git-ignored)
 *   npm run bench -- --update connect      # rerun some benches on top of the newest record
 *   options: --strict (exit 1 if a bench that exists fails), --timeout S (per bench), --out DIR, --list
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { planBenches, SMALL_TIMEOUT_S } from './lib/benches.js';
import { runBench, type BenchOutcome } from './lib/harness.js';
import { describeMachine } from './lib/machine.js';
import { mergeRuns, RUN_RECORD_VERSION, type RunRecord } from './lib/report.js';
import { log } from './lib/measure.js';
import { BENCH_DIR, RESULTS_DIR, latestRecord, readRunRecord, writeReport } from './render.js';
import { InvalidArgumentError } from '../src/errors.js';
import { parseOptions, fileStamp } from './lib/cli.js';

async function foundBenches(): Promise<string[]> {
  return (await readdir(BENCH_DIR)).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).map((f) => f.slice(0, -3));
}

function summaryLine(b: BenchOutcome): string {
  const what = b.status === 'ok' ? `${b.results.length} result(s)` : b.reason;
  return `${b.name.padEnd(16)} ${b.status.padEnd(16)} ${b.status === 'not-implemented' ? '' : `${b.durationS} s  `}${what}`;
}

async function main(argv: string[]): Promise<number> {
  const opts = parseOptions(argv);
  const plan = planBenches(await foundBenches(), opts.only);
  if (opts.list) {
    for (const b of planBenches(await foundBenches())) log(`${b.name.padEnd(16)} ${b.compares}`);
    return 0;
  }
  const started = new Date();
  const machine = await describeMachine();
  log(
    `loris bench harness: ${plan.length} bench(es)${opts.small ? ' (--small)' : ''} on ${machine.cpuModel}, ${machine.cores} cores, OVS ${machine.ovs}`,
  );
  const dir = opts.out ?? (opts.small ? join(RESULTS_DIR, 'smoke') : RESULTS_DIR);
  const reportDir = opts.out ?? (opts.small ? dir : BENCH_DIR);
  let base: RunRecord | null = null;
  if (opts.update) {
    const file = await latestRecord(dir);
    if (!file) throw new InvalidArgumentError(`--update: no earlier run record in ${dir}; run without --update first`);
    base = await readRunRecord(file);
    if (base.small !== opts.small) {
      throw new InvalidArgumentError(
        `--update: ${file} is a ${base.small ? '--small' : 'full'} run; use the same size`,
      );
    }
    log(`updating ${file}: rerunning ${opts.only.join(', ')}`);
  }
  const abort = new AbortController();
  const onSigint = (): void => abort.abort();
  process.on('SIGINT', onSigint);
  const outcomes: BenchOutcome[] = [];
  try {
    for (const info of plan) {
      if (abort.signal.aborted) break;
      const timeoutS = opts.timeoutS ?? (opts.small ? SMALL_TIMEOUT_S : info.timeoutS);
      log(`\n=== ${info.name}${opts.small ? ' --small' : ''} (timeout ${timeoutS} s)`);
      const o = await runBench(info, { benchDir: BENCH_DIR, small: opts.small, timeoutS, signal: abort.signal });
      log(`=== ${summaryLine(o)}`);
      outcomes.push(o);
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
  const fresh: RunRecord = {
    version: RUN_RECORD_VERSION,
    date: started.toISOString(),
    small: opts.small,
    machine,
    benches: outcomes,
  };
  const run = base ? mergeRuns(base, fresh) : fresh;
  await mkdir(dir, { recursive: true });
  const resultsFile = join(dir, `${fileStamp(started)}.json`);
  await writeFile(resultsFile, `${JSON.stringify(run, null, 2)}\n`);
  const charts = await writeReport(run, {
    report: join(reportDir, 'REPORT.md'),
    chartDir: join(dir, 'charts'),
    resultsFile,
  });
  log('\n=== summary');
  for (const o of outcomes) log(summaryLine(o));
  log(`\nresults: ${resultsFile}\nreport:  ${join(reportDir, 'REPORT.md')} (${charts.length} chart(s))`);
  const broken = outcomes.filter((o) => o.status !== 'ok' && (o.status !== 'not-implemented' || opts.only.length > 0));
  if (opts.strict && broken.length > 0) {
    log(`--strict: ${broken.length} bench(es) did not run cleanly: ${broken.map((b) => b.name).join(', ')}`);
    return 1;
  }
  return abort.signal.aborted ? 130 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
  },
);
