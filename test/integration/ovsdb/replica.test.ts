import test from 'ava';
import { createServer, connect, type Server } from 'node:net';
import { join } from 'node:path';
import { Lab, type LabHost } from '../../../src/lab/index.js';
import { readPid, startOvsdbServer } from '../../../src/lab/ovs.js';
import { sh, stopPid, waitUntil } from '../../../src/lab/exec.js';
import { JsonFramer, OvsdbClient, Replica, byUuid, eq, insert, mutate, namedUuid, setInsert, update, type AnyRow, type Uuid } from '../../../src/ovsdb/index.js';

let lab: Lab;
let h: LabHost;
const DB = 'Open_vSwitch';

test.before(async () => {
  lab = await Lab.create();
  h = await lab.addHost('h1');
});
test.after.always(async () => {
  await lab?.dispose();
});

async function addBridgeRow(c: OvsdbClient, name: string): Promise<Uuid> {
  const [r] = await c.transact(DB, [insert('Bridge', { name, datapath_type: 'netdev' }, 'b'), mutate('Open_vSwitch', [], [setInsert('bridges', namedUuid('b'))])] as const);
  return r.uuid;
}

for (const method of ['monitor_cond_since', 'monitor_cond', 'monitor'] as const) {
  test.serial(`${method}: typed events for insert, update(old, new), delete; waitFor`, async (t) => {
  const c = await OvsdbClient.connect(`unix:${h.ovs.dbSock}`, { database: DB });
  try {
    const r = await Replica.start(c, { database: DB, method, tables: { Bridge: ['name', 'external_ids', 'protocols', 'fail_mode'] } });
    t.truthy(r.find('Bridge', (b) => b.name === 'br-phy'));
    const seen: string[] = [];
    r.onInsert('Bridge', (b) => seen.push(`+${String(b.name)}`));
    r.onUpdate('Bridge', (o, n) => seen.push(`~${String(n.name)}:${(o.protocols as string[]).length}->${(n.protocols as string[]).length}`));
    r.onDelete('Bridge', (b) => seen.push(`-${String(b.name)}`));
    await lab.vsctl(h, ['--no-wait', 'add-br', 'br-ev', '--', 'set', 'bridge', 'br-ev', 'datapath_type=netdev']);
    await r.waitFor((x) => x.find('Bridge', (b) => b.name === 'br-ev') !== undefined, 5000);
    await lab.vsctl(h, ['--no-wait', 'set', 'bridge', 'br-ev', 'protocols=OpenFlow13,OpenFlow14', 'external_ids:a=b', 'fail_mode=secure']);
    await r.waitFor((x) => (x.find('Bridge', (b) => b.name === 'br-ev')?.protocols as string[] | undefined)?.length === 2, 5000);
    const b = r.find('Bridge', (x) => x.name === 'br-ev') as AnyRow;
    t.deepEqual((b.protocols as string[]).slice().sort(), ['OpenFlow13', 'OpenFlow14']);
    t.deepEqual(b.fail_mode, ['secure']);
    t.deepEqual(b.external_ids, new Map([['a', 'b']]));
    // map diff: change a value, add a key, remove one
    await lab.vsctl(h, ['--no-wait', 'set', 'bridge', 'br-ev', 'external_ids:a=c', 'external_ids:x=y']);
    await r.waitFor((x) => (x.get('Bridge', b._uuid)?.external_ids as Map<string, string>).get('a') === 'c', 5000);
    await lab.vsctl(h, ['--no-wait', 'remove', 'bridge', 'br-ev', 'external_ids', 'a']);
    await r.waitFor((x) => !(x.get('Bridge', b._uuid)?.external_ids as Map<string, string>).has('a'), 5000);
    t.deepEqual(r.get('Bridge', b._uuid)?.external_ids, new Map([['x', 'y']]));
    await lab.vsctl(h, ['--no-wait', 'del-br', 'br-ev']);
    await r.waitFor((x) => x.get('Bridge', b._uuid) === undefined, 5000);
    t.deepEqual(seen.filter((s) => s.includes('br-ev')).slice(0, 2), ['+br-ev', '~br-ev:0->2']);
    t.is(seen[seen.length - 1], '-br-ev');
    await r.stop();
  } finally {
    c.close();
  }
});
}

