import test from 'ava';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Lab, type LabHost } from '../../../src/lab/index.js';
import { sh } from '../../../src/lab/exec.js';
import { readPid, startOvsdbServer } from '../../../src/lab/ovs.js';
import { eq, insert, OvsdbClient, OvsdbError, select, Uuid } from '../../../src/ovsdb/index.js';
import {
  EndpointConflictError,
  HostConflictError,
  HostNotFoundError,
  InvalidAddressError,
  IpTakenError,
  MacTakenError,
  NoSubnetError,
  PodInUseError,
  PodOutOfRangeError,
  Store,
  STORE_DB,
  SubnetExhaustedError,
  type Endpoint,
  type StoreEvent,
} from '../../../src/store/index.js';

let lab: Lab;
let h1: LabHost;
let store: Store;

const open = (host = 'h1'): Promise<Store> =>
  Store.open({ remotes: `unix:${h1.ovs.dbSock}`, host, embedded: { control: h1.ovs.dbCtl, file: join(h1.ovs.dir, 'loris.db') } });

test.before(async () => {
  lab = await Lab.create();
  h1 = await lab.addHost('h1');
  store = await open();
  await store.registerHost({ name: 'h1', address: h1.underlayIp, agentVersion: 'test' });
});

test.after.always(async () => {
  await store?.close();
  await lab?.dispose();
});

test.serial('embedded: the Loris database is added to the host ovsdb-server from a file loris wrote', async (t) => {
  t.true(existsSync(join(h1.ovs.dir, 'loris.db')));
  const dbs = await sh(['ovs-appctl', '-t', h1.ovs.dbCtl, 'ovsdb-server/list-dbs']);
  t.deepEqual(dbs.split('\n').filter(Boolean).sort(), ['Loris', 'Open_vSwitch', '_Server']);
  // A second opener finds it there (no second add-db) and shares the Cluster row (maxRows 1).
  const other = await open('h2');
  try {
    t.is(other.cluster.uuid, store.cluster.uuid);
    t.is(other.cluster.tunnelType, 'vxlan');
    t.is(other.cluster.underlayMtu, 1500);
  } finally {
    await other.close();
  }
  // ovsdb-client sees the same rows (observer).
  const out = await sh(['ovsdb-client', 'dump', `unix:${h1.ovs.dbSock}`, 'Loris', 'Host']);
  t.regex(out, new RegExp(h1.underlayIp.replaceAll('.', '\\.')));
});

test.serial('schema: the database itself refuses duplicate pods, duplicate [pod, ip]/[pod, mac], dangling refs, pod 0', async (t) => {
  const c = await OvsdbClient.connect(`unix:${h1.ovs.dbSock}`);
  try {
    const pod = await store.ensurePod(900, { subnet: '10.90.0.0/24' });
    const h = store.host('h1');
    if (!h) throw new Error('h1 not registered');
    const ep = (ip: string, mac: string, cid: string) =>
      insert('Endpoint', { pod: new Uuid(pod.uuid), host: new Uuid(h.uuid), ip, mac, container_id: cid, ifname: 'eth1', prefix_len: 24, assignment: 'static' });
    await c.transact('Loris', [ep('10.90.0.1', '02:00:00:00:00:01', 'raw-a')]);
    const dupPod = await t.throwsAsync(c.transact('Loris', [insert('Pod', { number: 900 })]), { instanceOf: OvsdbError });
    t.is(dupPod?.error, 'constraint violation');
    t.regex(dupPod?.details ?? '', /index on column "number"/);
    t.regex((await t.throwsAsync(c.transact('Loris', [ep('10.90.0.1', '02:00:00:00:00:02', 'raw-b')]), { instanceOf: OvsdbError }))?.details ?? '', /columns "pod" and "ip"/);
    t.regex((await t.throwsAsync(c.transact('Loris', [ep('10.90.0.2', '02:00:00:00:00:01', 'raw-c')]), { instanceOf: OvsdbError }))?.details ?? '', /columns "pod" and "mac"/);
    t.regex((await t.throwsAsync(c.transact('Loris', [ep('10.90.0.3', '02:00:00:00:00:03', 'raw-a')]), { instanceOf: OvsdbError }))?.details ?? '', /columns "container_id" and "ifname"/);
    const dangling = insert('Endpoint', { pod: new Uuid(h.uuid), host: new Uuid(h.uuid), ip: '10.90.0.9', mac: '02:00:00:00:00:09', container_id: 'raw-d', prefix_len: 24, assignment: 'static' });
    t.is((await t.throwsAsync(c.transact('Loris', [dangling]), { instanceOf: OvsdbError }))?.error, 'referential integrity violation');
    t.is((await t.throwsAsync(c.transact('Loris', [insert('Pod', { number: 0 })]), { instanceOf: OvsdbError }))?.error, 'constraint violation');
    t.is((await t.throwsAsync(c.transact('Loris', [insert('Pod', { number: 2 ** 24 })]), { instanceOf: OvsdbError }))?.error, 'constraint violation');
    // Strong refs: a pod with endpoints can't be deleted.
    await t.throwsAsync(store.removePod(900), { instanceOf: PodInUseError, message: /endpoints still use it/ });
    t.true(await store.release({ containerId: 'raw-a' }));
    t.true(await store.removePod(900));
    t.is((await c.transact('Loris', [select('Pod', [eq('number', 900)])]))[0].rows.length, 0);
  } finally {
    c.close();
  }
});

