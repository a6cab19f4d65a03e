import test from 'ava';
import fc from 'fast-check';
import type { FlowMod } from '../../../src/ofproto/flow-mod.js';
import { flowBody, flowIdentity, reconcile, type FlowEntry } from '../../../src/controller/reconcile.js';
import { desiredFlows, isLorisCookie, makeCookie, type PipelineEndpoint } from '../../../src/controller/pipeline.js';

const flow = (tableId: number, priority: number, inPort: number, outPort: number, cookie = makeCookie(3, 1)): FlowEntry => ({
  tableId, priority, cookie, match: { inPort }, instructions: [{ type: 'apply_actions', actions: [{ type: 'output', port: outPort }] }],
});

/** Applies flow-mods to a simulated table keyed by identity (what OVS does for the strict commands and add). */
function apply(table: Map<string, FlowEntry>, mods: FlowMod[]): void {
  for (const m of mods) {
    const id = flowIdentity(m);
    if (m.command === 'delete_strict') table.delete(id);
    else if (m.command === 'add') table.set(id, m);
    else if (m.command === 'modify_strict') {
      const old = table.get(id);
      if (old) table.set(id, { ...old, instructions: m.instructions });
    } else throw new Error(`unexpected ${m.command}`);
  }
}

test('identical tables produce no flow-mods', (t) => {
  const a = [flow(0, 100, 1, 2), flow(0, 100, 2, 1)];
  const r = reconcile(a, a.map((f) => ({ ...f })));
  t.deepEqual(r.mods, []);
  t.is(r.stats.unchanged, 2);
});

test('decoded and built forms that encode the same are the same flow', (t) => {
  const built = flow(0, 100, 1, 0xfffffffd);
  const decoded: FlowEntry = { ...built, instructions: [{ type: 'apply_actions', actions: [{ type: 'output', port: 0xfffffffd, maxLen: 0xffff }] }] };
  t.is(flowBody(built), flowBody(decoded));
  t.deepEqual(reconcile([decoded], [built]).mods, []);
});

test('changed actions → MODIFY_STRICT; changed cookie → ADD; missing → ADD; extra → DELETE_STRICT', (t) => {
  const installed = [flow(0, 100, 1, 2), flow(0, 100, 2, 1), flow(1, 10, 3, 3), flow(1, 10, 4, 4)];
  const desired = [flow(0, 100, 1, 5), flow(0, 100, 2, 1, makeCookie(3, 2)), flow(1, 10, 3, 3), flow(2, 0, 9, 9)];
  const r = reconcile(installed, desired);
  t.deepEqual(r.mods.map((m) => `${m.command}:${m.tableId}/${String(m.match.inPort)}`), ['delete_strict:1/4', 'modify_strict:0/1', 'add:0/2', 'add:2/9']);
  t.deepEqual(r.stats, { unchanged: 1, added: 1, modified: 2, deleted: 1 });
  t.deepEqual(r.mods[0].instructions, []);
});

test('flows not owned are never deleted', (t) => {
  const foreign = flow(0, 5, 7, 7, 0x77n);
  const r = reconcile([foreign, flow(0, 100, 1, 2)], [], { owned: isLorisCookie });
  t.deepEqual(r.mods.map((m) => m.match.inPort), [1]);
});

test('property: applying the result to the installed table yields exactly the desired table', (t) => {
  const arbFlow = fc.record({ table: fc.nat(3), prio: fc.constantFrom(0, 50, 100), port: fc.nat(6), out: fc.nat(4), cookie: fc.constantFrom(1n, 2n) })
    .map((r) => flow(r.table, r.prio, r.port, r.out, makeCookie(3, r.cookie)));
  fc.assert(
    fc.property(fc.array(arbFlow, { maxLength: 30 }), fc.array(arbFlow, { maxLength: 30 }), (installedList, desired) => {
      const table = new Map<string, FlowEntry>();
      for (const f of installedList) table.set(flowIdentity(f), f);
      const r = reconcile(table.values(), desired);
      apply(table, r.mods);
      const want = new Map<string, FlowEntry>();
      for (const f of desired) want.set(flowIdentity(f), f);
      if (table.size !== want.size) return false;
      for (const [id, f] of want) {
        const got = table.get(id);
        if (!got || got.cookie !== f.cookie || flowBody(got) !== flowBody(f)) return false;
      }
      // Second pass is a no-op.
      return reconcile(table.values(), desired).mods.length === 0;
    }),
    { numRuns: 500 },
  );
  t.pass();
});

test('reconciling a 1000-endpoint pipeline against itself is fast and empty', (t) => {
  const eps: PipelineEndpoint[] = Array.from({ length: 1000 }, (_, i) => ({ id: `e${i}`, pod: 1 + (i % 10), host: i % 2 ? 'h1' : 'h2', mac: `02:00:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}`, ip: `10.0.${i >> 7}.${(i & 0x7f) + 1}`, ...(i % 2 ? { ofport: i } : {}) }));
  const s = { host: 'h1', endpoints: eps, tunnels: new Map([['h2', 5000]]) };
  const flows = desiredFlows(s);
  const t0 = performance.now();
  const r = reconcile(flows, desiredFlows(s));
  t.is(r.mods.length, 0);
  t.is(r.stats.unchanged, flows.length);
  t.true(performance.now() - t0 < 1000);
});
