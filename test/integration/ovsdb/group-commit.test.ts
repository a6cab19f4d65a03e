import test from 'ava';
import { Lab, type LabHost } from '../../../src/lab/index.js';
import {
  NoSuchBridgeError,
  OvsdbClient,
  OvsdbError,
  Vswitch,
  select,
  type PortResult,
} from '../../../src/ovsdb/index.js';

/*
 * Group commit in the Open_vSwitch helpers: concurrent calls on one client share one transaction and one
 * wait for ovs-vswitchd, and each call still gets its own result or error. A real ovsdb-server and
 * ovs-vswitchd (userspace datapath); ovs-vsctl is the independent observer.
 */

let lab: Lab;
let h: LabHost;
let c: OvsdbClient;
let vs: Vswitch;
const DB = 'Open_vSwitch';
const BR = 'br-gc';

test.before(async () => {
  lab = await Lab.create();
  h = await lab.addHost('h1');
  c = await OvsdbClient.connect(`unix:${h.ovs.dbSock}`, { database: DB });
  vs = new Vswitch(c, { waitTimeoutMs: 120_000 });
  await vs.addBridge(BR, { datapathType: 'netdev', failMode: 'secure' });
});
test.after.always(async () => {
  c?.close();
  await lab?.dispose();
});

const cfg = async (): Promise<{ next: number; cur: number }> => {
  const [r] = await c.transact(DB, [select('Open_vSwitch', [], ['next_cfg', 'cur_cfg'])] as const);
  return { next: Number(r.rows[0].next_cfg), cur: Number(r.rows[0].cur_cfg) };
};
const listPorts = async (): Promise<string[]> => (await lab.vsctl(h, ['list-ports', BR])).split('\n').filter(Boolean);

test.serial(
  '200 concurrent addPort calls all land, each applied by vswitchd when it resolves, in a few transactions',
  async (t) => {
    const before = await cfg();
    const names = Array.from({ length: 200 }, (_, i) => `gc${i}`);
    // Checked the moment each call resolves: vswitchd has applied it (cur_cfg caught up, an OpenFlow port assigned).
    const atResolve: { r: PortResult; cur: number; next: number }[] = [];
    await Promise.all(
      names.map(async (n) => {
        const r = await vs.addPort(BR, n, { type: 'internal' });
        const s = await cfg();
        atResolve.push({ r, cur: s.cur, next: s.next });
      }),
    );
    t.is(atResolve.length, 200);
    for (const { r, cur } of atResolve) {
      t.true(typeof r.ofport === 'number' && r.ofport > 0, `${r.name} has an ofport when its call resolves`);
      t.is(r.error, undefined);
      t.true(cur > before.cur);
    }
    t.deepEqual(new Set(atResolve.map((x) => x.r.ofport)).size, 200, 'distinct ofports');
    t.deepEqual((await listPorts()).filter((p) => p.startsWith('gc')).sort(), [...names].sort());
    const after = await cfg();
    t.true(after.next - before.next <= 3, `combined: next_cfg went ${before.next} → ${after.next} for 200 calls`);
    t.is(after.cur, after.next);
    // The ofports ovs-vsctl reads are the ones the calls returned.
    for (const { r } of atResolve.slice(0, 5))
      t.is((await lab.vsctl(h, ['get', 'interface', r.name, 'ofport'])).trim(), String(r.ofport));
  },
);

test.serial('calls arriving while a group is in flight join the next group', async (t) => {
  const before = await cfg();
  const first = vs.addPort(BR, 'late0', { type: 'internal' });
  await new Promise((r) => setImmediate(r)); // the first group's transaction is now on the wire
  const rest = Array.from({ length: 50 }, (_, i) => vs.addPort(BR, `late${i + 1}`, { type: 'internal' }));
  const all = await Promise.all([first, ...rest]);
  t.true(all.every((r) => typeof r.ofport === 'number' && r.ofport > 0));
  const after = await cfg();
  t.true(after.next - before.next <= 3, `next_cfg went ${before.next} → ${after.next} for 51 calls`);
});

test.serial('one invalid call among many fails alone; the others land and are applied', async (t) => {
  const good = Array.from({ length: 40 }, (_, i) => `ok${i}`);
  const calls = [
    ...good.slice(0, 20).map((n) => vs.addPort(BR, n, { type: 'internal' })),
    vs.addPort('br-missing', 'bad0', { type: 'internal' }), // no such bridge (a failed check)
    vs.addPort(BR, 'gc0', { type: 'internal' }), // duplicate port name (a constraint violation at commit)
    ...good.slice(20).map((n) => vs.addPort(BR, n, { type: 'internal' })),
  ];
  const res = await Promise.allSettled(calls);
  const failed = res.flatMap((r, k) => (r.status === 'rejected' ? [{ k, e: r.reason as unknown }] : []));
  t.deepEqual(
    failed.map((f) => f.k),
    [20, 21],
  );
  t.true(failed[0].e instanceof NoSuchBridgeError);
  t.true(
    failed[1].e instanceof OvsdbError && failed[1].e.code === 'LORIS_OVSDB_CONSTRAINT_VIOLATION',
    String(failed[1].e),
  );
  for (const r of res)
    if (r.status === 'fulfilled')
      t.true(typeof r.value.ofport === 'number' && r.value.ofport > 0, `${r.value.name} applied`);
  const ports = await listPorts();
  for (const n of good) t.true(ports.includes(n), `${n} is on the bridge`);
  t.false(ports.includes('bad0'));
  t.is((await lab.vsctl(h, ['--if-exists', 'get', 'interface', 'bad0', 'name'])).trim(), '');
});

test.serial('a lone call is one transaction; wait:false and groupCommit:false still work', async (t) => {
  const b = await cfg();
  const r = await vs.addPort(BR, 'solo', { type: 'internal' });
  t.true(typeof r.ofport === 'number' && r.ofport > 0);
  t.is((await cfg()).next, b.next + 1);
  const plain = new Vswitch(c, { groupCommit: false });
  const b2 = await cfg();
  await Promise.all([
    plain.addPort(BR, 'plain0', { type: 'internal' }),
    plain.addPort(BR, 'plain1', { type: 'internal' }),
  ]);
  t.is((await cfg()).next, b2.next + 2, 'groupCommit:false keeps one transaction per call');
  const nowait = await Promise.all([
    vs.addPort(BR, 'nw0', { type: 'internal', wait: false }),
    vs.addPort(BR, 'nw1', { type: 'internal', wait: false }),
  ]);
  t.is(nowait.length, 2);
  t.true((await listPorts()).includes('nw1'));
  await Promise.all(['solo', 'plain0', 'plain1', 'nw0', 'nw1'].map((n) => vs.delPort(n)));
  t.false((await listPorts()).includes('solo'));
});
