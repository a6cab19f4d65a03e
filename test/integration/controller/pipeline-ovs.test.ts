import test from 'ava';
import { Lab, type LabHost } from '../../../src/lab/index.js';
import { OfConnection } from '../../../src/ofproto/connection.js';
import type { FlowStats } from '../../../src/ofproto/multipart-flow.js';
import { OFPTT_ALL } from '../../../src/ofproto/flow-mod.js';
import { desiredFlows, isLorisCookie, type PipelineEndpoint, type PipelineState } from '../../../src/controller/pipeline.js';
import { reconcile } from '../../../src/controller/reconcile.js';

async function dump(conn: OfConnection): Promise<FlowStats[]> {
  const out: FlowStats[] = [];
  for await (const part of conn.multipart({ kind: 'flow', tableId: OFPTT_ALL, outPort: 0xffffffff, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, match: {} })) {
    if (part.kind === 'flow') out.push(...part.flows);
  }
  return out;
}

let lab: Lab;
let h1: LabHost;
test.before(async () => {
  lab = await Lab.create();
  h1 = await lab.addHost('h1');
  await lab.addBridge(h1, 'br-int', ['--', 'set', 'bridge', 'br-int', 'protocols=OpenFlow13', 'fail_mode=secure']);
});
test.after.always(async () => {
  await lab?.dispose();
});

const eps: PipelineEndpoint[] = Array.from({ length: 60 }, (_, i) => ({
  id: `ep${i}`, pod: 1 + (i % 4), host: ['h1', 'h2', 'h3'][i % 3], mac: `02:00:00:00:01:${i.toString(16).padStart(2, '0')}`,
  ip: `10.0.0.${i + 1}`, ...(i % 3 === 0 ? { ofport: 100 + i } : {}),
}));
const state: PipelineState = { host: 'h1', endpoints: eps, tunnels: new Map([['h2', 10], ['h3', 11]]), dhcp: { ip: '169.254.169.254', mac: '0a:58:a9:fe:a9:fe' } };

test.serial('OVS accepts the whole pipeline in one atomic bundle, and a dump reconciles to nothing', async (t) => {
  const conn = await OfConnection.connect(`unix:${lab.mgmtSocket(h1, 'br-int')}`);
  try {
    const flows = desiredFlows(state);
    await conn.bundle(flows, { atomic: true });
    const text = await lab.ofctl(h1, ['dump-flows', lab.mgmtSocket(h1, 'br-int')]);
    t.is(text.split('\n').filter((l) => l.includes('cookie=')).length, flows.length);
    const installed = await dump(conn);
    t.is(installed.length, flows.length);
    const r = reconcile(installed, flows, { owned: isLorisCookie });
    t.deepEqual(r.stats, { unchanged: flows.length, added: 0, modified: 0, deleted: 0 }, 'OVS returns every flow in a form that encodes like ours');
    // Remove an endpoint: only its flows go; the rest keep their counters (not re-added).
    const fewer = desiredFlows({ ...state, endpoints: eps.filter((e) => e.id !== 'ep3') });
    const r2 = reconcile(installed, fewer, { owned: isLorisCookie });
    t.is(r2.stats.deleted, 6, 'T0, 3×T1, T2 ARP responder, T3');
    t.is(r2.stats.added + r2.stats.modified, 2, 'the two flood flows of its pod change');
    await conn.bundle(r2.mods, { atomic: true });
    t.is(reconcile(await dump(conn), fewer, { owned: isLorisCookie }).mods.length, 0);
  } finally {
    await conn.close();
  }
});
