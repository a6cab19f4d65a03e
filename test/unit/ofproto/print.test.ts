import test from 'ava';
import { formatFlowMod } from '../../../src/ofproto/print.js';
import { loadVectors } from './vectors.js';

const vectors = loadVectors();

test('formatFlowMod prints every golden vector exactly as ovs-ofctl ofp-print does', (t) => {
  const bad: string[] = [];
  for (const v of vectors) {
    const got = formatFlowMod(v.message);
    if (got !== v.ovsPrint) bad.push(`${v.name}\n  ovs:   ${v.ovsPrint}\n  loris: ${got}`);
  }
  t.deepEqual(bad, [], `${bad.length} differ:\n${bad.slice(0, 12).join('\n')}`);
});
