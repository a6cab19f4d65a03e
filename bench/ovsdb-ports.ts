/**
 * 1,000 internal ports created on a lab netdev bridge and applied by ovs-vswitchd (cur_cfg reached), four ways:
 *   loris, one transaction (Vswitch.addPorts)       vs  one `ovs-vsctl` with 1,000 `-- add-port` clauses
 *   loris, 1,000 concurrent transactions (addPort)  vs  one `ovs-vsctl add-port` process per port
 * The per-port reference runs on `perPortSample` ports and is scaled to the full count (said in the result's note).
 * Each run starts from a fresh bridge; deleting it is outside the timed region.
 *
 *   npx tsx bench/ovsdb-ports.ts [--small]       (1,000 ports; --small: 20)
 */
import { Lab } from '../src/lab/index.js';
import { OvsdbClient, Vswitch } from '../src/ovsdb/index.js';
import { emit, log, measure, parseBenchArgs, size, timeCommand } from './lib/index.js';

const args = parseBenchArgs();
const n = size(args, 1000, 20);
const perPortSample = size(args, 100, 10);
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
  const concurrent = await measure((run) => Promise.all(names(n, run).map((p) => vs.addPort(BR, p, { type: 'internal' }))), opts(`loris ${n} concurrent txns`, n));
  const perPort = await measure(
    async (run) => {
      for (const p of names(perPortSample, run)) await timeCommand([...vsctl, 'add-port', BR, p, '--', 'set', 'interface', p, 'type=internal']);
    },
    opts(`ovs-vsctl per port, ${perPortSample} ports`, perPortSample),
  );
  await vs.delBridge(BR, { ifExists: true });
  const scale = n / perPortSample;
  log(`per-port reference scaled ×${scale} from ${perPortSample} ports`);
  emit({ bench: BENCH, metric: `${n} internal ports, one transaction vs one ovs-vsctl`, loris: oneTxn.median, reference: vsctlOne.median, unit: 'ms', runs, spread: Math.max(oneTxn.spread, vsctlOne.spread) });
  emit({
    bench: BENCH,
    metric: `${n} internal ports, concurrent transactions vs ovs-vsctl per port`,
    loris: concurrent.median,
    reference: perPort.median * scale,
    unit: 'ms',
    runs,
    spread: Math.max(concurrent.spread, perPort.spread),
    note: `ovs-vsctl per port measured on ${perPortSample} ports and scaled ×${scale}`,
  });
} finally {
  client?.close();
  await lab.dispose();
}
