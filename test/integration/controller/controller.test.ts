import test from 'ava';
import { join } from 'node:path';
import { Lab, type LabHost } from '../../../src/lab/index.js';
import { run, waitUntil } from '../../../src/lab/exec.js';
import { OfConnection } from '../../../src/ofproto/connection.js';
import { OFPTT_ALL } from '../../../src/ofproto/flow-mod.js';
import type { FlowStats } from '../../../src/ofproto/multipart-flow.js';
import { OvsdbClient } from '../../../src/ovsdb/client.js';
import { Store } from '../../../src/store/store.js';
import { Controller } from '../../../src/controller/controller.js';
import { buildIndex, desiredFlows, isLorisCookie } from '../../../src/controller/pipeline.js';
import { reconcile } from '../../../src/controller/reconcile.js';

/*
 * One real host (ovsdb-server + ovs-vswitchd), the store in its ovsdb-server, peers that exist only in the store.
 * Checks that incremental updates always leave the switch exactly where a from-scratch computation would.
 */

let lab: Lab;
let h1: LabHost;
let store: Store;
let db: OvsdbClient;
let ctl: Controller;

test.before(async () => {
  lab = await Lab.create();
  h1 = await lab.addHost('h1');
  store = await Store.open({ remotes: `unix:${h1.ovs.dbSock}`, host: 'h1', embedded: { control: h1.ovs.dbCtl, file: join(lab.dir, 'loris.db') } });
  db = await OvsdbClient.connect(`unix:${h1.ovs.dbSock}`);
  await store.registerHost({ name: 'h1', address: h1.underlayIp });
  await store.registerHost({ name: 'p1', address: '192.0.2.101' });
  await store.registerHost({ name: 'p2', address: '192.0.2.102', tunnelType: 'gre' });
  await store.ensurePod(5, { subnet: '10.5.0.0/24' });
  await store.ensurePod(6, { subnet: '10.6.0.0/24' });
  ctl = new Controller({ ovsdb: db, store, host: 'h1', mgmtSocket: lab.mgmtSocket(h1, 'br-int'), vswitchdCtl: h1.ovs.vswitchdCtl, metricsPort: 0, linkEventsNetns: { name: h1.netns } });
  ctl.on('error', () => undefined);
  await ctl.start();
});

test.after.always(async () => {
  await ctl?.stop();
  await store?.close();
  db?.close();
  await lab?.dispose();
});

async function dump(): Promise<FlowStats[]> {
  const conn = await OfConnection.connect(`unix:${lab.mgmtSocket(h1, 'br-int')}`);
  try {
    const out: FlowStats[] = [];
    for await (const p of conn.multipart({ kind: 'flow', tableId: OFPTT_ALL, outPort: 0xffffffff, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, match: {} })) if (p.kind === 'flow') out.push(...p.flows);
    return out;
  } finally {
    await conn.close();
  }
}

/** The switch's table equals desiredFlows() computed from scratch from the store and the switch's ports. */
async function inSync(): Promise<boolean> {
  const ports = new Map<string, number>();
  for (const line of (await lab.ofctl(h1, ['show', lab.mgmtSocket(h1, 'br-int')])).split('\n')) {
    const m = /^\s*(\d+)\(([^)]+)\)/.exec(line);
    if (m) ports.set(m[2], Number(m[1]));
  }
  const tunnels = new Map<string, number>();
  for (const h of ['p1', 'p2']) {
    const p = ctl.tunnelPort(h);
    if (p !== undefined) tunnels.set(h, p);
  }
  const eps = store.endpoints().map((e) => ({ id: e.uuid, pod: e.pod, host: e.host, mac: e.mac, ip: e.ip, ...(e.host === 'h1' && ports.has(e.portName) ? { ofport: ports.get(e.portName) } : {}) }));
  const state = { host: 'h1', endpoints: eps, tunnels, dhcp: { ip: '169.254.169.254', mac: '0a:58:a9:fe:a9:fe' }, arpResponder: true, dhcpMeter: 1 };
  const r = reconcile(await dump(), desiredFlows(state, buildIndex('h1', eps)), { owned: isLorisCookie });
  return r.mods.length === 0;
}