test.serial('typed errors: taken IP and MAC name the holder; pod range; bad addresses', async (t) => {
  await store.ensurePod(10, { subnet: '10.10.0.0/24' });
  const a = await store.allocate({ pod: 10, container: { id: 'c-web', name: 'web' }, ip: '10.10.0.5' });
  t.is(a.ip, '10.10.0.5');
  t.is(a.prefixLen, 24);
  t.is(a.assignment, 'static');
  t.is(a.host, 'h1');
  t.is(a.mac, '2a:00:0a:0a:00:05');
  const ipErr = await t.throwsAsync(store.allocate({ pod: 10, container: { id: 'c-db', name: 'db' }, ip: '10.10.0.5/24' }), { instanceOf: IpTakenError });
  t.is(ipErr?.code, 'LORIS_STORE_IP_TAKEN');
  t.is(ipErr?.holder?.containerName, 'web');
  t.regex(ipErr?.message ?? '', /10\.10\.0\.5 in pod 10 is already held by container web .* interface eth1 on host h1/);
  const macErr = await t.throwsAsync(store.allocate({ pod: 10, container: { id: 'c-db', name: 'db' }, ip: '10.10.0.6', mac: a.mac.toUpperCase() }), { instanceOf: MacTakenError });
  t.is(macErr?.code, 'LORIS_STORE_MAC_TAKEN');
  t.regex(macErr?.message ?? '', /MAC 2a:00:0a:0a:00:05 in pod 10 is already held by container web/);
  // The same address in another pod is fine: pods are isolated.
  await store.ensurePod(11, { subnet: '10.10.0.0/24' });
  const other = await store.allocate({ pod: 11, container: { id: 'c-db', name: 'db' }, ip: '10.10.0.5' });
  t.not(other.mac, a.mac);
  for (const n of [0, 2 ** 24, -1, 1.5]) {
    const e = await t.throwsAsync(store.allocate({ pod: n, container: { id: 'x' }, ip: 'dhcp' }), { instanceOf: PodOutOfRangeError });
    t.is(e?.code, 'LORIS_STORE_POD_OUT_OF_RANGE');
  }
  await t.throwsAsync(store.allocate({ pod: 10, container: { id: 'x' }, ip: '10.11.0.5' }), { instanceOf: InvalidAddressError, message: /outside the pod's subnet 10\.10\.0\.0\/24/ });
  await t.throwsAsync(store.allocate({ pod: 10, container: { id: 'x' }, ip: '10.10.0.255' }), { instanceOf: InvalidAddressError, message: /broadcast/ });
  await t.throwsAsync(store.allocate({ pod: 10, container: { id: 'x' }, ip: '10.10.0.0' }), { instanceOf: InvalidAddressError, message: /network address/ });
  await t.throwsAsync(store.allocate({ pod: 12, container: { id: 'x' }, ip: 'dhcp' }), { instanceOf: NoSubnetError, message: /pod 12 has no subnet/ });
  await t.throwsAsync(store.allocate({ pod: 10, container: { id: 'x' }, ip: 'dhcp', host: 'nowhere' }), { instanceOf: HostNotFoundError });
  // Without a pod subnet the mask defaults to /24.
  const noSubnet = await store.allocate({ pod: 12, container: { id: 'c-free' }, ip: '172.16.5.9' });
  t.is(noSubnet.prefixLen, 24);
});

test.serial('concurrent static allocations of one address from two clients: the index decides, exactly one wins', async (t) => {
  const other = await open('h1');
  try {
    await store.ensurePod(13, { subnet: '10.13.0.0/24' });
    const results = await Promise.allSettled([
      store.allocate({ pod: 13, container: { id: 'race-a' }, ip: '10.13.0.7' }),
      other.allocate({ pod: 13, container: { id: 'race-b' }, ip: '10.13.0.7' }),
    ]);
    t.is(results.filter((r) => r.status === 'fulfilled').length, 1);
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    t.true(rejected?.reason instanceof IpTakenError, String(rejected?.reason));
    t.regex((rejected?.reason as Error).message, /already held by container race-[ab]/);
  } finally {
    await other.close();
  }
});

test.serial('dhcp: lowest free address; a /29 is exhausted after 6; release and reuse; allocation is stable', async (t) => {
  await store.ensurePod(20, { subnet: '10.20.0.0/29' });
  const got: Endpoint[] = [];
  for (let i = 0; i < 6; i++) got.push(await store.allocate({ pod: 20, container: { id: `d${i}`, name: `d${i}` }, ip: 'dhcp' }));
  t.deepEqual(
    got.map((e) => e.ip),
    ['10.20.0.1', '10.20.0.2', '10.20.0.3', '10.20.0.4', '10.20.0.5', '10.20.0.6'],
  );
  t.true(got.every((e) => e.prefixLen === 29 && e.assignment === 'dhcp'));
  t.is(new Set(got.map((e) => e.mac)).size, 6);
  const full = await t.throwsAsync(store.allocate({ pod: 20, container: { id: 'd6' }, ip: 'dhcp' }), { instanceOf: SubnetExhaustedError });
  t.is(full?.code, 'LORIS_STORE_SUBNET_EXHAUSTED');
  t.regex(full?.message ?? '', /pod 20: no free address left in 10\.20\.0\.0\/29/);
  // Stable: the same container interface gets its endpoint back, not a new address.
  const again = await store.allocate({ pod: 20, container: { id: 'd2' }, ip: 'dhcp' });
  t.is(again.uuid, got[2].uuid);
  t.is(again.ip, '10.20.0.3');
  await t.throwsAsync(store.allocate({ pod: 21, container: { id: 'd2' }, ip: 'dhcp' }), { instanceOf: EndpointConflictError, message: /already connected to pod 20 as 10\.20\.0\.3\/29/ });
  t.true(await store.release(got[2].uuid));
  t.false(await store.release(got[2].uuid));
  const reused = await store.allocate({ pod: 20, container: { id: 'd7' }, ip: 'dhcp' });
  t.is(reused.ip, '10.20.0.3');
  t.deepEqual(
    store.endpoints({ pod: 20 }).map((e) => e.ip),
    ['10.20.0.1', '10.20.0.2', '10.20.0.3', '10.20.0.4', '10.20.0.5', '10.20.0.6'],
  );
});

test.serial('dhcp from two clients at once on a /29: 6 distinct addresses, the rest SubnetExhaustedError', async (t) => {
  const other = await open('h1');
  try {
    await store.ensurePod(22, { subnet: '10.22.0.0/29' });
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? other : store).allocate({ pod: 22, container: { id: `burst-${i}` }, ip: 'dhcp' })),
    );
    const ok = results.filter((r): r is PromiseFulfilledResult<Endpoint> => r.status === 'fulfilled').map((r) => r.value.ip);
    t.deepEqual(ok.sort(), ['10.22.0.1', '10.22.0.2', '10.22.0.3', '10.22.0.4', '10.22.0.5', '10.22.0.6']);
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    t.is(failed.length, 4);
    t.true(failed.every((r) => r.reason instanceof SubnetExhaustedError), String(failed[0]?.reason));
  } finally {
    await other.close();
  }
});

