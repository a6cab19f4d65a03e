import test from 'ava';
import { Lab, type LabContainer } from '../../../src/lab/index.js';
import { run, sh, waitUntil } from '../../../src/lab/exec.js';
import { InvalidArgumentError, NotConnectedError } from '../../../src/errors.js';
import { createNamedNetns, deleteNamedNetns, openNetns, openRtnl, NetlinkError, NetnsError, type Rtnl, type LinkEvent, type Netns } from '../../../src/netlink/index.js';
import { ipAddrs, ipLink, ipLinks, ipRoutes } from './observe.js';
import { RawNetlinkSocket } from 'netlink';
import { enableExtAck } from '../../../src/netlink/sockopt.js';

// Two bare namespaces from the lab: `a` plays the host, `b` the container.
let lab: Lab;
let a: LabContainer & { kind: 'netns' };
let b: LabContainer & { kind: 'netns' };
let nsA: Netns;
let nsB: Netns;
let ra: Rtnl;
let rb: Rtnl;

const asNetns = (c: LabContainer): LabContainer & { kind: 'netns' } => {
  if (c.kind !== 'netns') throw new Error('expected a netns container');
  return c;
};

test.before(async () => {
  lab = await Lab.create();
  a = asNetns(await lab.addContainer('a', 'netns'));
  b = asNetns(await lab.addContainer('b', 'netns'));
  nsA = openNetns({ name: a.netns });
  nsB = openNetns({ path: b.nsPath });
  ra = openRtnl({ netns: nsA });
  rb = openRtnl({ netns: nsB });
});

test.after.always(async () => {
  ra?.close();
  rb?.close();
  nsA?.close();
  nsB?.close();
  await lab?.dispose();
});

test.serial('links: the list matches ip -j link (index, name, MTU, MAC, state)', async (t) => {
  await sh(['ip', '-n', a.netns, 'link', 'add', 'obs0', 'mtu', '1400', 'type', 'veth', 'peer', 'name', 'obs1']);
  const mine = await ra.links();
  const theirs = await ipLinks(a.netns);
  t.deepEqual(mine.map((l) => [l.index, l.name, l.mtu, l.mac ?? '']).sort(), theirs.map((l) => [l.ifindex, l.ifname, l.mtu, l.address ?? '']).sort());
  const lo = mine.find((l) => l.name === 'lo');
  t.like(lo, { kind: 'device', up: true });
  const obs0 = await ra.link('obs0');
  t.like(obs0, { kind: 'veth', mtu: 1400, up: false });
  t.is(obs0.kind === 'veth' ? obs0.peer.index : -1, (await ipLink(a.netns, 'obs1'))?.ifindex);
  t.deepEqual(await ra.link(obs0.index), obs0);
  t.is(await ra.findLink('nosuch'), undefined);
  await ra.deleteLink('obs0');
  t.is(await ipLink(a.netns, 'obs1'), undefined, 'deleting one end removes both');
});

test.serial('veth: peer born in the other namespace with its name, MAC, MTU and group', async (t) => {
  const host = await ra.createVeth({ name: 'v0', mtu: 1450, group: 9, peer: { name: 'eth1', mac: '02:00:0a:00:00:05', mtu: 1450, group: 9, netns: nsB } });
  t.like(host, { kind: 'veth', name: 'v0', mtu: 1450, group: 9 });
  const seen = await ipLink(b.netns, 'eth1');
  t.like(seen, { ifname: 'eth1', mtu: 1450, address: '02:00:0a:00:00:05', group: '9' });
  t.is(seen?.linkinfo?.info_kind, 'veth');
  t.like(await ipLink(a.netns, 'v0'), { mtu: 1450, group: '9', link_index: seen?.ifindex });
  const peer = await rb.link('eth1');
  t.is(peer.kind === 'veth' ? peer.peer.index : -1, host.index);
});

