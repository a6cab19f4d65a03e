/**
 * Flow installation into a real ovs-vswitchd (lab host, netdev bridge, OpenFlow 1.3): N flows from the first
 * message to the commit reply, loris (OfConnection.bundle: one ONF bundle, pipelined, back-pressured writes)
 * vs `ovs-ofctl -O OpenFlow13 --bundle add-flows` of the same flows from a file, in the same run.
 * The table is emptied before every run and the flow count is checked after it. Runs alternate between the two
 * tools (after one warm-up pair) so both see the same machine load; medians are reported.
 *
 *   npx tsx bench/flow-install.ts [--small]     (100,000 flows; --small: 1,000)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lab } from '../src/lab/index.js';
import { OfConnection } from '../src/ofproto/connection.js';
import type { FlowMod } from '../src/ofproto/flow-mod.js';
import { emit, log, parseBenchArgs, perSecond, ratio, size, sizeId, summarize, timeCommand, timeOnce } from './lib/index.js';

const args = parseBenchArgs();
const n = size(args, 100_000, 1_000);
const runs = size(args, 5, 3);

function ip(i: number): string {
  return `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
}

function flows(): { text: string; mods: FlowMod[] } {
  const lines: string[] = [];
  const mods: FlowMod[] = [];
  for (let i = 0; i < n; i++) {
    const port = 1 + (i % 4);
    lines.push(`cookie=0x42,priority=100,ip,nw_dst=${ip(i)},actions=output:${port}`);
    mods.push({
      type: 'flow_mod', cookie: 0x42n, cookieMask: 0n, tableId: 0, command: 'add', idleTimeout: 0, hardTimeout: 0, priority: 100,
      bufferId: 0xffffffff, outPort: 0xffffffff, outGroup: 0xffffffff, flags: 0, match: { ethType: 0x0800, ipv4Dst: ip(i) },
      instructions: [{ type: 'apply_actions', actions: [{ type: 'output', port }] }],
    });
  }
  return { text: lines.join('\n') + '\n', mods };
}

const lab = await Lab.create();
const dir = mkdtempSync(join(tmpdir(), 'loris-bench-flows-'));
try {
  log(`flow-install: starting a lab host (netdev bridge, OpenFlow13), ${n} flows, ${runs} runs each after a warm-up`);
  const h = await lab.addHost('h1');
  await lab.addBridge(h, 'br-int', ['--', 'set', 'bridge', 'br-int', 'protocols=OpenFlow13', 'fail_mode=secure']);
  const sock = lab.mgmtSocket(h, 'br-int');
  const { text, mods } = flows();
  const file = join(dir, 'flows.txt');
  writeFileSync(file, text);
  const count = async (): Promise<number> => {
    const out = await lab.ofctl(h, ['dump-aggregate', sock]);
    return Number(/flow_count=(\d+)/.exec(out)?.[1] ?? -1);
  };
  const reset = async (): Promise<void> => {
    await lab.ofctl(h, ['del-flows', sock]);
  };
  const check = async (who: string): Promise<void> => {
    const c = await count();
    if (c !== n) throw new Error(`${who} left ${c} flows, expected ${n}`);
  };

  // Interleaved (ovs-ofctl, loris, ovs-ofctl, …) so both see the same machine load; the first pair is a warm-up.
  const runOfctl = (): Promise<number> => timeCommand(['ovs-ofctl', '-O', 'OpenFlow13', '--bundle', 'add-flows', sock, file], { timeoutMs: 600_000 });
  const runLoris = (): Promise<number> =>
    timeOnce(async () => {
      const c = await OfConnection.connect(`unix:${sock}`, { echoIntervalMs: 0 });
      await c.bundle(mods, { timeoutMs: 600_000 });
      await c.close();
    });
  const samples = { ofctl: [] as number[], loris: [] as number[] };
  for (let i = -1; i < runs; i++) {
    for (const [who, fn] of [['ofctl', runOfctl], ['loris', runLoris]] as const) {
      await reset();
      const ms = await fn();
      await check(who);
      log(`${who === 'ofctl' ? 'ovs-ofctl --bundle add-flows' : 'loris OfConnection.bundle'}: ${i < 0 ? 'warm-up' : `run ${i + 1}/${runs}`}: ${ms.toFixed(0)} ms`);
      if (i >= 0) samples[who].push(ms);
    }
  }
  const ofctl = summarize(samples.ofctl);
  const loris = summarize(samples.loris);
  emit({
    bench: 'flow-install', metric: `install-${sizeId(n)}`, what: `${n.toLocaleString('en-US')} flows into ovs-vswitchd in one bundle, to the commit reply`, loris: loris.median, reference: ofctl.median,
    ratio: ratio(ofctl.median, loris.median), unit: 'ms', runs, spread: loris.spread,
  });
  emit({ bench: 'flow-install', metric: 'install-rate', what: 'flows installed per second (the same runs)', loris: Math.round(perSecond(n, loris.median)), reference: Math.round(perSecond(n, ofctl.median)), ratio: ratio(ofctl.median, loris.median), unit: 'flows/s', runs, spread: loris.spread });
} finally {
  rmSync(dir, { recursive: true, force: true });
  await lab.dispose();
}