test.serial('pod subnets: from the cluster pool; changing a subnet refuses to orphan endpoints', async (t) => {
  await store.setCluster({ podSubnetPool: '10.200.0.0/16', podPrefixLen: 24 });
  const p = await store.ensurePod(30);
  t.is(p.subnet, '10.200.30.0/24');
  t.is(p.tunnelKey, 30);
  const e = await store.allocate({ pod: 30, container: { id: 'pool-1' }, ip: 'dhcp' });
  t.is(e.ip, '10.200.30.1');
  await t.throwsAsync(store.setPodSubnet(30, '10.201.0.0/24'), { instanceOf: PodInUseError, message: /10\.200\.30\.1 don't fit in 10\.201\.0\.0\/24/ });
  const wider = await store.setPodSubnet(30, '10.200.0.0/16');
  t.is(wider.subnet, '10.200.0.0/16');
  await store.waitFor((s) => s.endpoint(e.uuid)?.prefixLen === 16);
  await store.setCluster({ podSubnetPool: null });
  t.is(store.cluster.podSubnetPool, undefined);
  t.is(store.effectiveMtu(30), 1450);
  await store.setPodMtu(30, 1400);
  t.is(store.effectiveMtu(30), 1400);
});

test.serial('events: another client’s writes reach on("endpoint") as insert and delete', async (t) => {
  const seen: StoreEvent<Endpoint>[] = [];
  const listener = (ev: StoreEvent<Endpoint>): void => void seen.push(ev);
  store.on('endpoint', listener);
  const other = await open('h1');
  try {
    await other.ensurePod(40, { subnet: '10.40.0.0/24' });
    const e = await other.allocate({ pod: 40, container: { id: 'ev-1', name: 'ev' }, ip: 'dhcp' });
    await store.waitFor(() => seen.some((x) => x.type === 'insert' && x.new.uuid === e.uuid));
    const ins = seen.find((x) => x.type === 'insert' && x.new.uuid === e.uuid);
    t.is(ins?.type === 'insert' ? ins.new.pod : 0, 40);
    t.is(ins?.type === 'insert' ? ins.new.host : '', 'h1');
    await other.release(e.uuid);
    await store.waitFor(() => seen.some((x) => x.type === 'delete' && x.old.uuid === e.uuid));
    t.pass();
  } finally {
    store.off('endpoint', listener);
    await other.close();
  }
});

test.serial('endpoints(): by pod, then address as a number; a row another tool wrote with a non-IPv4 address sorts first and breaks nothing', async (t) => {
  await store.ensurePod(41, { subnet: '10.41.0.0/24' });
  const made: Endpoint[] = [];
  for (const ip of ['10.41.0.10', '10.41.0.9', '10.41.0.100']) made.push(await store.allocate({ pod: 41, container: { id: `ord-${ip}`, name: 'ord' }, ip }));
  const pod = store.pod(41);
  const host = store.host('h1');
  if (!pod || !host) throw new Error('pod 41 or host h1 missing');
  const foreign = await store.client.transact(STORE_DB, [
    insert('Endpoint', { pod: new Uuid(pod.uuid), host: new Uuid(host.uuid), container_id: 'foreign', container_name: 'foreign', ifname: 'eth1', port_name: '', mac: '0a:00:00:00:41:01', ip: 'not-an-ip', prefix_len: 24, assignment: 'static' }),
  ]);
  try {
    await store.waitFor((s) => s.endpoints({ pod: 41 }).length === 4);
    t.deepEqual(store.endpoints({ pod: 41 }).map((e) => e.ip), ['not-an-ip', '10.41.0.9', '10.41.0.10', '10.41.0.100']);
    t.deepEqual(store.endpoints({ containerId: 'ord-10.41.0.9' }).map((e) => e.ip), ['10.41.0.9']);
  } finally {
    await store.release(foreign[0].uuid.uuid);
    for (const e of made) await store.release(e.uuid);
    await store.removePod(41);
  }
});

test.serial('membership: peers registered by address, renamed when they register; GC of dead containers and of a host that left', async (t) => {
  const peer = await store.registerHost({ address: '192.0.2.99' });
  t.is(peer.name, '192.0.2.99');
  t.is(peer.lastSeen, 0);
  const named = await store.registerHost({ name: 'h9', address: '192.0.2.99', tunnelType: 'gre' });
  t.is(named.uuid, peer.uuid);
  t.is(named.tunnelType, 'gre');
  t.is(store.effectiveMtu(13), 1450); // the largest overhead in use (vxlan 50 > gre 42)
  await t.throwsAsync(store.registerHost({ name: 'h8', address: '192.0.2.99' }), { instanceOf: HostConflictError, message: /already registered to host h9/ });
  await t.throwsAsync(store.registerHost({ name: 'h8', address: '192.0.2' }), { instanceOf: InvalidAddressError });

  await store.ensurePod(50, { subnet: '10.50.0.0/24' });
  const mine = await store.allocate({ pod: 50, container: { id: 'live' }, ip: 'dhcp' });
  const gone = await store.allocate({ pod: 50, container: { id: 'gone' }, ip: 'dhcp' });
  const remote = await store.allocate({ pod: 50, container: { id: 'on-h9' }, ip: 'dhcp', host: 'h9' });
  const removed = await store.gcEndpoints((e) => e.containerId !== 'gone', { host: 'h1' });
  t.deepEqual(
    removed.map((e) => e.uuid),
    [gone.uuid],
  );
  await store.waitFor((s) => !s.endpoint(gone.uuid));
  t.truthy(store.endpoint(mine.uuid));
  t.is(await store.removeHost('h9'), 1);
  await store.waitFor((s) => !s.endpoint(remote.uuid) && !s.host('h9'));
  t.is(await store.removeHost('h9'), undefined);
  const before = store.host('h1')?.lastSeen ?? 0;
  await store.heartbeat();
  await store.waitFor((s) => (s.host('h1')?.lastSeen ?? 0) >= before);
  t.pass();
});

test.serial('embedded: after an ovsdb-server restart the store adds its database again; the data survived in the file', async (t) => {
  await store.ensurePod(60, { subnet: '10.60.0.0/24' });
  const before = await store.allocate({ pod: 60, container: { id: 'survivor' }, ip: 'dhcp' });
  const pid = readPid(h1.ovs.dbPid);
  if (!pid) throw new Error('no ovsdb-server pid');
  process.kill(pid, 'SIGKILL');
  await startOvsdbServer(h1.netns, h1.ovs);
  // The store reconnects, re-adds loris.db (add-db is not persistent) and resyncs; writes work again.
  const after = await store.allocate({ pod: 60, container: { id: 'after-restart' }, ip: 'dhcp' });
  t.is(after.ip, '10.60.0.2');
  await store.waitFor((s) => s.endpoint(before.uuid)?.ip === '10.60.0.1' && s.endpoint(after.uuid) !== undefined);
  const dbs = await sh(['ovs-appctl', '-t', h1.ovs.dbCtl, 'ovsdb-server/list-dbs']);
  t.true(dbs.includes('Loris'));
});
