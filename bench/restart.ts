/**
 * Restarts under traffic: a pod→pod ping every 10 ms across two lab hosts (VXLAN), longest gap between replies.
 *
 * 1. Controller restart: loris stops its controller and starts a new one (it dumps the table, finds it in sync,
 *    sends nothing) vs the naive reference a flush-and-reinstall controller does on connect: `ovs-ofctl del-flows`
 *    then `ovs-ofctl --bundle add-flows` of the same flows (dumped with --no-stats), in the same run.
 * 2. ovs-vswitchd kill -9 and restart: time until loris has re-programmed the bridge, and the forwarding outage.
 *    Absolute (no reference here: without a controller nothing re-installs the flows, ovs-facts §7).
 *
 *   npx tsx bench/restart.ts [--small]      (5 runs of 300 pings each; --small: 3 runs of 150)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, waitUntil } from '../src/lab/exec.js';
import { killVswitchd, startVswitchd } from '../src/lab/ovs.js';
import { ControllerLab, type Member } from '../test/e2e/controller-lab.js';
import { emit, log, median, parseBenchArgs, size, spread } from './lib/index.js';

const args = parseBenchArgs();
const runs = size(args, 5, 3);
const pings = size(args, 300, 150);

interface Gap {
  gapMs: number;
  lost: number;
}

/** Runs `ping -D -i 0.01` from a to b while `during` runs (after 300 ms); returns the longest reply gap and losses. */
async function pingThrough(cl: ControllerLab, a: Member, b: Member, during: () => Promise<void>): Promise<Gap> {
  const p = run(cl.lab.inContainer(a.c, ['ping', '-n', '-D', '-i', '0.01', '-W', '1', '-c', String(pings), b.ip]), { timeoutMs: 60_000 });
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

const cl = await ControllerLab.create({ hosts: 2, tunnelType: 'vxlan' });
const tmp = mkdtempSync(join(tmpdir(), 'loris-restart-'));
try {
  const [h1, h2] = cl.hosts;
  await cl.store('h1').ensurePod(1, { subnet: '10.1.0.0/24' });
  const x1 = await cl.addMember('x1', h1, 1, '10.1.0.1');
  const x2 = await cl.addMember('x2', h2, 1, '10.1.0.2');
  await waitUntil('x1 → x2', () => cl.reaches(x1, x2), 10_000, 50);
  const mgmt = cl.lab.mgmtSocket(h1, 'br-int');

  const lorisGaps: Gap[] = [];
  const refGaps: Gap[] = [];
  for (let i = 0; i <= runs; i++) {
    const g = await pingThrough(cl, x1, x2, async () => {
      await cl.controller('h1').stop();
      await cl.startController(h1);
    });
    if (i > 0) lorisGaps.push(g);
    log(`loris controller restart ${i === 0 ? 'warm-up' : `run ${i}/${runs}`}: longest gap ${g.gapMs.toFixed(1)} ms, ${g.lost} lost`);
  }
  // Reference: flush and reinstall the same flows on h1 (the controller is stopped so it does not interfere).
  await cl.controller('h1').stop();
  const flowsFile = join(tmp, 'flows.txt');
  writeFileSync(flowsFile, (await cl.lab.ofctl(h1, ['dump-flows', '--no-stats', mgmt])).split('\n').filter((l) => l.trim() && !l.startsWith('OFPST')).join('\n') + '\n');
  for (let i = 0; i <= runs; i++) {
    const g = await pingThrough(cl, x1, x2, async () => {
      await cl.lab.ofctl(h1, ['del-flows', mgmt]);
      await cl.lab.ofctl(h1, ['--bundle', 'add-flows', mgmt, flowsFile]);
    });
    if (i > 0) refGaps.push(g);
    log(`flush + reinstall ${i === 0 ? 'warm-up' : `run ${i}/${runs}`}: longest gap ${g.gapMs.toFixed(1)} ms, ${g.lost} lost`);
  }
  await cl.startController(h1);
  await waitUntil('x1 → x2 again', () => cl.reaches(x1, x2), 10_000, 50);
  const lg = lorisGaps.map((g) => g.gapMs);
  emit({
    bench: 'restart', metric: 'controller restart: longest reply gap (ping every 10 ms)', loris: median(lg), reference: median(refGaps.map((g) => g.gapMs)),
    unit: 'ms', runs: lg.length, spread: spread(lg),
    note: `lost pings per run: loris ${lorisGaps.map((g) => g.lost).join('/')}, reference ${refGaps.map((g) => g.lost).join('/')}; reference = ovs-ofctl del-flows + --bundle add-flows of the same table`,
  });

  // vswitchd kill -9 on h2 and restart.
  const reprogram: number[] = [];
  const outage: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c2 = cl.controller('h2');
    let tUp = 0;
    let tSynced = 0;
    const g = await pingThrough(cl, x1, x2, async () => {
      const synced = new Promise<void>((r) => c2.once('synced', () => r()));
      await killVswitchd(h2.ovs);
      await startVswitchd(h2.netns, h2.ovs);
      tUp = performance.now();
      await synced;
      tSynced = performance.now();
    });
    reprogram.push(tSynced - tUp);
    outage.push(g.gapMs);
    log(`vswitchd restart run ${i + 1}/${runs}: re-programmed ${(tSynced - tUp).toFixed(0)} ms after it was up; longest gap ${g.gapMs.toFixed(0)} ms, ${g.lost} lost`);
  }
  emit({ bench: 'restart', metric: 'vswitchd restart: flows re-installed after vswitchd is up', loris: median(reprogram), reference: null, unit: 'ms', runs: reprogram.length, spread: spread(reprogram), note: 'absolute: without a controller nothing re-installs the flows (ovs-facts §7)' });
  emit({ bench: 'restart', metric: 'vswitchd restart: forwarding outage (longest reply gap)', loris: median(outage), reference: null, unit: 'ms', runs: outage.length, spread: spread(outage), note: 'includes the kill, vswitchd start and ARP-free recovery' });
} finally {
  rmSync(tmp, { recursive: true, force: true });
  await cl.close();
}
