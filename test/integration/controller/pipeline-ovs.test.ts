import test from 'ava';
import { Lab, type LabHost } from '../../../src/lab/index.js';
import { OfConnection } from '../../../src/ofproto/connection.js';
import type { FlowStats } from '../../../src/ofproto/multipart-flow.js';
import { OFPTT_ALL } from '../../../src/ofproto/flow-mod.js';
import { ROLE_LEARNED, desiredFlows, isLorisCookie, isManagedCookie, makeCookie, type PipelineEndpoint, type PipelineState } from '../../../src/controller/pipeline.js';
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

test.serial('learn mode: the learn flows install and dump back identically; the switch learns a MAC from a tunnel', async (t) => {
  const conn = await OfConnection.connect(`unix:${lab.mgmtSocket(h1, 'br-int')}`);
  try {
    const local = eps.filter((e) => e.host === 'h1');
    const learning: PipelineState = { ...state, endpoints: local, learnRemote: true };
    const installed = await dump(conn);
    await conn.bundle(reconcile(installed, desiredFlows(learning), { owned: isManagedCookie }).mods, { atomic: true });
    const after = await dump(conn);
    t.is(reconcile(after, desiredFlows(learning), { owned: isManagedCookie }).mods.length, 0);
    t.true(after.some((f) => f.instructions.some((i) => i.type === 'apply_actions' && i.actions.some((a) => a.type === 'learn'))));
    // A frame from the tunnel of h2 with key 1 teaches table 3 where its source MAC lives.
    await lab.vsctl(h1, ['add-port', 'br-int', 'tun-h2', '--', 'set', 'interface', 'tun-h2', 'type=vxlan', 'options:remote_ip=192.0.2.99', 'options:key=flow', 'ofport_request=10']);
    const trace = await lab.appctl(h1, ['ofproto/trace', 'br-int', 'in_port=10,tun_id=1,tun_src=192.0.2.99,dl_src=02:00:00:00:99:99,dl_dst=ff:ff:ff:ff:ff:ff,arp,arp_spa=10.0.0.99,arp_tpa=10.0.0.1,arp_op=1', '-generate']);
    t.regex(trace, /learn/);
    const learned = await lab.ofctl(h1, ['dump-flows', lab.mgmtSocket(h1, 'br-int'), 'table=3,dl_dst=02:00:00:00:99:99']);
    t.regex(learned, /priority=90.*metadata=0x1\/0x1ffffff.*dl_dst=02:00:00:00:99:99.*actions=load:0x1->NXM_NX_TUN_ID\[\],output:10|priority=90.*actions=.*output:10/);
    t.true(isManagedCookie(makeCookie(2, 1)) && !isManagedCookie(makeCookie(ROLE_LEARNED, 1)));
  } finally {
    await conn.close();
  }
});
