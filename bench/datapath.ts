/**
 * Datapath throughput: iperf3 TCP between two pod containers on two lab hosts (userspace datapath, VXLAN), through
 * loris's pipeline (port security, isolation, per-pod tunnel keys), vs the same hosts, ports and tunnel with a plain
 * `actions=NORMAL` flow table (MAC-learning bridge, no isolation) — the cost of loris's pipeline per packet.
 *
 *   npx tsx bench/datapath.ts [--small]      (3 s per iperf3 run, 3 runs + warm-up; --small: 1 s runs)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { run, waitUntil } from '../src/lab/exec.js';
import { ControllerLab, type Member } from '../test/e2e/controller-lab.js';
import { emit, log, measure, parseBenchArgs, size } from './lib/index.js';

const args = parseBenchArgs();
const seconds = size(args, 3, 1);
const runs = size(args, 5, 3);

const cl = await ControllerLab.create({ hosts: 2, tunnelType: 'vxlan' });
let server: ChildProcess | undefined;
try {
  const [h1, h2] = cl.hosts;
  await cl.store('h1').ensurePod(1, { subnet: '10.1.0.0/24' });
  const x1 = await cl.addMember('x1', h1, 1, '10.1.0.1');
  const x2 = await cl.addMember('x2', h2, 1, '10.1.0.2');
  await waitUntil('x1 → x2', () => cl.reaches(x1, x2), 10_000, 50);
  for (const m of [x1, x2]) await cl.offloadsOff(m);
  const probe = await run(cl.lab.inContainer(x1.c, ['ping', '-c', '1', '-W', '2', '-M', 'do', '-s', String(1450 - 28), x2.ip]));
  log(`full-size probe: ${probe.code === 0 ? 'ok' : 'FAILED ' + probe.stdout}`);
  const [cmd, ...rest] = cl.lab.inContainer(x2.c, ['iperf3', '-s', '-B', x2.ip, '--forceflush']);
  const srv = spawn(cmd, rest, { stdio: ['ignore', 'pipe', 'pipe'] });
  server = srv;
  let srvOut = '';
  srv.stdout?.on('data', (b: Buffer) => (srvOut += b.toString()));
  await waitUntil('iperf3 server', () => srvOut.includes('Server listening'), 10_000, 20);

  /** One iperf3 client run; returns Gbit/s received. Timed as wall time too, but the metric is the rate. */
  const rates: Record<string, number[]> = { loris: [], normal: [] };
  const once = async (who: 'loris' | 'normal', from: Member, to: Member): Promise<void> => {
    const r = await run(cl.lab.inContainer(from.c, ['iperf3', '-c', to.ip, '-t', String(seconds), '-J']), { timeoutMs: (seconds + 20) * 1000 });
    if (r.code !== 0) throw new Error(`iperf3 failed: ${r.stdout.slice(-500)} ${r.stderr}`);
    const j = JSON.parse(r.stdout) as { end: { sum_received: { bits_per_second: number } } };
    rates[who].push(j.end.sum_received.bits_per_second / 1e9);
  };

  log(`loris pipeline: ${runs} runs of ${seconds} s`);
  await measure(() => once('loris', x1, x2), { runs, warmup: 1, label: 'loris' });
  rates.loris.shift(); // the warm-up
  const flowsLoris = cl.controller('h1').installedFlowCount();

  // Reference: the same bridge, ports and tunnels with a NORMAL table. Stop the controllers (they leave their
  // flows), then replace every flow on both hosts.
  for (const c of cl.controllers.values()) await c.stop();
  for (const h of [h1, h2]) {
    await cl.lab.ofctl(h, ['del-flows', cl.lab.mgmtSocket(h, 'br-int')]);
    await cl.lab.ofctl(h, ['add-flow', cl.lab.mgmtSocket(h, 'br-int'), 'priority=0,actions=NORMAL']);
  }
  await waitUntil('x1 → x2 over NORMAL', () => cl.reaches(x1, x2), 10_000, 50);
  log(`NORMAL bridge: ${runs} runs of ${seconds} s`);
  await measure(() => once('normal', x1, x2), { runs, warmup: 1, label: 'normal' });
  rates.normal.shift();

  const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const spread = (xs: number[]): number => (Math.max(...xs) - Math.min(...xs)) / med(xs);
  log(`loris ${rates.loris.map((x) => x.toFixed(2)).join(', ')} Gbit/s (${flowsLoris} flows); NORMAL ${rates.normal.map((x) => x.toFixed(2)).join(', ')} Gbit/s`);
  emit({
    bench: 'datapath', metric: 'tcp-throughput', what: 'iperf3 TCP pod→pod across hosts (VXLAN, userspace datapath)', loris: med(rates.loris), reference: med(rates.normal),
    unit: 'Gbit/s', better: 'higher', runs: rates.loris.length, spread: spread(rates.loris),
    note: 'reference: the same bridge, ports and tunnel with one actions=NORMAL flow (no isolation, no port security)',
  });
} finally {
  if (server?.pid) server.kill('SIGTERM');
  await cl.close();
}