test.serial('set up/down, MTU, MAC, rename: each observed with ip -j', async (t) => {
  const i = (await rb.link('eth1')).index;
  await rb.setUp('eth1');
  t.true((await ipLink(b.netns, 'eth1'))?.flags.includes('UP'));
  await rb.setDown(i);
  t.false((await ipLink(b.netns, 'eth1'))?.flags.includes('UP'));
  await rb.setMtu(i, 1380);
  t.is((await ipLink(b.netns, 'eth1'))?.mtu, 1380);
  await rb.setMac('eth1', '02:00:0a:00:00:06');
  t.is((await ipLink(b.netns, 'eth1'))?.address, '02:00:0a:00:00:06');
  await rb.rename('eth1', 'eth9');
  t.is((await ipLink(b.netns, 'eth9'))?.ifindex, i);
  await rb.rename(i, 'eth1');
  t.is((await ipLink(b.netns, 'eth1'))?.ifindex, i);
  await rb.setLink(i, { up: true, mtu: 1450 });
  t.like(await rb.link(i), { up: true, mtu: 1450 });
});

test.serial('addresses: IPv4 and IPv6 add, list and delete, as ip -j addr sees them', async (t) => {
  const i = (await rb.link('eth1')).index;
  await rb.addAddress(i, '10.9.0.5/24');
  await rb.addAddress(i, 'fd00:9::5/64');
  t.deepEqual(await ipAddrs(b.netns, 'eth1'), ['10.9.0.5/24', 'fd00:9::5/64']);
  const mine = (await rb.addresses({ index: i })).filter((x) => x.scope === 'global').map((x) => x.cidr).sort();
  t.deepEqual(mine, ['10.9.0.5/24', 'fd00:9::5/64']);
  t.deepEqual((await rb.addresses({ family: 'inet' })).map((x) => x.cidr).sort(), ['10.9.0.5/24', '127.0.0.1/8']);
  await rb.delAddress(i, 'fd00:9::5/64');
  t.deepEqual(await ipAddrs(b.netns, 'eth1'), ['10.9.0.5/24']);
});

test.serial('routes: add via gateway and on-link, list and delete, as ip -j route sees them', async (t) => {
  const i = (await rb.link('eth1')).index;
  await rb.addRoute({ dst: '10.20.0.0/16', gateway: '10.9.0.1', metric: 7 });
  await rb.addRoute({ dst: '10.30.0.0/24', oif: i });
  const seen = await ipRoutes(b.netns);
  t.like(seen.find((r) => r.dst === '10.20.0.0/16'), { gateway: '10.9.0.1', dev: 'eth1', metric: 7 });
  t.like(seen.find((r) => r.dst === '10.30.0.0/24'), { dev: 'eth1' });
  const mine = await rb.routes({ family: 'inet' });
  t.like(mine.find((r) => r.dst === '10.20.0.0/16'), { gateway: '10.9.0.1', oif: i, metric: 7 });
  t.deepEqual(mine.map((r) => r.dst).sort(), seen.map((r) => r.dst).sort());
  await rb.delRoute({ dst: '10.20.0.0/16', gateway: '10.9.0.1', metric: 7 });
  await rb.delRoute({ dst: '10.30.0.0/24', oif: i });
  t.deepEqual((await ipRoutes(b.netns)).map((r) => r.dst), ['10.9.0.0/24']);
});

test.serial('vxlan links decode to kind vxlan with their VNI, local address and port', async (t) => {
  await sh(['ip', '-n', a.netns, 'link', 'add', 'vx0', 'type', 'vxlan', 'id', '4242', 'local', '192.0.2.1', 'dstport', '4789']);
  t.like(await ra.link('vx0'), { kind: 'vxlan', vni: 4242, local: '192.0.2.1', port: 4789 });
  await ra.deleteLink('vx0');
});

