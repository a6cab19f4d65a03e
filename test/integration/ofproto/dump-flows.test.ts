import test from 'ava';
import { Lab, type LabHost } from '../../../src/lab/index.js';
import { formatFlow } from '../../../src/ofproto/print.js';
import type { FlowMod } from '../../../src/ofproto/flow-mod.js';
import { loadVectors } from '../../unit/ofproto/vectors.js';
import { flowModMessage } from '../../unit/ofproto/ovs-print.js';
import { sendAndCollectErrors } from './raw-client.js';

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

/** dump-flows line without the columns that change over time. */
function normalise(line: string): string {
  return line
    .trim()
    .replace(/duration=[^,]+, /, '')
    .replace(/n_packets=\d+, /, '')
    .replace(/n_bytes=\d+, /, '');
}

test.serial(
  'loris-encoded vector flows installed in ovs-vswitchd dump exactly as formatFlow prints them',
  async (t) => {
    // Every ADD vector, made unique by cookie and priority so none replaces another.
    const flows: FlowMod[] = loadVectors()
      .filter((v) => v.message.command === 'add')
      .map((v, i) => ({ ...v.message, cookie: BigInt(i + 1), priority: 1000 + i, flags: v.message.flags & ~2 }));
    const errors = await sendAndCollectErrors(
      lab.mgmtSocket(h1, 'br-int'),
      flows.map((f, i) => flowModMessage(f, i + 1)),
    );
    const accepted = flows.filter((_, i) => !errors.has(i + 1));
    t.log(
      `${accepted.length} of ${flows.length} flows accepted by ovs-vswitchd (${errors.size} refused, e.g. missing groups/meters)`,
    );
    t.true(accepted.length >= flows.length * 0.8);
    const dump = await lab.ofctl(h1, ['-O', 'OpenFlow13', '--no-names', 'dump-flows', lab.mgmtSocket(h1, 'br-int')]);
    const byCookie = new Map<bigint, string>();
    for (const line of dump.split('\n')) {
      const m = /cookie=(0x[0-9a-f]+)/.exec(line);
      if (m) byCookie.set(BigInt(m[1]), normalise(line));
    }
    const bad: string[] = [];
    for (const f of accepted) {
      const ovs = byCookie.get(f.cookie);
      const loris = formatFlow(f);
      if (ovs !== loris) bad.push(`ovs:   ${ovs}\nloris: ${loris}`);
    }
    t.deepEqual(bad.slice(0, 5), [], `${bad.length} of ${accepted.length} differ`);
  },
);
