import test from 'ava';
import { desiredTunnels, pairTunnelType, tunnelPortName } from '../../../src/controller/ovs-bridge.js';
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

test('tunnel ports are keyed by the peer address: a rename keeps the name, two rows with one address give one port', (t) => {
  const hosts = (peer: string[]): { name: string; address: string; tunnelType: undefined }[] => [{ name: 'h1', address: '192.0.2.1', tunnelType: undefined }, ...peer.map((name) => ({ name, address: '192.0.2.3', tunnelType: undefined }))];
  const [byAddress] = desiredTunnels(hosts(['192.0.2.3']), 'h1', 'vxlan');
  const [byName] = desiredTunnels(hosts(['p3']), 'h1', 'vxlan');
  t.is(byName.name, byAddress.name);
  t.is(byName.name, tunnelPortName('192.0.2.3', fnv1a32));
  t.deepEqual(desiredTunnels(hosts(['192.0.2.3', 'p3']), 'h1', 'vxlan'), [{ ...byName, host: 'p3' }]);
});
