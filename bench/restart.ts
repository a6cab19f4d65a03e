/**
 * bench/restart.ts — restarts under traffic, on the real agent.
 *
 * Two lab hosts (VXLAN), `loris init` on each (the agent runs as its own process, as on a real host; h2 shares h1's
 * store), x1 connected on h1 and x2 on h2 with `loris connect`, and a ping every 10 ms from x1 to x2 while:
 *
 * 1. `controller-restart-lost`: h1's agent is killed with SIGKILL and started again (`loris init`, which finds the
 *    host initialised and starts the agent). Packets lost (target 0) and the longest gap between replies. Reference,
 *    same run: what a controller that flushes and re-installs its table on connect does to the same traffic
 *    (`ovs-ofctl del-flows`, then `ovs-ofctl --bundle add-flows` of the same flows).
 * 2. `vswitchd-recovery-s`: h2's ovs-vswitchd is killed with SIGKILL and started again: seconds from its start until
 *    the agent has re-programmed the bridge (the agent's own "flow table reconciled" log line), and the forwarding
 *    outage. Absolute: without a controller nothing re-installs the flows (ovs-facts §7).
 *
 *   npx tsx bench/restart.ts [--small]      (5 runs of 300 pings each; --small: 3 runs of 150)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lab, type LabContainer, type LabHost } from '../src/lab/index.js';
import { pidAlive, run, waitUntil } from '../src/lab/exec.js';
import { killVswitchd, startVswitchd } from '../src/lab/ovs.js';
import { loris as lorisCli } from '../test/e2e/cli-helpers.js';
import { emit, log, median, parseBenchArgs, size, spread } from './lib/index.js';

const args = parseBenchArgs();
const runs = size(args, 5, 3);
const pings = size(args, 300, 150);

interface Gap {
  gapMs: number;
  lost: number;
}

const lab = await Lab.create();
const tmp = mkdtempSync(join(tmpdir(), 'loris-restart-'));

/** `loris <args>` inside host h (the agent it starts logs at info level, so its reconciliations are timed). */
async function loris(h: LabHost, a: string[], o: { store?: string } = {}): Promise<string> {
  const r = await lorisCli(lab, h, a, { ...o, env: { LORIS_LOG_LEVEL: 'info' } });
  if (r.status !== 0) throw new Error(`loris ${a.join(' ')} on ${h.name}: ${r.err}`);
  return r.out;
}

const runDir = (h: LabHost): string => join(h.ovs.dir, 'loris');

/** SIGKILL to h's agent (its pidfile), waits until it is gone. */
async function killAgent(h: LabHost): Promise<void> {
  const pid = Number(readFileSync(join(runDir(h), 'agent.pid'), 'utf8').trim());
  process.kill(pid, 'SIGKILL');
  await waitUntil(`agent ${pid} gone`, () => !pidAlive(pid), 5000, 5);
}

interface Reconciled {
  /** Epoch ms of the log record. */
  time: number;
  added: number;
  modified: number;
  deleted: number;
}

/** The "flow table reconciled" records of h's agent log (pino JSON lines) from `since` (epoch ms) on. */
function reconciled(h: LabHost, since: number): Reconciled[] {
  const out: Reconciled[] = [];
  for (const line of readFileSync(join(runDir(h), 'agent.log'), 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const o = JSON.parse(line) as Partial<Reconciled> & { msg?: string };
      if (o.msg === 'flow table reconciled' && typeof o.time === 'number' && o.time >= since) out.push({ time: o.time, added: o.added ?? 0, modified: o.modified ?? 0, deleted: o.deleted ?? 0 });
    } catch {
      // not a log record
    }
  }
  return out;
}

/** Runs `ping -D -i 0.01` from a to ip while `during` runs (after 300 ms); returns the longest reply gap and losses. */
async function pingThrough(a: LabContainer, ip: string, during: () => Promise<void>): Promise<Gap> {
  const p = run(lab.inContainer(a, ['ping', '-n', '-D', '-i', '0.01', '-W', '1', '-c', String(pings), ip]), { timeoutMs: 60_000 });
  await new Promise((r) => setTimeout(r, 300));
  await during();
  const out = (await p).stdout;
  const times: number[] = [];
  for (const line of out.split('\n')) {
    const m = /^\[(\d+\.\d+)\] .*icmp_seq=\d+/.exec(line);
    if (m) times.push(Number(m[1]) * 1000);
  }
  let gap = 0;
  for (let i = 1; i < times.length; i++) gap = Math.max(gap, times[i] - times[i - 1]);
  return { gapMs: gap, lost: pings - times.length };
}

