import test from 'ava';
import { Lab, type LabHost } from '../../../src/lab/index.js';
import { startLoopbackOvsdb } from '../../../src/lab/raft.js';
import {
  NoSuchBridgeError,
  OvsdbClient,
  OvsdbError,
  UnixctlClient,
  UnixctlError,
  Uuid,
  Vswitch,
  assertLock,
  insert,
  mutate,
  mutation,
  namedUuid,
  unixctl,
  wait,
  eq,
} from '../../../src/ovsdb/index.js';
import { readPid } from '../../../src/lab/ovs.js';
import { pidAlive, waitUntil } from '../../../src/lab/exec.js';

let lab: Lab;
let h: LabHost;
let c: OvsdbClient;
let vs: Vswitch;
const DB = 'Open_vSwitch';

test.before(async () => {
  lab = await Lab.create();
  h = await lab.addHost('h1');
  c = await OvsdbClient.connect(`unix:${h.ovs.dbSock}`, { database: DB });
  vs = new Vswitch(c);
});
test.after.always(async () => {
  c?.close();
  await lab?.dispose();
});

const vsctlGet = async (args: string[]): Promise<string> => (await lab.vsctl(h, ['get', ...args])).trim();

test.serial('bridges: add with options, set, controller, del; ovs-vsctl observes; vswitchd applied', async (t) => {
  t.regex((await vs.getOvsVersion()) ?? '3.1', /^\d+\.\d+/);
  t.true((await vs.getDatapathTypes()).includes('netdev'));
  await vs.addBridge('br-int', { datapathType: 'netdev', failMode: 'secure', protocols: ['OpenFlow13'], otherConfig: { 'datapath-id': '0000000000000042' }, externalIds: { owner: 'loris' } });
  t.is(await vsctlGet(['bridge', 'br-int', 'fail_mode']), 'secure');
  t.is(await vsctlGet(['bridge', 'br-int', 'protocols']), '[OpenFlow13]');
  t.is(await vsctlGet(['bridge', 'br-int', 'datapath_type']), 'netdev');
  t.is(await vsctlGet(['bridge', 'br-int', 'external_ids:owner']), 'loris');
  // Applied by vswitchd before addBridge returned: the datapath id is already in effect.
  t.is(await vsctlGet(['bridge', 'br-int', 'datapath_id']), '"0000000000000042"');
  t.regex(await lab.ofctl(h, ['show', lab.mgmtSocket(h, 'br-int')]), /dpid:0000000000000042/);
  await t.notThrowsAsync(vs.addBridge('br-int', { mayExist: true }));
  await t.throwsAsync(vs.addBridge('br-int'), { instanceOf: OvsdbError, code: 'LORIS_OVSDB_CONSTRAINT_VIOLATION' });
  await vs.setController('br-int', ['tcp:127.0.0.1:6653'], { inactivityProbeMs: 5000 });
  t.regex(await lab.vsctl(h, ['get-controller', 'br-int']), /tcp:127.0.0.1:6653/);
  await vs.delController('br-int');
  t.is((await lab.vsctl(h, ['get-controller', 'br-int'])).trim(), '');
  await vs.setFailMode('br-int', 'standalone');
  t.is(await vsctlGet(['bridge', 'br-int', 'fail_mode']), 'standalone');
  await vs.setMapKeys('Bridge', 'br-int', 'external_ids', { owner: 'other', k: 'v' });
  t.is(await vsctlGet(['bridge', 'br-int', 'external_ids:owner']), 'other');
  await vs.removeMapKeys('Bridge', 'br-int', 'external_ids', ['k']);
  t.notRegex(await vsctlGet(['bridge', 'br-int', 'external_ids']), /k=/);
  t.deepEqual(await vs.listBridges(), ['br-int', 'br-phy']);
  await t.throwsAsync(vs.setFailMode('br-nope', 'secure'), { instanceOf: NoSuchBridgeError });
});

