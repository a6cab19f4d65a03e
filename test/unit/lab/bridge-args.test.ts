import test from 'ava';
import { InvalidArgumentError } from '../../../src/errors.js';
import { parseBridgeArgs } from '../../../src/lab/index.js';

test('ovs-vsctl-style bridge extras the callers use parse to typed options', (t) => {
  t.deepEqual(parseBridgeArgs('br-int', []), {});
  t.deepEqual(parseBridgeArgs('br-int', ['--', 'set', 'bridge', 'br-int', 'protocols=OpenFlow13', 'fail_mode=secure']), {
    protocols: ['OpenFlow13'],
    failMode: 'secure',
  });
  t.deepEqual(
    parseBridgeArgs('b', ['--', 'set', 'bridge', 'b', 'protocols=[OpenFlow10,OpenFlow13]', 'datapath_type=netdev', 'other_config:hwaddr="02:00:00:00:00:01"', 'external_ids:k=v']),
    { protocols: ['OpenFlow10', 'OpenFlow13'], datapathType: 'netdev', otherConfig: { hwaddr: '02:00:00:00:00:01' }, externalIds: { k: 'v' } },
  );
});

test('anything else is refused with a typed error that says what to do', (t) => {
  for (const extra of [
    ['--', 'add-port', 'br-int', 'p1'],
    ['--', 'set', 'bridge', 'other', 'fail_mode=secure'],
    ['--', 'set', 'bridge', 'br-int', 'fail_mode=open'],
    ['--', 'set', 'bridge', 'br-int', 'protocols=OpenFlow99'],
    ['--', 'set', 'bridge', 'br-int', 'stp_enable=true'],
    ['--', 'set', 'bridge', 'br-int', 'novalue'],
  ]) {
    const e = t.throws(() => parseBridgeArgs('br-int', extra), { instanceOf: InvalidArgumentError }, extra.join(' '));
    t.regex(e?.message ?? '', /pass typed options instead/);
  }
});
