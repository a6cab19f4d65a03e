import test from 'ava';
import { Writer } from '../../../src/ofproto/bytes.js';
import { encodeFlowModBody, type FlowMod } from '../../../src/ofproto/flow-mod.js';
import {
  META_POD_MASK,
  T_ARP_RESPONDER,
  T_CLASSIFY,
  T_FLOOD,
  T_L2_FORWARD,
  T_PORT_SECURITY,
  buildIndex,
  desiredFlows,
  indexAdd,
  indexRemove,
  isLorisCookie,
  ownerFlows,
  type PipelineEndpoint,
  type PipelineState,
} from '../../../src/controller/pipeline.js';

const mac = (i: number): string => `02:00:00:00:${((i >> 8) & 0xff).toString(16).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}`;
const ip = (i: number): string => `10.${(i >> 16) & 0xff}.${(i >> 8) & 0xff}.${(i & 0xff) + 1}`;

function state(endpoints: PipelineEndpoint[]): PipelineState {
  return { host: 'h1', endpoints, tunnels: new Map([['h2', 10], ['h3', 11]]), dhcp: { ip: '169.254.169.254', mac: '0a:58:a9:fe:a9:fe' } };
}

const small: PipelineEndpoint[] = [
  { id: 'a', pod: 1, host: 'h1', mac: mac(1), ip: ip(1), ofport: 1 },
  { id: 'b', pod: 1, host: 'h1', mac: mac(2), ip: ip(2), ofport: 2 },
  { id: 'c', pod: 1, host: 'h2', mac: mac(3), ip: ip(3) },
  { id: 'd', pod: 2, host: 'h1', mac: mac(4), ip: ip(1), ofport: 3 },
  { id: 'e', pod: 3, host: 'h2', mac: mac(5), ip: ip(5) },
];

const byTable = (flows: FlowMod[], t: number): FlowMod[] => flows.filter((f) => f.tableId === t);

test('a pod with no endpoint on this host gets no flows; every flow is encodable and owned by loris', (t) => {
  const s = state(small);
  const flows = desiredFlows(s);
  const w = new Writer();
  for (const f of flows) {
    t.true(isLorisCookie(f.cookie));
    w.reset();
    t.notThrows(() => encodeFlowModBody(w, f), JSON.stringify(f, (_k, v: unknown) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v)));
  }
  const idx = buildIndex('h1', s.endpoints);
  t.deepEqual(ownerFlows(s, idx, { kind: 'pod', pod: 3 }), []);
  t.deepEqual(ownerFlows(s, idx, { kind: 'endpoint', id: 'e' }), []);
  // Exact counts: 5 table-miss drops; pod 1: 1 tunnel-ingress (h2) + 2 flood + 1 server ARP + 1 multicast;
  // pod 2: 0 tunnel + 2 flood + 1 ARP + 1 multicast; 3 local endpoints × 6; 1 remote endpoint × 3.
  t.is(flows.length, 5 + 5 + 4 + 3 * 6 + 3);
});

test('every flow past classification matches the packet’s pod in metadata (isolation)', (t) => {
  const flows = desiredFlows(state(small));
  for (const f of flows) {
    if (f.tableId === T_CLASSIFY || f.priority === 0) continue;
    if (f.tableId === T_PORT_SECURITY && f.match.metadata === undefined) {
      t.truthy(f.match.inPort, 'local port security is keyed on in_port (classified by T0)');
      continue;
    }
    const m = f.match.metadata;
    t.true(typeof m === 'object' && m !== null && (m.mask & META_POD_MASK) === META_POD_MASK, `table ${f.tableId} flow lacks a pod match`);
  }
});

test('port security requires untagged frames, the right MAC and IP; DHCP goes to the controller', (t) => {
  const flows = byTable(desiredFlows(state(small)), T_PORT_SECURITY).filter((f) => f.match.inPort === 1);
  t.is(flows.length, 3);
  for (const f of flows) {
    t.is(f.match.vlanVid, 0);
    t.is(f.match.ethSrc, mac(1));
  }
  const arp = flows.find((f) => f.match.ethType === 0x0806);
  t.is(arp?.match.arpSpa, ip(1));
  t.is(arp?.match.arpSha, mac(1));
  t.is(flows.find((f) => f.match.ethType === 0x0800 && f.match.ipv4Src)?.match.ipv4Src, ip(1));
  const dhcp = flows.find((f) => f.match.udpDst === 67);
  t.deepEqual(dhcp?.instructions, [{ type: 'apply_actions', actions: [{ type: 'output', port: 0xfffffffd, maxLen: 0xffff }] }]);
});