try {
  const [h1, h2] = await Promise.all([lab.addHost('h1'), lab.addHost('h2')]);
  const store = `unix:${h1.ovs.dbSock}`;
  const [x1, x2] = [await lab.addContainer('x1', 'netns'), await lab.addContainer('x2', 'netns')];
  const ref = (c: LabContainer): string => `netns:${c.kind === 'netns' ? c.netns : c.name}`;
  await loris(h1, ['init', '--name', 'h1', '--local-ip', h1.underlayIp]);
  await loris(h2, ['init', '--name', 'h2', '--local-ip', h2.underlayIp], { store });
  await loris(h1, ['connect', ref(x1), '10.1.0.1/24']);
  await loris(h2, ['connect', ref(x2), '10.1.0.2/24'], { store });
  await waitUntil('x1 → x2', async () => (await lab.ping(x1, '10.1.0.2')).ok, 15_000, 50);
  const mgmt = lab.mgmtSocket(h1, 'br-int');

  // 1. The agent killed and restarted, vs a flush-and-reinstall controller.
  const lorisGaps: Gap[] = [];
  const changes: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const t0 = Date.now();
    const g = await pingThrough(x1, '10.1.0.2', async () => {
      await killAgent(h1);
      await loris(h1, ['init']);
    });
    // What the new agent did to the table when it came up (a restart should find it in sync and send nothing).
    const r = reconciled(h1, t0);
    if (r.length === 0) throw new Error(`the restarted agent on h1 logged no reconciliation (see ${join(runDir(h1), 'agent.log')})`);
    const changed = r.reduce((n, x) => n + x.added + x.modified + x.deleted, 0);
    if (i > 0) {
      lorisGaps.push(g);
      changes.push(changed);
    }
    log(`agent kill -9 + restart ${i === 0 ? 'warm-up' : `run ${i}/${runs}`}: ${g.lost} lost, longest gap ${g.gapMs.toFixed(1)} ms; the new agent changed ${changed} flows`);
  }
  // The reference runs while h1's agent is down, so it does not interfere.
  await killAgent(h1);
  const flowsFile = join(tmp, 'flows.txt');
  writeFileSync(flowsFile, (await lab.ofctl(h1, ['dump-flows', '--no-stats', mgmt])).split('\n').filter((l) => l.trim() && !l.startsWith('OFPST')).join('\n') + '\n');
  const refGaps: Gap[] = [];
  for (let i = 0; i <= runs; i++) {
    const g = await pingThrough(x1, '10.1.0.2', async () => {
      await lab.ofctl(h1, ['del-flows', mgmt]);
      await lab.ofctl(h1, ['--bundle', 'add-flows', mgmt, flowsFile]);
    });
    if (i > 0) refGaps.push(g);
    log(`flush + reinstall ${i === 0 ? 'warm-up' : `run ${i}/${runs}`}: ${g.lost} lost, longest gap ${g.gapMs.toFixed(1)} ms`);
  }
  await loris(h1, ['init']);
  await waitUntil('x1 → x2 again', async () => (await lab.ping(x1, '10.1.0.2')).ok, 15_000, 50);
  const lost = lorisGaps.map((g) => g.lost);
  const refLost = refGaps.map((g) => g.lost);
  emit({
    bench: 'restart', metric: 'controller-restart-lost', what: `pings lost (of ${pings}, one every 10 ms) over a kill -9 of the agent and its restart, worst run`,
    loris: Math.max(...lost), reference: Math.max(...refLost), ratio: null, unit: 'packets', runs: lost.length, spread: null,
    note: `target 0; per run: loris ${lost.join('/')}, reference ${refLost.join('/')}; flows the restarted agent changed, per run: ${changes.join('/')}; reference = ovs-ofctl del-flows + --bundle add-flows of the same table (a controller that flushes on connect)`,
  });
  const lg = lorisGaps.map((g) => g.gapMs);
  emit({
    bench: 'restart', metric: 'controller-restart-gap', what: 'longest gap between ping replies over the same restarts',
    loris: median(lg), reference: median(refGaps.map((g) => g.gapMs)), unit: 'ms', runs: lg.length, spread: spread(lg),
    note: 'pings go out every 10 ms; a longer gap with nothing lost is replies delayed while the 2 cores start the new agent, not drops',
  });

  // 2. ovs-vswitchd kill -9 on h2 and restart.
  const recovery: number[] = [];
  const outage: number[] = [];
  for (let i = 0; i < runs; i++) {
    let tUp = 0;
    let tSynced = 0;
    const g = await pingThrough(x1, '10.1.0.2', async () => {
      await killVswitchd(h2.ovs);
      await startVswitchd(h2.netns, h2.ovs);
      tUp = Date.now();
      await waitUntil('h2 agent re-programmed the bridge', () => reconciled(h2, tUp).length > 0, 30_000, 10);
      tSynced = reconciled(h2, tUp)[0].time;
    });
    recovery.push((tSynced - tUp) / 1000);
    outage.push(g.gapMs);
    log(`vswitchd kill -9 + restart run ${i + 1}/${runs}: re-programmed ${tSynced - tUp} ms after it was up; ${g.lost} lost, longest gap ${g.gapMs.toFixed(0)} ms`);
  }
  emit({ bench: 'restart', metric: 'vswitchd-recovery-s', what: 'ovs-vswitchd killed and started again: seconds until the agent has re-programmed the bridge', loris: median(recovery), reference: null, unit: 's', runs: recovery.length, spread: spread(recovery), note: 'absolute: without a controller nothing re-installs the flows (ovs-facts §7); timed by the agent\'s own "flow table reconciled" log line' });
  emit({ bench: 'restart', metric: 'vswitchd-outage', what: 'the forwarding outage over the same restarts (longest gap between ping replies)', loris: median(outage), reference: null, unit: 'ms', runs: outage.length, spread: spread(outage), note: 'includes the kill, the vswitchd start and the re-programming' });
  for (const [h, o] of [[h2, { store }], [h1, {}]] as const) await loris(h, ['cleanup'], o);
} finally {
  rmSync(tmp, { recursive: true, force: true });
  await lab.dispose();
}
