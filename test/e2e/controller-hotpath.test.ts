import test from 'ava';
import { spawn } from 'node:child_process';
import { run, waitUntil } from '../../src/lab/exec.js';
import type { Controller } from '../../src/controller/controller.js';
import { ControllerLab } from './controller-lab.js';

/*
 * The hot path stays in the datapath: during 5 s of steady TCP traffic (iperf3) between two containers of one pod
 * on two hosts, no controller receives a single packet-in (read from each controller's prom-client registry).
 * Paced at 100 Mbit/s: steady traffic without starving tests that run alongside on a 2-core CI machine.
 */

let cl: ControllerLab;
test.before(async () => {
  cl = await ControllerLab.create({ hosts: 2 });
  await cl.store('h1').ensurePod(1, { subnet: '10.1.0.0/24' });
});
test.after.always(async () => {
  await cl?.close();
});

/** Sum of `loris_controller_packet_ins_total` over all its labels, from the controller's own registry. */
async function packetIns(c: Controller): Promise<number> {
  const metric = c.metrics.registry.getSingleMetric('loris_controller_packet_ins_total');
  if (!metric) throw new Error('loris_controller_packet_ins_total is not registered in the controller’s registry');
  return (await metric.get()).values.reduce((sum, v) => sum + v.value, 0);
}

async function allPacketIns(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [host, c] of cl.controllers) out[host] = await packetIns(c);
  return out;
}

test.serial('steady iperf3 traffic across hosts: zero packet-ins on every controller', async (t) => {
  const [h1, h2] = cl.hosts;
  const server = await cl.addMember('srv', h1, 1, '10.1.0.1');
  const client = await cl.addMember('cli', h2, 1, '10.1.0.2');
  // Warm up: ARP (answered by flows) and the first packets both ways, outside the measurement window.
  t.true(await waitUntil('cli → srv', () => cl.reaches(client, server, 2), 8000, 50));
  t.true(await cl.reaches(server, client, 2));
  for (const m of [server, client]) await cl.offloadsOff(m);

  const [cmd, ...args] = cl.lab.inContainer(server.c, ['iperf3', '-s', '-1', '-B', server.ip]);
  const srv = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let srvOut = '';
  srv.stdout.on('data', (d: Buffer) => (srvOut += d.toString()));
  srv.stderr.on('data', (d: Buffer) => (srvOut += d.toString()));
  const exited = new Promise<void>((r) => srv.on('close', () => r()));
  try {
    // iperf3 buffers its stdout when it is a pipe: ask the socket table instead.
    await waitUntil('iperf3 server listening', async () => (await cl.lab.execIn(server.c, ['ss', '-Hltn', 'sport', '=', ':5201'])).includes('5201'), 10_000, 50).catch((e: unknown) => {
      throw new Error(`${String(e)}; iperf3 -s said: ${srvOut}`);
    });
    const before = await allPacketIns();
    const r = await run(cl.lab.inContainer(client.c, ['iperf3', '-c', server.ip, '-t', '5', '-b', '100M', '-J']), { timeoutMs: 20_000 });
    const after = await allPacketIns();
    t.is(r.code, 0, r.stdout + r.stderr);
    const report = JSON.parse(r.stdout) as { end?: { sum_sent?: { bytes?: number }; sum_received?: { bytes?: number } } };
    const sent = report.end?.sum_sent?.bytes ?? 0;
    const received = report.end?.sum_received?.bytes ?? 0;
    t.log(`iperf3: ${sent} bytes sent, ${received} received; packet-ins before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`);
    t.true(sent > 0 && received > 0, `iperf3 moved no data: ${r.stdout.slice(0, 2000)}`);
    t.deepEqual(Object.fromEntries(Object.entries(after).map(([h, n]) => [h, n - before[h]])), { h1: 0, h2: 0 });
  } finally {
    if (srv.exitCode === null && srv.pid !== undefined) process.kill(srv.pid, 'SIGTERM');
    await exited;
  }
});