test.serial('ports: internal, patch, vxlan/gre/geneve with options; del-port', async (t) => {
  const p = await vs.addInternalPort('br-int', 'int0', { ofportRequest: 7, externalIds: { pod: 'p1' } });
  t.is(p.ofport, 7);
  t.is(p.error, undefined);
  t.is(await vsctlGet(['interface', 'int0', 'type']), 'internal');
  t.is(await vsctlGet(['port', 'int0', 'external_ids:pod']), 'p1');
  await vs.addBridge('br-b', { datapathType: 'netdev' });
  await vs.addPatchPort('br-int', 'patch-a', 'patch-b');
  const pb = await vs.addPatchPort('br-b', 'patch-b', 'patch-a');
  t.true((pb.ofport ?? 0) > 0);
  t.is(await vsctlGet(['interface', 'patch-a', 'options:peer']), 'patch-b');
  const vx = await vs.addTunnelPort('br-int', 'vx0', { type: 'vxlan', remoteIp: '192.0.2.99', localIp: h.underlayIp, key: 'flow', ofportRequest: 10 });
  t.is(vx.ofport, 10);
  await vs.addTunnelPort('br-int', 'gre0', { type: 'gre', remoteIp: '192.0.2.98', key: 'flow', ofportRequest: 11 });
  await vs.addTunnelPort('br-int', 'gnv0', { type: 'geneve', remoteIp: '192.0.2.97', key: 100, dstPort: 6081 });
  t.is(await vsctlGet(['interface', 'vx0', 'options:key']), 'flow');
  t.is(await vsctlGet(['interface', 'gre0', 'type']), 'gre');
  t.is(await vsctlGet(['interface', 'gnv0', 'options:dst_port']), '"6081"');
  t.deepEqual(await vs.listPorts('br-int'), ['gnv0', 'gre0', 'int0', 'patch-a', 'vx0']);
  const ofshow = await lab.ofctl(h, ['show', lab.mgmtSocket(h, 'br-int')]);
  t.regex(ofshow, /10\(vx0\)/);
  t.regex(ofshow, /7\(int0\)/);
  const missing = await vs.addPort('br-int', 'nodev0');
  t.regex(missing.error ?? '', /could not open|No such device/);
  await vs.delPort('nodev0');
  await vs.delPort('gnv0', { bridge: 'br-int' });
  await vs.delPort('gnv0', { ifExists: true });
  t.deepEqual(await vs.listPorts('br-int'), ['gre0', 'int0', 'patch-a', 'vx0']);
  await t.throwsAsync(vs.addPort('br-nope', 'x0'), { instanceOf: NoSuchBridgeError });
  await vs.delBridge('br-b');
  await vs.delBridge('br-b', { ifExists: true });
  t.deepEqual(await vs.listBridges(), ['br-int', 'br-phy']);
});

test.serial('every reachable ovsdb-server error is typed', async (t) => {
  const errs: [string, () => Promise<unknown>][] = [
    ['LORIS_OVSDB_CONSTRAINT_VIOLATION', () => c.transact(DB, [insert('Open_vSwitch', {})] as const)],
    ['LORIS_OVSDB_REFERENTIAL_INTEGRITY_VIOLATION', () => c.transact(DB, [insert('Port', { name: 'px', interfaces: [new Uuid('550e8400-e29b-41d4-a716-446655440000')] }, 'p'), mutate('Bridge', [eq('name', 'br-int')], [mutation('ports', 'insert', [namedUuid('p')])])] as const)],
    ['LORIS_OVSDB_DUPLICATE_UUID_NAME', () => c.transact(DB, [insert('Bridge', { name: 'a' }, 'b'), insert('Bridge', { name: 'c' }, 'b')] as const)],
    ['LORIS_OVSDB_DOMAIN_ERROR', () => c.transact(DB, [mutate('Open_vSwitch', [], [mutation('next_cfg', '/=', 0)])] as const)],
    ['LORIS_OVSDB_RANGE_ERROR', () => c.transact(DB, [mutate('Open_vSwitch', [], [mutation('next_cfg', '*=', 4611686018427387904)])] as const)],
    ['LORIS_OVSDB_NOT_OWNER', () => c.transact(DB, [assertLock('nobody_holds_this')] as const)],
    ['LORIS_OVSDB_SYNTAX_ERROR', () => c.transact(DB, [insert('NoSuchTable', {})] as const)],
    ['LORIS_OVSDB_UNKNOWN_DATABASE', () => c.listDbs().then(() => c.transact('Nope', [assertLock('x')] as const))],
    ['LORIS_OVSDB_UNKNOWN_METHOD', () => c.request('no_such_method', [])],
  ];
  for (const [code, p] of errs) {
    const e = await t.throwsAsync(p(), { instanceOf: OvsdbError }, code);
    t.is(e?.code, code);
    t.regex(e?.message ?? '', /; /, 'message says what to do');
  }
  const ref = await t.throwsAsync(c.transact(DB, [insert('Port', { name: 'px', interfaces: [new Uuid('550e8400-e29b-41d4-a716-446655440000')] }, 'p'), mutate('Bridge', [eq('name', 'br-int')], [mutation('ports', 'insert', [namedUuid('p')])])] as const), { instanceOf: OvsdbError });
  t.true(ref?.commit, 'referential integrity is reported by the extra commit result');
});

