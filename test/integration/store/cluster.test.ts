import test from 'ava';
import { Lab } from '../../../src/lab/index.js';
import { eq, OvsdbClient, select, Uuid } from '../../../src/ovsdb/index.js';
import { formatIpv4, lorisSchemaPath, parseIpv4, Store } from '../../../src/store/index.js';
import { createRaftCluster } from '../../../src/lab/raft.js';

test('3-member Raft store: 3 clients allocate 300 dhcp addresses in one pod while the leader is killed', async (t) => {
  const lab = await Lab.create();
  const stores: Store[] = [];
  try {
    const cluster = await createRaftCluster(lab, { size: 3, schema: lorisSchemaPath() });
    for (let i = 0; i < 3; i++) stores.push(await Store.open({ remotes: cluster.remotes, host: 'h1' }));
    let warnings = 0;
    for (const s of stores) s.client.on('warning', () => warnings++);
    await stores[0].registerHost({ name: 'h1', address: '192.0.2.11' });
    const pod = await stores[0].ensurePod(7, { subnet: '10.7.0.0/22' });
    const first = await cluster.waitForLeader();

    const acked = new Map<string, string>();
    let killed = false;
    const killAt = 100;
    const worker = async (s: Store, client: number, lane: number): Promise<void> => {
      for (let k = lane; k < 100; k += 4) {
        const id = `c${client}-${k}`;
        const e = await s.allocate({ pod: 7, container: { id }, ip: 'dhcp' });
        acked.set(id, e.ip);
        if (!killed && acked.size >= killAt) {
          killed = true;
          void cluster.kill(first);
        }
      }
    };
    const started = Date.now();
    await Promise.all(stores.flatMap((s, c) => [0, 1, 2, 3].map((lane) => worker(s, c, lane))));
    t.log(`300 allocations (leader killed after ${killAt}) in ${Date.now() - started} ms; ${warnings} client warnings (drops, non-leaders) on the way`);
    t.true(killed);
    const next = await cluster.waitForLeader();
    t.not(next, first, 'a new leader was elected');

    // Every acknowledged allocation is there, with the address that was acknowledged; nothing was given twice.
    t.is(acked.size, 300);
    t.is(new Set(acked.values()).size, 300, 'no address acknowledged twice');
    const c = await OvsdbClient.connect(cluster.members.filter((m) => m.index !== first).map((m) => m.remote), { database: 'Loris' });
    try {
      const [res] = await c.transact('Loris', [select('Endpoint', [eq('pod', new Uuid(pod.uuid))], ['container_id', 'ip'])]);
      const inDb = new Map(res.rows.map((r) => [String(r.container_id), String(r.ip)]));
      t.is(inDb.size, 300, 'no endpoint beyond the acknowledged ones');
      for (const [id, ip] of acked) t.is(inDb.get(id), ip, `${id} kept ${ip}`);
      // No gaps: lowest-free allocation with no releases fills 10.7.0.1 … the 300th address.
      const sorted = [...inDb.values()].map(parseIpv4).sort((a, b) => a - b);
      t.is(formatIpv4(sorted[0]), '10.7.0.1');
      t.is(sorted[299] - sorted[0], 299, `contiguous, last ${formatIpv4(sorted[299])}`);
    } finally {
      c.close();
    }
    // The replicas of all three clients converge on the same 300 endpoints.
    for (const s of stores) await s.waitFor((x) => x.endpoints({ pod: 7 }).length === 300, 10_000, '300 endpoints in every replica');
    t.pass();
  } finally {
    for (const s of stores) await s.close();
    await lab.dispose();
  }
});