test.serial('creates br-int (secure, OF1.3, in-band off) and one tunnel per peer with the pair’s type', async (t) => {
  t.is((await lab.vsctl(h1, ['get', 'bridge', 'br-int', 'fail_mode'])).trim(), 'secure');
  t.is((await lab.vsctl(h1, ['get', 'bridge', 'br-int', 'protocols'])).trim(), '[OpenFlow13]');
  t.is((await lab.vsctl(h1, ['get', 'bridge', 'br-int', 'other_config:disable-in-band'])).trim(), '"true"');
  t.is((await lab.vsctl(h1, ['get', 'bridge', 'br-int', 'datapath_type'])).trim(), 'netdev');
  const ifaces = await lab.vsctl(h1, ['--format=csv', '--columns=type,options', 'list', 'interface']);
  t.regex(ifaces, /vxlan,.*key=flow.*remote_ip=""192\.0\.2\.101/);
  t.regex(ifaces, /gre,.*key=flow.*remote_ip=""192\.0\.2\.102/);
  await waitUntil('tunnel ofports', () => ctl.tunnelPort('p1') !== undefined && ctl.tunnelPort('p2') !== undefined, 5000);
  t.true(await inSync());
  // DHCP packet-ins are rate-limited by a meter (100 pps by default).
  t.regex(await lab.ofctl(h1, ['dump-meters', lab.mgmtSocket(h1, 'br-int')]), /meter=1 pktps burst.*\n?.*type=drop rate=100 burst_size=100/);
  // A tunnel port removed behind loris's back comes back.
  const name = (await lab.vsctl(h1, ['--bare', '--columns=name', 'find', 'port', 'external_ids:loris-host=p1'])).trim();
  await lab.vsctl(h1, ['del-port', 'br-int', name]);
  await waitUntil('tunnel repaired', async () => (await lab.vsctl(h1, ['--bare', '--columns=name', 'find', 'port', 'external_ids:loris-host=p1'])).trim() === name, 5000, 20);
  await waitUntil('tunnel ofport back', () => ctl.tunnelPort('p1') !== undefined, 5000, 20);
  await waitUntil('in sync after repair', inSync, 5000, 50);
});

test.serial('incremental changes (endpoints come and go, ports appear late, peers leave) always match a full recomputation', async (t) => {
  // Remote endpoints of a pod that has nothing here: no flows.
  await store.allocate({ pod: 5, container: { id: 'r1' }, ip: '10.5.0.11', host: 'p1' });
  await store.allocate({ pod: 6, container: { id: 'r2' }, ip: '10.6.0.12', host: 'p2' });
  await waitUntil('sync 1', inSync, 5000, 50);
  // A local endpoint whose port does not exist yet, then the port appears.
  const c = await lab.addContainer('l1', 'netns');
  await store.allocate({ pod: 5, container: { id: 'l1' }, ip: '10.5.0.1', host: 'h1', portName: 'vl1' });
  await waitUntil('sync 2', inSync, 5000, 50);
  const before = ctl.installedFlowCount();
  await lab.plug(c, h1, { ip: '10.5.0.1/24', bridge: 'br-int' });
  await waitUntil('port flows', () => ctl.installedFlowCount() > before, 5000, 20);
  await waitUntil('sync 3', inSync, 5000, 50);
  t.regex(await lab.ofctl(h1, ['dump-flows', lab.mgmtSocket(h1, 'br-int'), 'table=1,udp']), /tp_src=68,tp_dst=67 actions=meter:1,CONTROLLER:65535/);
  // Many endpoints at once, in both pods, local and remote.
  await Promise.all(Array.from({ length: 20 }, (_, i) => store.allocate({ pod: 5 + (i % 2), container: { id: `m${i}` }, ip: 'dhcp', host: i % 3 ? 'p1' : 'p2' })));
  await waitUntil('sync 4', inSync, 5000, 50);
  // The container's port vanishes (container death), then its endpoint is released.
  await lab.vsctl(h1, ['del-port', 'br-int', 'vl1']);
  await waitUntil('sync 5', inSync, 5000, 50);
  await store.release({ containerId: 'l1' });
  await waitUntil('sync 6', inSync, 5000, 50);
  // Container death: its namespace goes, the host-side veth with it; rtnetlink reports the link deleted.
  const c2 = await lab.addContainer('l2', 'netns');
  await store.allocate({ pod: 6, container: { id: 'l2' }, ip: '10.6.0.222', host: 'h1', portName: 'vl2' });
  await lab.plug(c2, h1, { ip: '10.6.0.222/24', bridge: 'br-int' });
  await waitUntil('sync 6b', inSync, 5000, 50);
  const withL2 = ctl.installedFlowCount();
  if (c2.kind !== 'netns') throw new Error('netns container expected');
  await run(['ip', 'netns', 'del', c2.netns]);
  await waitUntil('l2 flows withdrawn', () => ctl.installedFlowCount() < withL2, 5000, 10);
  t.regex(await (await fetch(`http://127.0.0.1:${ctl.metricsPort}/metrics`)).text(), /loris_controller_link_deletions_total 1/);
  await store.release({ containerId: 'l2' });
  await lab.vsctl(h1, ['--if-exists', 'del-port', 'br-int', 'vl2']);
  await waitUntil('sync 6c', inSync, 5000, 50);
  // A peer leaves: its tunnel goes.
  for (const e of store.endpoints({ host: 'p2' })) await store.release(e.uuid);
  await store.removeHost('p2');
  await waitUntil('tunnel removed', async () => !(await lab.vsctl(h1, ['--columns=type', 'list', 'interface'])).includes('gre'), 5000, 50);
  await waitUntil('sync 7', inSync, 5000, 50);
  t.pass();
});