test.serial('cancel a blocked wait; a request after close is NotConnected', async (t) => {
  const ac = new AbortController();
  const p = c.transact(DB, [wait('Bridge', [eq('name', 'never-there')], ['name'], [], { until: '!=', timeout: 60_000 })] as const, { signal: ac.signal });
  setTimeout(() => ac.abort(), 50);
  const e = await t.throwsAsync(p, { instanceOf: OvsdbError });
  t.is(e?.code, 'LORIS_OVSDB_CANCELED');
  const d = await OvsdbClient.connect(`unix:${h.ovs.dbSock}`);
  d.close();
  await t.throwsAsync(d.listDbs(), { code: 'LORIS_NOT_CONNECTED' });
});

test.serial('locks between two clients: lock, contend, unlock → locked, steal → stolen', async (t) => {
  const a = await OvsdbClient.connect(`unix:${h.ovs.dbSock}`);
  const b = await OvsdbClient.connect(`unix:${h.ovs.dbSock}`);
  try {
    const events: string[] = [];
    a.on('locked', (l) => events.push(`a+${l}`));
    a.on('stolen', (l) => events.push(`a-${l}`));
    b.on('locked', (l) => events.push(`b+${l}`));
    t.true(await a.lock('L'));
    t.false(await b.lock('L'));
    await t.notThrowsAsync(a.transact(DB, [assertLock('L')] as const));
    await t.throwsAsync(b.transact(DB, [assertLock('L')] as const), { code: 'LORIS_OVSDB_NOT_OWNER' });
    await a.unlock('L');
    await waitUntil('b to get the lock', () => events.includes('b+L'), 5000);
    await b.transact(DB, [assertLock('L')] as const);
    t.true(await a.steal('L'));
    await waitUntil('b to learn it was stolen', async () => (await b.transact(DB, [assertLock('L')] as const).then(() => false, () => true)), 5000);
    await a.transact(DB, [assertLock('L')] as const);
  } finally {
    a.close();
    b.close();
  }
});

test.serial('echo keepalive: we answer the server probe over tcp; a stopped server is detected as dead and we reconnect', async (t) => {
  const srv = await startLoopbackOvsdb(lab);
  // The server probes idle sessions every 5 s (ptcp default); we keep our own probe off for this part.
  const quiet = await OvsdbClient.connect(srv.remote, { probeIntervalMs: 0 });
  let drops = 0;
  quiet.on('disconnect', () => drops++);
  // Unanswered, the server would drop us one probe interval after its first echo; two answered echoes prove it did not.
  await waitUntil('the server to probe us twice', () => quiet.stats.echoesAnswered >= 2, 15_000, 100);
  t.is(drops, 0, 'server echo answered: the session stayed up');
  t.deepEqual((await quiet.listDbs()).sort(), ['Open_vSwitch', '_Server']);
  quiet.close();
  // Dead peer: SIGSTOP the server; our 200 ms probe notices, and after SIGCONT we are back.
  const pid = readPid(srv.pidFile) as number;
  const live = await OvsdbClient.connect(srv.remote, { probeIntervalMs: 200, backoffMinMs: 20, backoffMaxMs: 200 });
  let dead = 0;
  live.on('disconnect', () => dead++);
  process.kill(pid, 'SIGSTOP');
  try {
    await waitUntil('dead peer detected', () => dead > 0, 5000);
  } finally {
    process.kill(pid, 'SIGCONT');
  }
  await waitUntil('reconnected', () => live.connected, 5000);
  t.true(live.stats.probesSent > 0);
  t.true(live.stats.connects >= 2);
  t.deepEqual((await live.listDbs()).sort(), ['Open_vSwitch', '_Server']);
  live.close();
});

test.serial('unixctl: dpif/show, ofproto/trace, errors, cluster/status on a standalone server', async (t) => {
  const u = await UnixctlClient.connect(h.ovs.vswitchdCtl);
  try {
    t.regex(await u.dpifShow(), /netdev@ovs-netdev/);
    const tr = await u.ofprotoTrace('br-int', 'in_port=7,icmp');
    t.regex(tr, /Datapath actions:/);
    const e = await t.throwsAsync(u.ofprotoTrace('br-nope', 'in_port=1'), { instanceOf: UnixctlError });
    t.regex(e?.detail ?? '', /unknown bridge/);
    await t.throwsAsync(u.call('no/such/command'), { instanceOf: UnixctlError });
    // pipelined requests on one connection
    const [a, b] = await Promise.all([u.call('version'), u.call('version')]);
    t.is(a, b);
  } finally {
    u.close();
  }
  await t.throwsAsync(unixctl(h.ovs.dbCtl, 'cluster/status', ['Open_vSwitch']), { instanceOf: UnixctlError });
  t.regex(await unixctl(h.ovs.dbCtl, 'ovsdb-server/list-dbs'), /Open_vSwitch/);
  // exit: a loopback server we started goes away.
  const srv = await startLoopbackOvsdb(lab);
  await (await UnixctlClient.connect(srv.ctl)).exit();
  await waitUntil('ovsdb-server to exit', () => !pidAlive(srv.pid), 5000);
});
