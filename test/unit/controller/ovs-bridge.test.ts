import test from 'ava';
import { pairTunnelType, tunnelPortName } from '../../../src/controller/ovs-bridge.js';
import { fnv1a32 } from '../../../src/controller/pipeline.js';

test('pair tunnel type: overrides win, agree or one-sided; GRE on disagreement; else the cluster’s', (t) => {
  t.is(pairTunnelType('vxlan', undefined, undefined), 'vxlan');
  t.is(pairTunnelType('vxlan', 'gre', undefined), 'gre');
  t.is(pairTunnelType('vxlan', undefined, 'gre'), 'gre');
  t.is(pairTunnelType('gre', 'vxlan', 'vxlan'), 'vxlan');
  t.is(pairTunnelType('vxlan', 'vxlan', 'gre'), 'gre');
  t.is(pairTunnelType('vxlan', 'gre', 'vxlan'), 'gre', 'symmetric');
});

test('tunnel port names are stable, distinct and fit IFNAMSIZ', (t) => {
  const names = new Set<string>();
  for (let i = 0; i < 1000; i++) {
    const n = tunnelPortName(`host-${i}.example.com`, fnv1a32);
    t.true(n.length <= 15);
    t.regex(n, /^lt[0-9a-f]{8}$/);
    names.add(n);
  }
  t.is(names.size, 1000);
  t.is(tunnelPortName('h1', fnv1a32), tunnelPortName('h1', fnv1a32));
});
