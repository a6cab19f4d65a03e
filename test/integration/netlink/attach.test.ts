import test from 'ava';
import { Lab, type LabContainer, type LabHost } from '../../../src/lab/index.js';
import { InvalidArgumentError } from '../../../src/errors.js';
import { waitUntil } from '../../../src/lab/exec.js';
import {
  ATTACH_STEPS, attach, collectHostLinks, detach, detachGroup, hostIfnameFor, isHostIfname, openNetns, openRtnl,
  NetlinkError, NetnsError, type Netns, type Rtnl,
} from '../../../src/netlink/index.js';
import { ipAddrs, ipLink, ipRoutes, ipVeths } from './observe.js';

let lab: Lab;
let h1: LabHost;
let host: Rtnl;
const ctrs: { c: LabContainer & { kind: 'netns' }; ns: Netns }[] = [];

test.before(async () => {
  lab = await Lab.create();
  h1 = await lab.addHost('h1');
  await lab.addBridge(h1, 'br-int');
  host = openRtnl({ netns: { name: h1.netns } });
  for (const name of ['c1', 'c2', 'c3']) {
    const c = await lab.addContainer(name, 'netns');
    if (c.kind !== 'netns') throw new Error('netns container expected');
    ctrs.push({ c, ns: openNetns({ name: c.netns }) });
  }
});

test.after.always(async () => {
  host?.close();
  for (const x of ctrs) x.ns.close();
  await lab?.dispose();
});

test('host interface names: deterministic, 15 bytes, recognisable by prefix', (t) => {
  const n = hostIfnameFor('3f2a9c0e1b7d', 'pod-a');
  t.is(n, hostIfnameFor('3f2a9c0e1b7d', 'pod-a'));
  t.not(n, hostIfnameFor('3f2a9c0e1b7d', 'pod-b'));
  t.not(hostIfnameFor('ab', 'c'), hostIfnameFor('a', 'bc'));
  t.is(n.length, 15);
  t.true(isHostIfname(n));
  for (const other of ['lo', 'eth0', 'br-int', 'lo12345', `${n}0`, 'loABCDEF0123456']) t.false(isHostIfname(other), other);
  t.throws(() => hostIfnameFor('', 'p'), { instanceOf: InvalidArgumentError });
});

test.serial('attach: veth with the host end in the OVS host namespace, container side named, addressed, up; pings over OVS', async (t) => {
  const results = [];
  for (const [k, x] of ctrs.slice(0, 2).entries()) {
    const hostIfname = hostIfnameFor(x.c.name, 'pod-a');
    const r = await attach({ netns: x.ns, host, hostIfname, mac: `02:00:0a:01:00:0${k + 1}`, mtu: 1450, addresses: [`10.1.0.${k + 1}/24`, `fd00:1::${k + 1}/64`] });
    results.push(r);
    t.like(r, { hostIfname, mac: `02:00:0a:01:00:0${k + 1}` });
    // operstate follows the carrier asynchronously (linkwatch): poll for it.
    const inC = await waitUntil('eth1 operstate UP', async () => {
      const l = await ipLink(x.c.netns, 'eth1');
      return l?.operstate === 'UP' && l;
    }, 5000);
    t.like(inC, { ifindex: r.containerIfindex, mtu: 1450, address: `02:00:0a:01:00:0${k + 1}` });
    t.true(inC?.flags.includes('UP'));
    t.deepEqual(await ipAddrs(x.c.netns, 'eth1'), [`10.1.0.${k + 1}/24`, `fd00:1::${k + 1}/64`]);
    t.false((await ipRoutes(x.c.netns)).some((rt) => rt.dst === 'default'), 'never a default route');
    const onHost = await ipLink(h1.netns, hostIfname);
    t.like(onHost, { ifindex: r.hostIfindex, mtu: 1450 });
    t.true(onHost?.flags.includes('UP'));
    await lab.vsctl(h1, ['add-port', 'br-int', hostIfname]);
  }
  const p = await lab.ping(ctrs[0].c, '10.1.0.2', { count: 2 });
  t.true(p.ok, 'c1 reaches c2 through br-int');
  for (const r of results) {
    await lab.vsctl(h1, ['del-port', 'br-int', r.hostIfname]);
    t.true(await detach({ host, hostIfname: r.hostIfname }));
    t.is(await ipLink(h1.netns, r.hostIfname), undefined);
  }
  t.deepEqual(await ipVeths(ctrs[0].c.netns), []);
  t.false(await detach({ host, hostIfname: results[0].hostIfname }), 'detach of a gone interface says so');
});

for (const step of ATTACH_STEPS) {
  test.serial(`attach: a failure after step "${step}" leaves nothing behind`, async (t) => {
    const x = ctrs[2];
    const hostIfname = hostIfnameFor(x.c.name, `fault-${step}`);
    const before = { host: await ipVeths(h1.netns), ctr: await ipVeths(x.c.netns) };
    const err = await t.throwsAsync(attach({
      netns: x.ns, host, hostIfname, mtu: 1400, addresses: ['10.2.0.1/24', 'fd00:2::1/64'], group: 5,
      faults: (s) => {
        if (s === step) throw new Error(`injected after ${s}`);
      },
    }));
    t.is(err?.message, `injected after ${step}`);
    t.deepEqual(await ipVeths(h1.netns), before.host, 'host namespace as before');
    t.deepEqual(await ipVeths(x.c.netns), before.ctr, 'container namespace as before');
  });
}