test.serial('link events: creation and deletion in the namespace are reported', async (t) => {
  const events: LinkEvent[] = [];
  const w = ra.watchLinks((e) => events.push(e));
  try {
    await sh(['ip', '-n', a.netns, 'link', 'add', 'ev0', 'type', 'veth', 'peer', 'name', 'ev1']);
    await waitUntil('new ev0', () => events.some((e) => e.type === 'new' && e.link.name === 'ev0'), 5000);
    await sh(['ip', '-n', a.netns, 'link', 'del', 'ev0']);
    await waitUntil('del ev0', () => events.some((e) => e.type === 'del' && e.link.name === 'ev0'), 5000);
    t.true(events.some((e) => e.type === 'del' && e.link.name === 'ev1'));
    t.is(events.find((e) => e.link.name === 'ev0')?.link.kind, 'veth');
  } finally {
    w.close();
  }
});

test.serial('delete by group removes every link of the group at once', async (t) => {
  for (let k = 0; k < 5; k++) await ra.createVeth({ name: `g${k}`, group: 33, peer: { name: `g${k}p`, group: 33 } });
  await sh(['ip', '-n', a.netns, 'link', 'add', 'keep0', 'type', 'veth', 'peer', 'name', 'keep1']);
  t.is((await ipLinks(a.netns)).filter((l) => l.group === '33').length, 10);
  await ra.deleteGroup(33);
  t.deepEqual((await ipLinks(a.netns)).filter((l) => l.group === '33'), []);
  t.truthy(await ipLink(a.netns, 'keep0'));
  await t.throwsAsync(ra.deleteGroup(0), { instanceOf: InvalidArgumentError });
});

test.serial('kernel errors are typed NetlinkErrors with readable messages: EEXIST, ENODEV, bad MTU, bad address', async (t) => {
  const eexist = await t.throwsAsync(ra.createVeth({ name: 'v0', peer: { name: 'zz0' } }), { instanceOf: NetlinkError });
  t.like(eexist, { errnoName: 'EEXIST', code: 'LORIS_NETLINK_EEXIST', errno: 17 });
  t.regex(eexist!.message, /create veth v0.*EEXIST.*already exists/);
  const enodev = await t.throwsAsync(ra.setMtu('nosuch0', 1400), { instanceOf: NetlinkError });
  t.like(enodev, { errnoName: 'ENODEV', code: 'LORIS_NETLINK_ENODEV' });
  t.regex(enodev!.message, /nosuch0.*no such network device/);
  const mtu = await t.throwsAsync(ra.setMtu('v0', 100_000), { instanceOf: NetlinkError });
  t.like(mtu, { errnoName: 'EINVAL', code: 'LORIS_NETLINK_EINVAL' });
  t.regex(mtu!.message, /mtu 100000.*MTU outside the device range/);
  t.is(mtu!.extMsg, 'mtu greater than device maximum', 'the kernel\'s extended-ACK text is carried');
  t.regex(mtu!.message, /EINVAL: mtu greater than device maximum; /);
  const i = (await ra.link('v0')).index;
  const mc = await t.throwsAsync(ra.addAddress(i, 'ff02::5/64'), { instanceOf: NetlinkError });
  t.like(mc, { errnoName: 'EADDRNOTAVAIL', code: 'LORIS_NETLINK_EADDRNOTAVAIL' });
  t.regex(mc!.message, /add address ff02::5\/64.*not assignable/);
  await t.throwsAsync(ra.addAddress(i, '10.0.0.256/24'), { instanceOf: InvalidArgumentError, message: /10\.0\.0\.256/ });
  const dup = await rb.addAddress((await rb.link('eth1')).index, '10.9.0.5/24').catch((e: unknown) => e);
  t.like(dup, { code: 'LORIS_NETLINK_EEXIST' });
});