test.serial('1,000 concurrent transactions from two replicas with conflicting waits converge', async (t) => {
  const c1 = await OvsdbClient.connect(`unix:${h.ovs.dbSock}`, { database: DB });
  const c2 = await OvsdbClient.connect(`unix:${h.ovs.dbSock}`, { database: DB });
  try {
    // 100 counters (bridges' external_ids:n); each gets 10 increments, 5 from each client, all at once.
    const names = Array.from({ length: 100 }, (_, i) => `brc${i}`);
    await c1.transact(DB, [...names.map((n, i) => insert('Bridge', { name: n, external_ids: new Map([['n', '0']]) }, `b${i}`)), mutate('Open_vSwitch', [], [setInsert('bridges', names.map((_, i) => namedUuid(`b${i}`)))])]);
    const r1 = await Replica.start(c1, { database: DB, tables: { Bridge: ['name', 'external_ids'] } });
    const r2 = await Replica.start(c2, { database: DB, tables: { Bridge: ['name', 'external_ids'] } });
    const incr = (r: Replica, name: string): Promise<unknown> => {
      // The name → uuid lookup is immutable, so it need not be part of the optimistic check; the row read is.
      const uuid = (r.find('Bridge', (x) => x.name === name) as AnyRow)._uuid;
      return r.txn((v) => {
        const b = v.get('Bridge', uuid) as AnyRow;
        const n = Number((b.external_ids as Map<string, string>).get('n'));
        return [update('Bridge', [byUuid(b._uuid)], { external_ids: new Map([['n', String(n + 1)]]) })];
      }, { maxAttempts: 200 });
    };
    const jobs: Promise<unknown>[] = [];
    for (let k = 0; k < 5; k++) for (const n of names) jobs.push(incr(r1, n), incr(r2, n));
    t.is(jobs.length, 1000);
    await Promise.all(jobs);
    const out = await lab.vsctl(h, ['--format=csv', '--no-headings', '--columns=name,external_ids', 'list', 'bridge']);
    const counts = out.split('\n').filter((l) => l.startsWith('brc')).map((l) => /n=\D*(\d+)/.exec(l)?.[1]);
    t.is(counts.length, 100);
    t.true(counts.every((n) => n === '10'), `counters: ${counts.join(',')}`);
    await r1.waitFor((r) => r.rows('Bridge').filter((b) => (b.external_ids as Map<string, string>).get('n') === '10').length === 100, 5000);
    await r1.stop();
    await r2.stop();
    await lab.vsctl(h, ['--no-wait', ...names.flatMap((n) => ['--', 'del-br', n])]);
  } finally {
    c1.close();
    c2.close();
  }
});

test.serial('writes racing the initial snapshot are neither lost nor duplicated', async (t) => {
  const c = await OvsdbClient.connect(`unix:${h.ovs.dbSock}`, { database: DB });
  const w = await OvsdbClient.connect(`unix:${h.ovs.dbSock}`);
  try {
    const names = Array.from({ length: 200 }, (_, i) => `brr${i}`);
    const writes = Promise.all(names.map((n) => addBridgeRow(w, n)));
    const replicas = await Promise.all([0, 1, 2].map(() => Replica.start(c, { database: DB, tables: { Bridge: ['name', 'fail_mode'] } })));
    const uuids = await writes;
    for (const r of replicas) await r.waitFor((x) => uuids.every((u) => x.get('Bridge', u) !== undefined), 5000);
    // Optional column (max 1): set, change, clear — update2 sends the new value, not a symmetric difference.
    const r = replicas[0];
    for (const mode of ['secure', 'standalone']) {
      await lab.vsctl(h, ['--no-wait', 'set', 'bridge', 'brr0', `fail_mode=${mode}`]);
      await r.waitFor((x) => (x.get('Bridge', uuids[0])?.fail_mode as string[]).join() === mode, 5000);
    }
    await lab.vsctl(h, ['--no-wait', 'clear', 'bridge', 'brr0', 'fail_mode']);
    await r.waitFor((x) => (x.get('Bridge', uuids[0])?.fail_mode as string[]).length === 0, 5000);
    t.is(r.resyncs, 0);
    for (const x of replicas) await x.stop();
    await lab.vsctl(h, ['--no-wait', ...names.flatMap((n) => ['--', 'del-br', n])]);
  } finally {
    c.close();
    w.close();
  }
});