test.serial('attach: kernel failures (bad MTU, unassignable address, name taken) are typed and undone; a taken name is not deleted', async (t) => {
  const x = ctrs[2];
  const hostIfname = hostIfnameFor(x.c.name, 'errors');
  const mtu = await t.throwsAsync(attach({ netns: x.ns, host, hostIfname, mtu: 70_000 }), { instanceOf: NetlinkError });
  t.is(mtu?.code, 'LORIS_NETLINK_EINVAL');
  const addr = await t.throwsAsync(attach({ netns: x.ns, host, hostIfname, addresses: ['10.3.0.1/24', 'ff02::1/64'] }), { instanceOf: NetlinkError });
  t.is(addr?.code, 'LORIS_NETLINK_EADDRNOTAVAIL');
  t.deepEqual(await ipVeths(x.c.netns), []);
  t.is(await ipLink(h1.netns, hostIfname), undefined);
  await t.throwsAsync(attach({ netns: x.ns, host, hostIfname, addresses: ['10.3.0.1/33'] }), { instanceOf: InvalidArgumentError });
  await t.throwsAsync(attach({ netns: { name: 'loris-no-such-ns' }, host, hostIfname }), { instanceOf: NetnsError, message: /loris-no-such-ns/ });
  t.is(await ipLink(h1.netns, hostIfname), undefined);
  // The host name is taken by someone else's link: EEXIST, and that link survives.
  const first = await attach({ netns: x.ns, host, hostIfname, ifname: 'eth2' });
  const taken = await t.throwsAsync(attach({ netns: x.ns, host, hostIfname, ifname: 'eth3' }), { instanceOf: NetlinkError });
  t.is(taken?.code, 'LORIS_NETLINK_EEXIST');
  t.like(await ipLink(h1.netns, hostIfname), { ifindex: first.hostIfindex });
  t.deepEqual(await ipVeths(x.c.netns), ['eth2']);
  await detach({ host, hostIfname });
});

test.serial('detachGroup and collectHostLinks remove many host ends at once', async (t) => {
  const names: string[] = [];
  for (const [k, x] of ctrs.entries()) {
    const hostIfname = hostIfnameFor(x.c.name, 'group');
    names.push(hostIfname);
    const r = await attach({ netns: x.ns, host, hostIfname, group: 77, addresses: [`10.4.0.${k + 1}/24`] });
    const eth1 = await ipLink(x.c.netns, 'eth1');
    t.like(eth1, { address: r.mac, ifindex: r.containerIfindex }, 'without a MAC asked for, the one chosen is reported');
    t.regex(r.mac, /^[0-9a-f][26ae]:/, 'locally administered unicast');
  }
  await detachGroup({ host, group: 77 });
  for (const n of names) t.is(await ipLink(h1.netns, n), undefined);
  for (const x of ctrs) t.deepEqual(await ipVeths(x.c.netns), []);
  // Leftovers of a "crashed" run are found by name and collected; others are kept.
  const keep = hostIfnameFor('c1', 'keep');
  const stale = hostIfnameFor('c2', 'stale');
  await attach({ netns: ctrs[0].ns, host, hostIfname: keep });
  await attach({ netns: ctrs[1].ns, host, hostIfname: stale });
  t.deepEqual(await collectHostLinks(host, new Set([keep])), [stale]);
  t.truthy(await ipLink(h1.netns, keep));
  t.is(await ipLink(h1.netns, stale), undefined);
  await detach({ host, hostIfname: keep });
});

test.serial('concurrent attaches share one host handle: replies are matched by sequence number', async (t) => {
  const jobs = ctrs.flatMap((x, k) => [0, 1].map((j) => attach({ netns: x.ns, host, hostIfname: hostIfnameFor(x.c.name, `conc${j}`), ifname: `eth${5 + j}`, mtu: 1400 + j, addresses: [`10.7.${k}.${j + 1}/24`] })));
  const results = await Promise.all(jobs);
  t.is(new Set(results.map((r) => r.hostIfindex)).size, 6);
  for (const [k, x] of ctrs.entries()) {
    for (const j of [0, 1]) {
      t.like(await ipLink(x.c.netns, `eth${5 + j}`), { mtu: 1400 + j });
      t.deepEqual(await ipAddrs(x.c.netns, `eth${5 + j}`), [`10.7.${k}.${j + 1}/24`]);
    }
  }
  t.deepEqual(await Promise.all(results.map((r) => detach({ host, hostIfname: r.hostIfname }))), results.map(() => true));
  for (const x of ctrs) t.deepEqual(await ipVeths(x.c.netns), []);
});
