/**
 * bench/connect.ts — connecting containers with loris, against the original bash `loris`.
 *
 *   connect-100      100 containers connected through the library API concurrently, until each one can ping a
 *                    probe container on the pod (so the flows are in): wall time, median of 3 runs after a warm-up.
 *   connect-cli-p50  one `loris connect` from process start to exit, run as the installed command is (bin/loris.js
 *                    executed through its `#!/usr/bin/env node` line, with the dist/cli-fast.cjs bundle that
 *                    `npm run build` makes; this bench builds that bundle first): median over 11 runs after a warm-up.
 *                    Node's own start (`node -e 0`) is measured alongside. When the environment sets
 *                    NODE_EXTRA_CA_CERTS (this project's machines do, for the registry proxy), Node 20 parses that
 *                    bundle and its own root store at every start, before any of loris runs; the runs then alternate
 *                    with and without it, and `connect-cli-p50-no-extra-ca` reports the second set.
 *
 * Reference: the ORIGINAL bash tool is not available here, so its figures are the ones recorded for it on this
 * machine class — 18.84 s for 100 sequential connects and 187 ms p50 per connect — not re-measured in this run.
 * `--small`: 5 containers and 3 CLI runs (the connect-100 reference is scaled linearly to 5 containers).
 *
 * Layout: one lab host (its own ovsdb-server + ovs-vswitchd), `loris init` there, the store embedded. The measured
 * part runs in a worker process inside the host's namespace (where OVS's ports live), as loris would on a host.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Loris } from '../src/api/loris.js';
import { Lab, type LabContainer } from '../src/lab/index.js';
import { run } from '../src/lab/exec.js';
import { emit, log, parseBenchArgs, size, summarize, timeCommand } from './lib/index.js';

const REF_CONNECT_100_MS = 18_840;
const REF_CLI_P50_MS = 187;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SELF = fileURLToPath(import.meta.url);

interface WorkerConfig {
  db: string;
  runDir: string;
  storeFile: string;
  containers: string[];
  /** Numbers of containers connected at once, for the scaling curve; the last is all of `containers`. */
  sizes: number[];
  probeIp: string;
  runs: number;
  cli: string[];
  cliRuns: number;
}

const ipOf = (i: number): string => `10.1.${Math.floor((i + 1) / 250)}.${((i + 1) % 250) + 1}`;

async function worker(cfg: WorkerConfig): Promise<void> {
  const l = new Loris({ db: cfg.db, runDir: cfg.runDir, storeFile: cfg.storeFile });
  // samples[k]: the runs at sizes[k] containers.
  const samples: number[][] = cfg.sizes.map(() => []);
  for (const [k, n] of cfg.sizes.entries()) {
    const these = cfg.containers.slice(0, n);
    for (let r = -1; r < cfg.runs; r++) {
      const t0 = performance.now();
      await Promise.all(
        these.map(async (ns, i) => {
          await l.connect(`netns:${ns}`, `${ipOf(i)}/16`);
          for (let tries = 0; ; tries++) {
            const p = await run(['ip', 'netns', 'exec', ns, 'ping', '-n', '-q', '-c', '1', '-W', '1', cfg.probeIp]);
            if (p.code === 0) break;
            if (tries > 20) throw new Error(`${ns} can't ping the probe ${cfg.probeIp}`);
          }
        }),
      );
      const ms = performance.now() - t0;
      if (r >= 0) samples[k].push(ms);
      process.stderr.write(`connect-${n}: ${r < 0 ? 'warm-up' : `run ${r + 1}/${cfg.runs}`}: ${ms.toFixed(0)} ms\n`);
      for (const ns of these) await l.disconnect(`netns:${ns}`);
    }
  }
  // The CLI: process start to exit of `loris connect`, a fresh container each time; Node's own start-up
  // alongside. With NODE_EXTRA_CA_CERTS set, every run is repeated without it (interleaved, same noise).
  const envs: [keyof CliTimes, NodeJS.ProcessEnv][] = [['asIs', process.env]];
  if (process.env.NODE_EXTRA_CA_CERTS !== undefined) envs.push(['noExtraCa', { ...process.env, NODE_EXTRA_CA_CERTS: undefined }]);
  const cli: CliTimes = { asIs: [], noExtraCa: [] };
  const node: CliTimes = { asIs: [], noExtraCa: [] };
  for (let r = -1; r < cfg.cliRuns; r++) {
    for (const [k, env] of envs) {
      const ns = cfg.containers[r + 1];
      const ms = await timeCommand([...cfg.cli, 'connect', `netns:${ns}`, `${ipOf(r + 1)}/16`], { env });
      const nodeMs = await timeCommand([process.execPath, '-e', '0'], { env });
      if (r >= 0) {
        cli[k].push(ms);
        node[k].push(nodeMs);
      }
      process.stderr.write(`connect-cli${k === 'asIs' ? '' : ' (NODE_EXTRA_CA_CERTS unset)'}: ${r < 0 ? 'warm-up' : `run ${r + 1}/${cfg.cliRuns}`}: ${ms.toFixed(1)} ms (node -e 0: ${nodeMs.toFixed(1)} ms)\n`);
      await l.disconnect(`netns:${ns}`);
    }
  }
  await l.close();
  process.stdout.write(`${JSON.stringify({ samples, cli, node })}\n`);
}

interface CliTimes {
  asIs: number[];
  noExtraCa: number[];
}

