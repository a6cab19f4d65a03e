import test from 'ava';
import { existsSync, readdirSync } from 'node:fs';
import { Lab, type LabContainer, type LabHost } from '../../src/lab/index.js';
import { run, waitUntil } from '../../src/lab/exec.js';

async function pingUntil(lab: Lab, c: Parameters<Lab['ping']>[0], ip: string): Promise<void> {
  await waitUntil(`ping ${ip}`, async () => (await lab.ping(c, ip, { count: 1, timeoutS: 1 })).ok, 20_000, 100);
}

/** What the hosts and containers look like, for a failure message (each probe's own failure is reported, not thrown). */
async function diagnose(lab: Lab, hosts: LabHost[], containers: LabContainer[]): Promise<string> {
  const out: string[] = [];
  const probe = async (what: string, argv: string[]): Promise<void> => {
    const r = await run(argv, { timeoutMs: 10_000 }).catch((e: Error) => ({ code: -1, stdout: '', stderr: e.message }));
    out.push(`--- ${what} (exit ${r.code})\n${r.stdout}${r.stderr}`);
  };
  for (const h of hosts) {
    await probe(`${h.name}: vsctl show`, ['ovs-vsctl', `--db=unix:${h.ovs.dbSock}`, 'show']);
    await probe(`${h.name}: fdb/show br-int`, ['ovs-appctl', '-t', h.ovs.vswitchdCtl, 'fdb/show', 'br-int']);
    await probe(`${h.name}: tnl/neigh/show`, ['ovs-appctl', '-t', h.ovs.vswitchdCtl, 'tnl/neigh/show']);
    await probe(`${h.name}: dump-ports br-int`, ['ovs-ofctl', 'dump-ports', lab.mgmtSocket(h, 'br-int')]);
  }
  for (const c of containers) {
    await probe(`${c.name}: ip addr`, lab.inContainer(c, ['ip', '-o', 'addr']));
    await probe(`${c.name}: ip neigh`, lab.inContainer(c, ['ip', 'neigh']));
  }
  return out.join('\n');
}

test('lab: 2 hosts, VXLAN then GRE, a netns and a Docker container ping each other; dispose leaves nothing', async (t) => {
  const lab = await Lab.create();
  try {
    const [h1, h2] = await Promise.all([lab.addHost('h1'), lab.addHost('h2')]);
    await Promise.all([lab.addBridge(h1, 'br-int'), lab.addBridge(h2, 'br-int')]);
    const [c1, c2] = await Promise.all([lab.addContainer('c1', 'netns'), lab.addContainer('c2', 'docker')]);
    t.is(c2.kind, 'docker');
    await lab.plug(c1, h1, { ip: '10.1.0.1/24' });
    await lab.plug(c2, h2, { ip: '10.1.0.2/24' });

    // The underlay works (br-phy carries the host's IP).
    const ul = await run(lab.inHost(h1, ['ping', '-c', '1', '-W', '2', h2.underlayIp]));
    t.is(ul.code, 0, ul.stdout + ul.stderr);

    for (const type of ['vxlan', 'gre'] as const) {
      await lab.addTunnel(h1, h2, { bridge: 'br-int', type, port: `t-${type}`, key: '100' });
      await lab.addTunnel(h2, h1, { bridge: 'br-int', type, port: `t-${type}`, key: '100' });
      await pingUntil(lab, c1, '10.1.0.2').catch(async (e: Error) => {
        t.log(`${type}: ${e.message}\n${await diagnose(lab, [h1, h2], [c1, c2])}`);
        throw e;
      });
      const r = await lab.ping(c2, '10.1.0.1', { count: 3 });
      t.is(r.received, 3, `${type}: docker container pings the netns container`);
      await lab.vsctl(h1, ['del-port', 'br-int', `t-${type}`]);
      await lab.vsctl(h2, ['del-port', 'br-int', `t-${type}`]);
    }
  } finally {
    await lab.dispose();
  }
  // Nothing of the run is left: namespaces, daemons, run dir, docker mounts.
  const ns = existsSync('/var/run/netns') ? readdirSync('/var/run/netns').filter((n) => n.startsWith(lab.runId)) : [];
  t.deepEqual(ns, []);
  t.false(existsSync(lab.dir));
  const procs = readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    try {
      return require_cmdline(p).includes(lab.runId);
    } catch {
      return false;
    }
  });
  t.deepEqual(procs, []);
});

import { readFileSync } from 'node:fs';
function require_cmdline(p: string): string {
  return readFileSync(`/proc/${p}/cmdline`, 'utf8');
}
