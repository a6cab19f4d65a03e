/**
 * attach + detach N container namespaces (one IPv4 address and an MTU each), loris over rtnetlink
 * against the same steps done with one `ip` process per step, as the original bash tool did:
 *   ip -n HOST link add H mtu M group G type veth peer name eth1 netns NS mtu M
 *   ip -n NS addr add A dev eth1; ip -n NS link set eth1 up; ip -n HOST link set H up
 *   … then ip -n HOST link del H for each.
 * loris: attach() per namespace (namespace opened, socket created inside, peer born there, pipelined
 * address + up), then one group delete. Also the per-attach latency and a one-by-one detach.
 *
 *   npx tsx bench/attach.ts [--small]      (root: creates network namespaces through the lab)
 */
import { Lab } from '../src/lab/index.js';
import { sh } from '../src/lab/exec.js';
import { attach, detach, detachGroup, openNetns, openRtnl, type Rtnl } from '../src/netlink/index.js';
import { emit, log, measure, nowMs, parseBenchArgs, size, median } from './lib/index.js';

const args = parseBenchArgs();
const N = size(args, 100, 5);
const RUNS = 3;
const GROUP = 4242;
const MTU = 1400;
const addr = (i: number): string => `10.77.${i >> 8}.${(i & 255) + 1}/16`;
const hostName = (i: number): string => `bh${i}`;

async function main(): Promise<void> {
  const lab = await Lab.create();
  try {
    log(`attach: creating ${N} container namespaces and a host namespace…`);
    const hostNs = await lab.addContainer('host', 'netns');
    if (hostNs.kind !== 'netns') throw new Error('netns expected');
    const ctrs: string[] = [];
    for (let i = 0; i < N; i++) {
      const c = await lab.addContainer(`c${i}`, 'netns');
      if (c.kind !== 'netns') throw new Error('netns expected');
      ctrs.push(c.netns);
    }
    const host: Rtnl = openRtnl({ netns: { name: hostNs.netns } });
    const lorisAttachMs: number[] = [];
    const refAttachMs: number[] = [];

    const lorisAttachAll = async (): Promise<void> => {
      for (let i = 0; i < N; i++) {
        const t0 = nowMs();
        const ns = openNetns({ name: ctrs[i] });
        try {
          await attach({ netns: ns, host, hostIfname: hostName(i), mtu: MTU, addresses: [addr(i)], group: GROUP });
        } finally {
          ns.close();
        }
        lorisAttachMs.push(nowMs() - t0);
      }
    };
    const ipAttachAll = async (): Promise<void> => {
      for (let i = 0; i < N; i++) {
        const t0 = nowMs();
        await sh(['ip', '-n', hostNs.netns, 'link', 'add', hostName(i), 'mtu', String(MTU), 'group', String(GROUP), 'type', 'veth', 'peer', 'name', 'eth1', 'netns', ctrs[i], 'mtu', String(MTU)]);
        await sh(['ip', '-n', ctrs[i], 'addr', 'add', addr(i), 'dev', 'eth1']);
        await sh(['ip', '-n', ctrs[i], 'link', 'set', 'eth1', 'up']);
        await sh(['ip', '-n', hostNs.netns, 'link', 'set', hostName(i), 'up']);
        refAttachMs.push(nowMs() - t0);
      }
    };
    const ipDetachAll = async (): Promise<void> => {
      for (let i = 0; i < N; i++) await sh(['ip', '-n', hostNs.netns, 'link', 'del', hostName(i)]);
    };
    const lorisDetachEach = async (): Promise<void> => {
      for (let i = 0; i < N; i++) await detach({ host, hostIfname: hostName(i) });
    };
    const check = async (): Promise<void> => {
      // (`ip -j link show group G` prints `[{}]` for an empty group: count named entries.)
      const n = (JSON.parse(await sh(['ip', '-n', hostNs.netns, '-j', 'link', 'show', 'group', String(GROUP)])) as { ifname?: string }[]).filter((l) => l.ifname);
      if (n.length !== 0) throw new Error(`${n.length} links of group ${GROUP} left after detach: ${JSON.stringify(n)}`);
    };

    const total = { runs: RUNS, warmup: 1 };
    log(`attach: loris, attach ${N} + group delete`);
    const loris = await measure(async () => {
      await lorisAttachAll();
      await detachGroup({ host, group: GROUP });
    }, { ...total, label: 'loris attach+detach', after: check });
    const lorisLatency = median(lorisAttachMs.slice(N)); // without the warm-up run
    log(`attach: ip, attach ${N} + delete each (one process per step)`);
    const ref = await measure(async () => {
      await ipAttachAll();
      await ipDetachAll();
    }, { ...total, label: 'ip attach+detach', after: check });
    const refLatency = median(refAttachMs.slice(N));
    log('attach: one-by-one detach, loris vs ip');
    const lorisEach = await measure(lorisDetachEach, { runs: RUNS, warmup: 0, before: lorisAttachAll, after: check, label: 'loris detach each' });
    const refEach = await measure(ipDetachAll, { runs: RUNS, warmup: 0, before: ipAttachAll, after: check, label: 'ip detach each' });
    host.close();

    emit({ bench: 'attach', metric: `attach-${N}`, what: `${N} containers (namespaces) attached and detached`, loris: loris.median, reference: ref.median, unit: 'ms', runs: RUNS, spread: loris.spread, note: 'loris: attach() each + one group delete; reference: 4 ip processes per attach + ip link del each' });
    emit({ bench: 'attach', metric: 'attach-latency', what: 'one attach (veth, move, rename, address, up)', loris: lorisLatency, reference: refLatency, unit: 'ms', runs: RUNS * N, spread: null });
    emit({ bench: 'attach', metric: `detach-${N}-each`, what: `${N} detached one by one`, loris: lorisEach.median, reference: refEach.median, unit: 'ms', runs: RUNS, spread: lorisEach.spread });
  } finally {
    await lab.dispose();
  }
}

await main();