test('split horizon: tunnel-origin floods only to local ports; remote unicast only from local origin', (t) => {
  const flows = desiredFlows(state(small));
  const flood = byTable(flows, T_FLOOD).filter((f) => f.priority > 0 && typeof f.match.metadata === 'object' && (f.match.metadata.value & 0xffffffn) === 1n);
  t.is(flood.length, 2);
  const fromTunnel = flood.find((f) => typeof f.match.metadata === 'object' && f.match.metadata.value > 0xffffffn);
  t.deepEqual(fromTunnel?.instructions, [{ type: 'apply_actions', actions: [{ type: 'output', port: 1 }, { type: 'output', port: 2 }] }]);
  const fromLocal = flood.find((f) => f !== fromTunnel);
  t.deepEqual(fromLocal?.instructions, [{ type: 'apply_actions', actions: [{ type: 'output', port: 1 }, { type: 'output', port: 2 }, { type: 'set_field', field: 'tunnelId', value: 1n }, { type: 'output', port: 10 }] }]);
  const remote = byTable(flows, T_L2_FORWARD).find((f) => f.match.ethDst === mac(3));
  t.deepEqual(remote?.match.metadata, { value: 1n, mask: 0x1ffffffn });
});

test('ARP responder answers for local, remote and the DHCP server address of the pod', (t) => {
  const arp = byTable(desiredFlows(state(small)), T_ARP_RESPONDER).filter((f) => f.priority > 0);
  const pod1 = arp.filter((f) => typeof f.match.metadata === 'object' && f.match.metadata.value === 1n).map((f) => f.match.arpTpa).sort();
  t.deepEqual(pod1, ['10.0.0.2', '10.0.0.3', '10.0.0.4', '169.254.169.254'].sort());
});

test('flows grow linearly with endpoints (10/100/1000) and are computed fast', (t) => {
  for (const n of [10, 100, 1000]) {
    const eps: PipelineEndpoint[] = [];
    for (let i = 0; i < n; i++) {
      const host = ['h1', 'h2', 'h3'][i % 3];
      eps.push({ id: `ep${i}`, pod: 1 + (i % 5), host, mac: mac(i), ip: ip(i), ...(host === 'h1' ? { ofport: 100 + i } : {}) });
    }
    const t0 = performance.now();
    const count = desiredFlows(state(eps)).length;
    t.true(performance.now() - t0 < 500, `n=${n} took too long`);
    const localPods = new Set(eps.filter((e) => e.host === 'h1').map((e) => e.pod));
    const here = eps.filter((e) => localPods.has(e.pod));
    const local = here.filter((e) => e.host === 'h1').length;
    const podHosts = new Set(here.filter((e) => e.host !== 'h1').map((e) => `${e.pod}/${e.host}`)).size;
    t.is(count, 5 + localPods.size * 4 + podHosts + 6 * local + 3 * (here.length - local), `n=${n}`);
  }
});

test('the index is maintained incrementally', (t) => {
  const idx = buildIndex('h1', small);
  t.is(idx.localCount.get(1), 2);
  indexRemove(idx, 'a');
  t.is(idx.localCount.get(1), 1);
  indexAdd(idx, { ...small[1], ofport: 7 });
  t.is(idx.localCount.get(1), 1);
  indexRemove(idx, 'b');
  t.false(idx.localCount.has(1));
  t.is(idx.byPod.get(1)?.size, 1);
});

test('learn mode: every peer’s tunnel carries the pod; unknown unicast floods; tunnel frames are learned, not MAC-checked', (t) => {
  const local = small.filter((e) => e.host === 'h1');
  const flows = desiredFlows({ ...state(local), learnRemote: true });
  const pod1 = flows.filter((f) => (f.cookie & 0xffffffffffffn) === 1n && f.cookie >> 48n === 0x4c02n);
  t.is(pod1.filter((f) => f.tableId === T_CLASSIFY).length, 2, 'tunnel ingress from h2 and h3');
  const learn = pod1.find((f) => f.tableId === T_PORT_SECURITY);
  t.truthy(learn?.instructions.some((i) => i.type === 'apply_actions' && i.actions[0].type === 'learn'));
  t.is(learn?.match.ethSrc, undefined);
  t.is(learn?.match.vlanVid, 0);
  t.deepEqual(pod1.find((f) => f.tableId === T_L2_FORWARD && f.priority === 10)?.instructions, [{ type: 'goto_table', tableId: T_FLOOD }]);
  const flood = pod1.find((f) => f.tableId === T_FLOOD && typeof f.match.metadata === 'object' && f.match.metadata.value === 1n);
  t.deepEqual(flood?.instructions, [{ type: 'apply_actions', actions: [{ type: 'output', port: 1 }, { type: 'output', port: 2 }, { type: 'set_field', field: 'tunnelId', value: 1n }, { type: 'output', port: 10 }, { type: 'output', port: 11 }] }]);
});

test('with a DHCP meter, the DHCP flow meters before sending to the controller', (t) => {
  const flows = desiredFlows({ ...state(small), dhcpMeter: 1 });
  const dhcp = flows.find((f) => f.match.udpDst === 67 && f.match.inPort === 1);
  t.deepEqual(dhcp?.instructions, [{ type: 'meter', meterId: 1 }, { type: 'apply_actions', actions: [{ type: 'output', port: 0xfffffffd, maxLen: 0xffff }] }]);
});