test.serial('EPERM without CAP_NET_ADMIN is a typed error that says to run as root', async (t) => {
  const script = `import { openRtnl, openNetns } from '${process.cwd()}/src/netlink/index.ts';
const r = openRtnl({ netns: openNetns({ name: '${a.netns}' }) });
try { await r.setMtu('v0', 1300); console.log('no error'); } catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); } finally { r.close(); }`;
  const res = await run(['setpriv', '--bounding-set=-net_admin', '--inh-caps=-net_admin', process.execPath, '--import=tsx', '--input-type=module', '-e', script], { timeoutMs: 30_000 });
  const out = JSON.parse(res.stdout.trim()) as { code: string; message: string };
  t.is(out.code, 'LORIS_NETLINK_EPERM', res.stderr);
  t.regex(out.message, /CAP_NET_ADMIN.*root/);
  t.is((await ipLink(a.netns, 'v0'))?.mtu, 1450, 'unchanged');
});

test.serial('namespace handles: missing names and dead pids are NetnsError; a closed handle refuses requests', async (t) => {
  t.throws(() => openNetns({ name: 'loris-no-such-ns' }), { instanceOf: NetnsError, message: /does not exist/ });
  t.throws(() => openNetns({ pid: 0x3fffffff }), { instanceOf: NetnsError });
  t.throws(() => openNetns({ path: '/etc/hostname' }), { instanceOf: NetnsError, message: /not a namespace file/ });
  const r = openRtnl({ netns: { name: a.netns } });
  t.true((await r.links()).some((l) => l.name === 'v0'));
  r.close();
  t.true(r.netns.isOpen === false, 'a handle opened from a spec owns its namespace fd');
  await t.throwsAsync(async () => r.links(), { instanceOf: NotConnectedError });
});

test.serial('named namespaces: created and deleted natively, as ip netns sees them', async (t) => {
  const name = `${lab.runId}-nn`;
  createNamedNetns(name);
  try {
    t.true((await sh(['ip', 'netns', 'list'])).split('\n').some((l) => l.split(' ')[0] === name));
    t.like(await ipLink(name, 'lo'), { operstate: 'DOWN' });
    t.false((await ipLink(name, 'lo'))?.flags.includes('UP'), 'lo starts down, as with ip netns add');
    t.throws(() => createNamedNetns(name), { instanceOf: NetnsError, message: /already exists/ });
    const r = openRtnl({ netns: { name } });
    await r.setUp('lo');
    const br = await r.createLink({ name: 'br0', kind: 'bridge', up: true });
    t.like(br, { kind: 'bridge', name: 'br0' });
    await r.createVeth({ name: 'p0', peer: { name: 'p1' } });
    await r.setLink('p0', { master: br.index, up: true });
    t.is((await r.link('p0')).master, br.index);
    t.true((await ipLink(name, 'p0'))?.flags.includes('UP'));
    r.close();
  } finally {
    t.true(deleteNamedNetns(name));
  }
  t.false((await sh(['ip', 'netns', 'list'])).includes(name));
  t.false(deleteNamedNetns(name));
});

test.serial('extended ACKs: the socket fd is found by port id even when the predicted fd is wrong', (t) => {
  const raw = new RawNetlinkSocket(0, { recvBufferSize: 0, sendBufferSize: 0 });
  try {
    t.true(enableExtAck(raw.address().port, 0), 'fd 0 is not our socket: found through /proc');
    t.false(enableExtAck(0x7ffffff0, 0), 'no such port: reported, not thrown');
  } finally {
    raw.close();
  }
});

test.serial('moveTo: a link moved into another namespace shows up there and leaves here', async (t) => {
  await ra.createVeth({ name: 'mv0', peer: { name: 'mv1' } });
  await ra.moveTo('mv1', nsB);
  t.is(await ipLink(a.netns, 'mv1'), undefined);
  t.like(await ipLink(b.netns, 'mv1'), { ifname: 'mv1' });
  t.like(await rb.findLink('mv1'), { kind: 'veth', name: 'mv1' });
  await rb.deleteLink('mv1');
  t.is(await ipLink(a.netns, 'mv0'), undefined, 'its peer went too');
});
