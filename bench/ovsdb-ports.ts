/**
 * 1,000 internal ports created on a lab netdev bridge and applied by ovs-vswitchd (cur_cfg reached), four ways:
 *   loris, one transaction (Vswitch.addPorts)       vs  one `ovs-vsctl` with 1,000 `-- add-port` clauses
 *   loris, 1,000 concurrent addPort calls           vs  one `ovs-vsctl add-port` process per port
 *     (group commit, the default, combines concurrent calls into a few transactions; the same calls with
 *     `groupCommit: false`, one transaction each, are measured too)
 * The per-port reference runs on `perPortSample` ports and is scaled to the full count (said in the result's note).
 * Each run starts from a fresh bridge; deleting it is outside the timed region.
 *
 *   npx tsx bench/ovsdb-ports.ts [--small]       (1,000 ports; --small: 20)
 *   (the full run's per-port ovs-vsctl reference covers all 1,000 ports: ~4 minutes)
 */
import { Lab } from '../src/lab/index.js';
import { OvsdbClient, Vswitch, select } from '../src/ovsdb/index.js';
import { emit, log, measure, parseBenchArgs, size, timeCommand } from './lib/index.js';

const args = parseBenchArgs();
const n = size(args, 1000, 20);
// The full run measures the per-port reference on every port (sequential ovs-vsctl calls grow with the bridge, so a
// scaled sample understates them); --small scales a sample. LORIS_BENCH_PER_PORT=N overrides the sample size.
const perPortSample = Number(process.env.LORIS_BENCH_PER_PORT ?? 0) || size(args, 1000, 10);
const runs = 3;
const BENCH = 'ovsdb-ports';
const BR = 'br-bench';

const lab = await Lab.create();
let client: OvsdbClient | undefined;
try {
  const h = await lab.addHost('h1');
  client = await OvsdbClient.connect(`unix:${h.ovs.dbSock}`, { database: 'Open_vSwitch' });
  const vs = new Vswitch(client, { waitTimeoutMs: 600_000 });
  const vsctl = ['ovs-vsctl', `--db=unix:${h.ovs.dbSock}`, '--timeout=600'];
  const names = (count: number, run: number): string[] => Array.from({ length: count }, (_, i) => `p${run + 1}x${i}`);
  const fresh = async (): Promise<void> => {
    await vs.delBridge(BR, { ifExists: true });
    await vs.addBridge(BR, { datapathType: 'netdev', failMode: 'secure' });
  };
  const check = async (count: number): Promise<void> => {
    const ports = await vs.listPorts(BR);
    if (ports.length !== count) throw new Error(`expected ${count} ports on ${BR}, found ${ports.length}`);
  };
  const opts = (label: string, count: number): Parameters<typeof measure>[1] => ({ runs, warmup: 1, before: fresh, after: () => check(count), label });

  const oneTxn = await measure((run) => vs.addPorts(BR, names(n, run).map((name) => ({ name, type: 'internal' }))), opts(`loris one txn, ${n} ports`, n));
  const vsctlOne = await measure(
    (run) => timeCommand([...vsctl, ...names(n, run).flatMap((p) => ['--', 'add-port', BR, p, '--', 'set', 'interface', p, 'type=internal'])], { timeoutMs: 900_000 }),
    opts(`ovs-vsctl one command, ${n} ports`, n),
  );
  const nextCfg = async (): Promise<number> => Number((await client!.transact('Open_vSwitch', [select('Open_vSwitch', [], ['next_cfg'])] as const))[0].rows[0].next_cfg);
  // Helper transactions per run = next_cfg increments (each helper transaction bumps it once).
  const txns: number[] = [];
  let cfg0 = 0;
  const counted = (label: string, count: number): Parameters<typeof measure>[1] => ({
    ...opts(label, count),
    before: async () => {
      await fresh();
      cfg0 = await nextCfg();
    },
    after: async () => {
      txns.push((await nextCfg()) - cfg0);
      await check(count);
    },
  });
  const concurrent = await measure((run) => Promise.all(names(n, run).map((p) => vs.addPort(BR, p, { type: 'internal' }))), counted(`loris ${n} concurrent calls (group commit)`, n));
  const groupTxns = txns.splice(0).slice(1); // without the warm-up
  const vsAlone = new Vswitch(client, { waitTimeoutMs: 600_000, groupCommit: false });
  const separate = await measure((run) => Promise.all(names(n, run).map((p) => vsAlone.addPort(BR, p, { type: 'internal' }))), opts(`loris ${n} concurrent calls, groupCommit:false`, n));
  const perPort = await measure(
    async (run) => {
      for (const p of names(perPortSample, run)) await timeCommand([...vsctl, 'add-port', BR, p, '--', 'set', 'interface', p, 'type=internal']);
    },
    opts(`ovs-vsctl per port, ${perPortSample} ports`, perPortSample),
  );
  await vs.delBridge(BR, { ifExists: true });
  const scale = n / perPortSample;
  log(`per-port reference scaled ×${scale} from ${perPortSample} ports`);
  emit({ bench: BENCH, metric: 'txn-1', what: `${n.toLocaleString('en-US')} internal ports in one transaction vs one ovs-vsctl call with ${n.toLocaleString('en-US')} clauses`, loris: oneTxn.median, reference: vsctlOne.median, unit: 'ms', runs, spread: Math.max(oneTxn.spread, vsctlOne.spread) });
  emit({
    bench: BENCH,
    metric: `txns-${n}`,
    what: `${n.toLocaleString('en-US')} internal ports as ${n.toLocaleString('en-US')} concurrent transactions vs one ovs-vsctl per port`,
    loris: concurrent.median,
    reference: perPort.median * scale,
    unit: 'ms',
    runs,
    spread: Math.max(concurrent.spread, perPort.spread),
    note: `${n.toLocaleString('en-US')} concurrent helper calls, combined into ${[...new Set(groupTxns)].join('/')} transaction${groupTxns.every((x) => x === 1) ? '' : 's'} by group commit (per run); ovs-vsctl per port measured on ${perPortSample} ports and scaled ×${scale}`,
  });
  emit({
    bench: BENCH,
    metric: `txns-${n}-no-group-commit`,
    what: `the same ${n.toLocaleString('en-US')} concurrent transactions with group commit off`,
    loris: separate.median,
    reference: perPort.median * scale,
    unit: 'ms',
    runs,
    spread: Math.max(separate.spread, perPort.spread),
    note: `Vswitch({ groupCommit: false }): ${n} transactions; ovs-vsctl per port measured on ${perPortSample} ports and scaled ×${scale}`,
  });
} finally {
  client?.close();
  await lab.dispose();
}