test.serial('a lost update makes the replica inconsistent; it resyncs and ends equal to the server', async (t) => {
  // A lossy proxy between client and the real server drops the first update carrying br-lost's insert.
  const proxySock = join(h.ovs.dir, 'lossy.sock');
  let dropped = 0;
  const server: Server = createServer((down) => {
    const up = connect(h.ovs.dbSock);
    const f = new JsonFramer();
    down.on('data', (b) => up.write(b));
    up.on('data', (b) => {
      for (const m of f.push(b)) {
        const s = JSON.stringify(m);
        if (dropped === 0 && s.includes('"update') && s.includes('br-lost') && s.includes('"insert"')) {
          dropped++;
          continue;
        }
        down.write(s);
      }
    });
    down.on('close', () => up.destroy());
    up.on('close', () => down.destroy());
    down.on('error', () => up.destroy());
    up.on('error', () => down.destroy());
  });
  await new Promise<void>((r) => server.listen(proxySock, r));
  const c = await OvsdbClient.connect(`unix:${proxySock}`, { database: DB });
  try {
    const r = await Replica.start(c, { database: DB, tables: { Bridge: ['name', 'external_ids'] } });
    const w = await OvsdbClient.connect(`unix:${h.ovs.dbSock}`);
    const u = await addBridgeRow(w, 'br-lost');
    await waitUntil('the proxy to drop the insert', () => dropped === 1, 5000);
    t.is(r.get('Bridge', u), undefined);
    // The modify of a row the replica never saw → ReplicaInconsistentError → full resync.
    await w.transact(DB, [update('Bridge', [eq('name', 'br-lost')], { external_ids: new Map([['k', 'v']]) })] as const);
    await r.waitFor((x) => (x.get('Bridge', u)?.external_ids as Map<string, string> | undefined)?.get('k') === 'v', 5000);
    t.true(r.resyncs >= 1);
    w.close();
    await r.stop();
  } finally {
    c.close();
    server.close();
  }
});

test.serial('monitor_cond_since resync after ovsdb-server restarts; offline changes become events', async (t) => {
  const c = await OvsdbClient.connect(`unix:${h.ovs.dbSock}`, { database: DB, backoffMinMs: 20, backoffMaxMs: 200 });
  try {
    const r = await Replica.start(c, { database: DB, tables: { Bridge: ['name', 'external_ids'] } });
    const u = await addBridgeRow(c, 'br-keep');
    const gone = await addBridgeRow(c, 'br-gone');
    await r.waitFor((x) => x.get('Bridge', gone) !== undefined, 5000);
    const events: string[] = [];
    r.onInsert('Bridge', (b) => events.push(`+${String(b.name)}`));
    r.onUpdate('Bridge', (_o, n) => events.push(`~${String(n.name)}`));
    r.onDelete('Bridge', (b) => events.push(`-${String(b.name)}`));
    const pid = readPid(h.ovs.dbPid);
    t.truthy(pid);
    await stopPid(pid as number);
    await waitUntil('client to notice', () => !c.connected, 5000);
    // Change the database file while the server is down.
    await sh(['ovsdb-tool', 'transact', h.ovs.db, JSON.stringify([DB,
      { op: 'update', table: 'Bridge', where: [['name', '==', 'br-keep']], row: { external_ids: ['map', [['offline', 'yes']]] } },
      { op: 'mutate', table: 'Open_vSwitch', where: [], mutations: [['bridges', 'delete', ['uuid', gone.uuid]]] },
      { op: 'insert', table: 'Bridge', row: { name: 'br-new' }, 'uuid-name': 'n' },
      { op: 'mutate', table: 'Open_vSwitch', where: [], mutations: [['bridges', 'insert', ['named-uuid', 'n']]] }])]);
    await startOvsdbServer(h.netns, h.ovs);
    await r.waitFor((x) => x.find('Bridge', (b) => b.name === 'br-new') !== undefined && x.get('Bridge', gone) === undefined, 15_000);
    t.deepEqual(r.get('Bridge', u)?.external_ids, new Map([['offline', 'yes']]));
    t.deepEqual(events.sort(), ['+br-new', '-br-gone', '~br-keep']);
    // And it keeps following live changes.
    await lab.vsctl(h, ['--no-wait', 'set', 'bridge', 'br-keep', 'external_ids:after=1']);
    await r.waitFor((x) => (x.get('Bridge', u)?.external_ids as Map<string, string>).get('after') === '1', 5000);
    await r.stop();
    await lab.vsctl(h, ['--no-wait', '--', 'del-br', 'br-keep', '--', 'del-br', 'br-new']);
  } finally {
    c.close();
  }
});