async function main(): Promise<void> {
  const args = parseBenchArgs();
  const n = size(args, 100, 5);
  const runs = 3;
  const cliRuns = size(args, 11, 3);
  // The installed command's fast path is one bundle (the part of `npm run build` the measured runs use).
  const bundle = await run(['npm', '--prefix', ROOT, 'run', '--silent', 'build:cli-fast'], { timeoutMs: 120_000 });
  if (bundle.code !== 0) throw new Error(`npm run build:cli-fast failed: ${bundle.stderr}`);
  const lab = await Lab.create();
  try {
    log(`starting a lab host and ${n + 1} containers`);
    const h = await lab.addHost('h1');
    const hostArgs = ['--db', `unix:${h.ovs.dbSock}`, '--run-dir', join(h.ovs.dir, 'loris'), '--store-file', join(h.ovs.dir, 'loris.db')];
    const cli = [join(ROOT, 'bin/loris.js'), ...hostArgs];
    const containers: LabContainer[] = [];
    for (let i = 0; i <= n; i++) containers.push(await lab.addContainer(`c${i}`, 'netns'));
    const nsOf = (c: LabContainer): string => (c.kind === 'netns' ? c.netns : '');
    const lorisIn = async (a: string[]): Promise<void> => {
      const r = await run(lab.inHost(h, [...cli, ...a]), { timeoutMs: 60_000 });
      if (r.code !== 0) throw new Error(`loris ${a.join(' ')}: ${r.stderr}`);
    };
    await lorisIn(['init', '--name', 'h1', '--local-ip', h.underlayIp]);
    const probeIp = '10.1.255.254';
    await lorisIn(['connect', `netns:${nsOf(containers[n])}`, `${probeIp}/16`]);
    const cfg: WorkerConfig = {
      db: `unix:${h.ovs.dbSock}`,
      runDir: join(h.ovs.dir, 'loris'),
      storeFile: join(h.ovs.dir, 'loris.db'),
      containers: containers.slice(0, n).map(nsOf),
      sizes: size(args, [1, 10, 25, 50, 100], [1, n]).filter((x) => x < n).concat(n),
      probeIp,
      runs,
      cli,
      cliRuns: Math.min(cliRuns, n - 1),
    };
    log(`measuring: ${runs} runs (+ warm-up) of ${cfg.sizes.join(', ')} concurrent connects, then ${cfg.cliRuns} CLI connects`);
    const w = await run(lab.inHost(h, [process.execPath, '--import', 'tsx', SELF, '--worker', JSON.stringify(cfg)]), { timeoutMs: 1_000_000 });
    process.stderr.write(w.stderr);
    if (w.code !== 0) throw new Error(`worker failed (${w.code})`);
    const { samples: bySize, cli: cliTimes, node } = JSON.parse(w.stdout.trim().split('\n').pop() ?? '{}') as { samples: number[][]; cli: CliTimes; node: CliTimes };
    const samples = bySize[bySize.length - 1];
    const s = summarize(samples);
    // The original connected one container after the other: its recorded time per connect, times the count.
    const refOf = (k: number): number => (REF_CONNECT_100_MS * k) / 100;
    const refConnect = refOf(n);
    emit({
      bench: 'connect',
      metric: `connect-${n}`,
      what: `${n} containers connected concurrently through the library API, until each can ping`,
      loris: s.median,
      reference: refConnect,
      unit: 'ms',
      runs: samples.length,
      spread: s.spread,
      better: 'lower',
      seriesX: 'containers',
      series: cfg.sizes.map((x, k) => ({ x, y: summarize(bySize[k]).median, reference: refOf(x) })),
      note: `curve: ${cfg.sizes.join('/')} containers at once; reference = the original bash loris's recorded 18.84 s for 100 sequential connects${n === 100 ? '' : `, scaled to ${n}`}; not re-measured (the tool is not available here)`,
    });
    const cliMetric = (k: keyof CliTimes, metric: string, what: string, env: string): void => {
      const c = summarize(cliTimes[k]);
      const n0 = summarize(node[k]).median;
      emit({
        bench: 'connect',
        metric,
        what,
        loris: c.median,
        reference: REF_CLI_P50_MS,
        unit: 'ms',
        runs: cliTimes[k].length,
        spread: c.spread,
        better: 'lower',
        note: `process start to exit of the installed command (bin/loris.js + dist/cli-fast.cjs; the running agent does the work, over its socket)${env}; Node's own start, \`node -e 0\`, took ${n0.toFixed(0)} ms p50 in the same runs, so loris's own share is ${(c.median - n0).toFixed(0)} ms; reference = the original's recorded 187 ms p50, not re-measured`,
      });
    };
    cliMetric('asIs', 'connect-cli-p50', 'one `loris connect`, process start to exit, p50', process.env.NODE_EXTRA_CA_CERTS === undefined ? '' : ', in this machine\'s environment (NODE_EXTRA_CA_CERTS set)');
    if (cliTimes.noExtraCa.length > 0) {
      cliMetric('noExtraCa', 'connect-cli-p50-no-extra-ca', 'the same with NODE_EXTRA_CA_CERTS unset', ', NODE_EXTRA_CA_CERTS unset (Node 20 parses that file and its own root store at every start; loris never uses Node\'s default CA store: its ssl: remotes carry their own CA)');
    }
  } finally {
    await lab.dispose();
  }
}

const wi = process.argv.indexOf('--worker');
if (wi >= 0) {
  worker(JSON.parse(process.argv[wi + 1]) as WorkerConfig).catch((e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  });
} else {
  main().catch((e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  });
}