test.serial('metrics are served on loopback', async (t) => {
  t.truthy(ctl.metricsPort);
  const text = await (await fetch(`http://127.0.0.1:${ctl.metricsPort}/metrics`)).text();
  t.regex(text, /loris_controller_connected 1/);
  t.regex(text, /loris_controller_flow_mods_total\{command="add"\} \d+/);
  t.regex(text, /loris_controller_reconciles_total\{kind="incremental"\} [1-9]/);
});

test.serial('explain() traces a packet through the pipeline with ofproto/trace', async (t) => {
  const out = await ctl.explain('in_port=99,icmp,nw_src=10.5.0.1,nw_dst=10.5.0.11');
  t.regex(out, /Datapath actions: drop/);
  await t.throwsAsync(ctl.explain('in_port=1,tp_dst=67'), { code: 'LORIS_CONTROLLER' });
  const dhcp = await ctl.explain({ inPort: 99, ethSrc: '02:00:00:00:00:99', ethType: 0x0800, ipProto: 17, ipv4Src: '0.0.0.0', ipv4Dst: '255.255.255.255', udpSrc: 68, udpDst: 67 });
  t.regex(dhcp, /Datapath actions: drop/, 'no endpoint on port 99: dropped in classification');
});

test.serial('start() retries until the management socket exists; stop() ends the wait', async (t) => {
  const lonely = new Controller({ ovsdb: db, store, host: 'h1', mgmtSocket: join(lab.dir, 'nobody.mgmt'), reconnectMaxMs: 50 });
  lonely.on('error', () => undefined);
  const started = lonely.start();
  await new Promise((r) => setTimeout(r, 300));
  t.false(lonely.connected);
  await lonely.stop();
  await t.throwsAsync(started, { code: 'LORIS_CONTROLLER' });
});

/** The loris tunnel ports: name, ofport, error and loris-host. */
async function tunnelPorts(): Promise<{ name: string; ofport: string; error: string; host: string }[]> {
  const out = [];
  const names = (await lab.vsctl(h1, ['--bare', '--columns=name', 'find', 'port', 'external_ids:loris-host!=""'])).split('\n').map((s) => s.trim()).filter(Boolean);
  for (const name of names) {
    const [ofport, error] = (await lab.vsctl(h1, ['--bare', '--columns=ofport,error', 'list', 'interface', name])).split('\n').map((s) => s.trim());
    const host = (await lab.vsctl(h1, ['get', 'port', name, 'external_ids:loris-host'])).trim().replace(/"/g, '');
    out.push({ name, ofport, error: error ?? '', host });
  }
  return out;
}

test.serial('a peer registered by address, then under its own name, keeps its tunnel port (no "File exists")', async (t) => {
  const healthy = (x: { ofport: string; error: string } | undefined): boolean => x !== undefined && Number(x.ofport) > 0 && x.error === '';
  const toPeer = async (): Promise<{ name: string; ofport: string; error: string; host: string } | undefined> => (await tunnelPorts()).find((x) => x.host === '192.0.2.103' || x.host === 'p3');
  await store.registerHost({ address: '192.0.2.103' });
  await waitUntil('tunnel to 192.0.2.103', async () => healthy(await toPeer()), 10_000, 50);
  await waitUntil('its ofport known', () => ctl.tunnelPort('192.0.2.103') !== undefined, 5000, 20);
  const before = await toPeer();
  await store.registerHost({ name: 'p3', address: '192.0.2.103' });
  await waitUntil('tunnel re-tagged p3', async () => (await toPeer())?.host === 'p3', 10_000, 50);
  // vswitchd applies a change asynchronously: give ofport/error time to settle before judging.
  await waitUntil('tunnel healthy', async () => healthy(await toPeer()), 5000, 50).catch(() => false);
  const after = await toPeer();
  t.true(healthy(after), JSON.stringify(after));
  t.is(after?.name, before?.name, 'the port is kept (named after the address); only its loris-host tag changes');
  t.true(await waitUntil('controller maps the port to p3', () => ctl.tunnelPort('p3') !== undefined && ctl.tunnelPort('192.0.2.103') === undefined, 5000, 20));
  await store.removeHost('p3');
  await waitUntil('tunnel to p3 removed', async () => (await toPeer()) === undefined, 10_000, 50);
});
