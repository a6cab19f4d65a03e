/**
 * Controller scale at 10 / 100 / 1,000 / 10,000 endpoints (--small: 10 / 100):
 * - flows per endpoint of the computed pipeline (pure; linear growth means a constant),
 * - start-up convergence on a real ovs-vswitchd (lab host, netdev): controller start on an empty table → table in
 *   sync (bridge check, tunnels, connect, dump, diff, one atomic bundle) vs the reference installing the very same
 *   flows with `ovs-ofctl -O OpenFlow13 --bundle add-flows` (from a --no-stats dump),
 * - incremental latency: one new endpoint in the store → its flows acknowledged by the switch,
 * - restart with the table already in sync (the hitless path) vs `ovs-ofctl --bundle replace-flows` of the same table,
 * - the bench process's RSS with the controller running (store replica included).
 * Endpoints: 10 pods with one local endpoint each (an internal port), the rest on 9 peer hosts that exist only in
 * the store; they are written straight into the store database (one transaction) so IPAM is not what is measured.
 *
 *   npx tsx bench/scale.ts [--small]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitUntil } from '../src/lab/exec.js';
import { Uuid } from '../src/ovsdb/notation.js';
import { del, insert, type Operation } from '../src/ovsdb/operations.js';
import { desiredFlows, type PipelineEndpoint } from '../src/controller/pipeline.js';
import { STORE_DB } from '../src/store/index.js';
import { ControllerLab } from '../test/e2e/controller-lab.js';
import { emit, log, median, parseBenchArgs, round, sizeId, spread, timeCommand, type SeriesPoint } from './lib/index.js';

const args = parseBenchArgs();
const sizes = args.small ? [10, 100] : [10, 100, 1000, 10_000];
const runs = 3;
const PODS = 10;
const PEERS = 9;

const mac = (i: number): string => `0a:00:${[(i >> 24) & 255, (i >> 16) & 255, (i >> 8) & 255, i & 255].map((x) => x.toString(16).padStart(2, '0')).join(':')}`;
const ipOf = (i: number): string => `10.${100 + (i % PODS)}.${(i >> 8) & 255}.${(i & 255) || 254}`;

// 1. Pure: flows per endpoint.
const perEndpoint: SeriesPoint[] = [];
for (const n of [10, 100, 1000, 10_000]) {
  const eps: PipelineEndpoint[] = Array.from({ length: n }, (_, i) => ({ id: `e${i}`, pod: 1 + (i % PODS), host: i < PODS ? 'h1' : `p${1 + (i % PEERS)}`, mac: mac(i), ip: ipOf(i), ...(i < PODS ? { ofport: 100 + i } : {}) }));
  const t0 = performance.now();
  const flows = desiredFlows({ host: 'h1', endpoints: eps, tunnels: new Map(Array.from({ length: PEERS }, (_, k) => [`p${k + 1}`, 10 + k])) }).length;
  log(`pure: ${n} endpoints → ${flows} flows (${(flows / n).toFixed(2)} per endpoint) in ${(performance.now() - t0).toFixed(1)} ms`);
  perEndpoint.push({ x: n, y: round(flows / n) });
}
emit({ bench: 'scale', metric: 'flows-per-endpoint', what: 'flows per endpoint of the computed pipeline, by number of endpoints', loris: perEndpoint[perEndpoint.length - 1].y, reference: null, unit: 'flows/endpoint', runs: 1, spread: 0, series: perEndpoint, seriesX: 'endpoints', note: 'constant = linear growth; 10 pods, 1 local endpoint per pod, the rest on 9 peers' });

// 2-4. Real switch.
const cl = await ControllerLab.create({ hosts: 1, start: false });
const tmp = mkdtempSync(join(tmpdir(), 'loris-scale-'));
try {
  const [h1] = cl.hosts;
  const store = cl.store('h1');
  const mgmt = cl.lab.mgmtSocket(h1, 'br-int');
  for (let k = 1; k <= PEERS; k++) await store.registerHost({ name: `p${k}`, address: `192.0.2.${100 + k}` });
  for (let p = 1; p <= PODS; p++) await store.ensurePod(p);
  await cl.lab.addBridge(h1, 'br-int', ['--', 'set', 'bridge', 'br-int', 'protocols=OpenFlow13', 'fail_mode=secure']);
  for (let p = 0; p < PODS; p++) await cl.lab.vsctl(h1, ['add-port', 'br-int', `lp${p}`, '--', 'set', 'interface', `lp${p}`, 'type=internal']);
  const hostUuid = new Map(store.hosts().map((h) => [h.name, h.uuid]));
  const podUuid = new Map(store.pods().map((p) => [p.number, p.uuid]));

  const endpointRow = (i: number, tag: string): Operation => {
    const local = i < PODS;
    return insert('Endpoint', {
      pod: new Uuid(podUuid.get(1 + (i % PODS)) as string), host: new Uuid(hostUuid.get(local ? 'h1' : `p${1 + (i % PEERS)}`) as string),
      container_id: `${tag}${i}`, container_name: `${tag}${i}`, ifname: 'eth1', port_name: local ? `lp${i}` : '', mac: mac(i + (tag === 'x' ? 1 << 20 : 0)),
      ip: tag === 'x' ? `10.${100 + (i % PODS)}.250.${1 + (i >> 4)}` : ipOf(i), prefix_len: 16, assignment: 'static',
    });
  };

  const convergence: SeriesPoint[] = [];
  const incremental: SeriesPoint[] = [];
  const rss: SeriesPoint[] = [];
  const restart: SeriesPoint[] = [];
  for (const n of sizes) {
    await store.client.transact(STORE_DB, [del('Endpoint', [])]);
    const ops: Operation[] = Array.from({ length: n }, (_, i) => endpointRow(i, 'e'));
    await store.client.transact(STORE_DB, ops);
    await store.waitFor((s) => s.endpoints().length === n, 60_000, `${n} endpoints in the replica`);

    const lorisMs: number[] = [];
    let flowCount = 0;
    for (let r = 0; r <= runs; r++) {
      await cl.lab.ofctl(h1, ['del-flows', mgmt]);
      const c = cl.newController(h1);
      const t0 = performance.now();
      await c.start();
      const ms = performance.now() - t0;
      flowCount = c.installedFlowCount();
      if (r > 0) lorisMs.push(ms);
      if (r < runs) await c.stop();
    }
    const ctl = cl.controller('h1');
    rss.push({ x: n, y: round(process.memoryUsage().rss / 2 ** 20) });

    // Incremental: new remote endpoints, one at a time, until acknowledged.
    const inc: number[] = [];
    for (let k = 0; k < 10; k++) {
      const before = ctl.installedFlowCount();
      const t0 = performance.now();
      await store.client.transact(STORE_DB, [endpointRow(PODS + 16 * k, 'x')]);
      await waitUntil('incremental flows', () => ctl.installedFlowCount() > before, 10_000, 1);
      inc.push(performance.now() - t0);
    }
    // Restart with the table already in sync (the hitless path): dump, diff, nothing to send.
    const restartMs: number[] = [];
    let phases: Record<string, number> = {};
    let current = ctl;
    for (let r = 0; r <= runs; r++) {
      await current.stop();
      current = cl.newController(h1);
      current.once('synced', (st) => (phases = st.phases));
      const t0 = performance.now();
      await current.start();
      if (r > 0) restartMs.push(performance.now() - t0);
    }
    await current.stop();

    // Reference: the same table through ovs-ofctl.
    const file = join(tmp, `flows-${n}.txt`);
    writeFileSync(file, (await cl.lab.ofctl(h1, ['dump-flows', '--no-stats', mgmt])).split('\n').filter((l) => l.trim() && !l.startsWith('OFPST')).join('\n') + '\n');
    const replaceMs: number[] = [];
    for (let r = 0; r <= runs; r++) {
      const ms = await timeCommand(['ovs-ofctl', '-O', 'OpenFlow13', '--bundle', 'replace-flows', mgmt, file]);
      if (r > 0) replaceMs.push(ms);
    }
    const refMs: number[] = [];
    for (let r = 0; r <= runs; r++) {
      await cl.lab.ofctl(h1, ['del-flows', mgmt]);
      const ms = await timeCommand(['ovs-ofctl', '-O', 'OpenFlow13', '--bundle', 'add-flows', mgmt, file]);
      if (r > 0) refMs.push(ms);
    }
    log(`${n} endpoints: ${flowCount} flows; loris start→in sync ${lorisMs.map((x) => x.toFixed(0)).join('/')} ms; ovs-ofctl --bundle add-flows ${refMs.map((x) => x.toFixed(0)).join('/')} ms; incremental ${median(inc).toFixed(1)} ms; RSS ${rss[rss.length - 1].y} MiB`);
    convergence.push({ x: n, y: round(median(lorisMs) / 1000), reference: round(median(refMs) / 1000) });
    incremental.push({ x: n, y: round(median(inc)) });
    restart.push({ x: n, y: round(median(restartMs)), reference: round(median(replaceMs)) });
    log(`${n} endpoints: restart in sync ${restartMs.map((x) => x.toFixed(0)).join('/')} ms (last: ${Object.entries(phases).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}); ovs-ofctl --bundle replace-flows ${replaceMs.map((x) => x.toFixed(0)).join('/')} ms`);
    if (n === sizes[sizes.length - 1]) {
      emit({ bench: 'scale', metric: `converge-${sizeId(n)}-s`, what: `controller start-up convergence, ${n.toLocaleString('en-US')} endpoints (${flowCount.toLocaleString('en-US')} flows)`, loris: median(lorisMs) / 1000, reference: median(refMs) / 1000, unit: 's', runs: lorisMs.length, spread: spread(lorisMs), series: convergence, seriesX: 'endpoints', note: 'loris: controller start on an empty table until in sync (bridge, tunnels, connect, dump, diff, bundle); reference: ovs-ofctl --bundle add-flows of the same flows' });
      emit({ bench: 'scale', metric: `restart-in-sync-${sizeId(n)}`, what: `controller restart with the table in sync, ${n.toLocaleString('en-US')} endpoints`, loris: median(restartMs), reference: median(replaceMs), unit: 'ms', runs: restartMs.length, spread: spread(restartMs), series: restart, seriesX: 'endpoints', note: 'loris: start() until in sync (dump, diff, nothing sent); reference: ovs-ofctl --bundle replace-flows of the same table (dump, diff, nothing sent)' });
      emit({ bench: 'scale', metric: `incremental-${sizeId(n)}`, what: `a new endpoint → its flows acked, at ${n.toLocaleString('en-US')} endpoints`, loris: median(inc), reference: null, unit: 'ms', runs: inc.length, spread: spread(inc), series: incremental, seriesX: 'endpoints', note: 'store write (one OVSDB transaction) → replica event → per-owner diff → bundle acked' });
      emit({ bench: 'scale', metric: `rss-${sizeId(n)}-mb`, what: `process RSS with ${n.toLocaleString('en-US')} endpoints`, loris: rss[rss.length - 1].y, reference: null, unit: 'MiB', runs: 1, spread: 0, series: rss, seriesX: 'endpoints', note: 'the bench process: controller + store replica + lab helpers' });
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
  await cl.close();
}
