import test from 'ava';
import { formatFlowMod } from '../../../src/ofproto/print.js';
import { loadVectors } from './vectors.js';
import { flowModMessage, ovsPrintFlowMods } from './ovs-print.js';
import fc from 'fast-check';
import { ovsFlowArb } from './ovs-flows.js';

test('ovs-ofctl reads every loris-encoded vector flow as the flow ovs-ofctl itself sent', async (t) => {
  const vectors = loadVectors();
  for (const v of vectors) t.is(flowModMessage(v.message, 1).length, v.bin.length, v.name);
  const printed = await ovsPrintFlowMods(vectors.map((v) => v.message));
  const bad = vectors.flatMap((v, i) =>
    printed[i] === v.ovsPrint && printed[i] === formatFlowMod(v.message)
      ? []
      : [`${v.name}: ovs printed ${printed[i]}, expected ${v.ovsPrint}`],
  );
  t.deepEqual(bad, []);
});

test('random OVS-valid flows built with loris: ovs-ofctl prints exactly what formatFlowMod prints', async (t) => {
  const flows = fc.sample(ovsFlowArb, { numRuns: 400, seed: 20261203 });
  const printed = await ovsPrintFlowMods(flows);
  const bad = flows.flatMap((f, i) =>
    printed[i] === formatFlowMod(f) ? [] : [`ovs:   ${printed[i]}\nloris: ${formatFlowMod(f)}`],
  );
  t.deepEqual(bad.slice(0, 5), [], `${bad.length} of ${flows.length} differ`);
});
