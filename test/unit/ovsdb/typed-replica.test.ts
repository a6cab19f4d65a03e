import test from 'ava';
import type { Replica, ReplicaView } from '../../../src/ovsdb/replica.js';
import type { Bridge, Interface, OpenVSwitchTables } from '../../../src/ovsdb/schema/vswitch.js';

// Compile-time check: generated table interfaces type the replica's reads, events and transaction views.
function typed(r: Replica<OpenVSwitchTables>): void {
  r.onInsert('Bridge', (b: Bridge) => void b.fail_mode);
  r.onUpdate('Interface', (old: Interface, row: Interface) => void (old.ofport, row.name));
  const b: Bridge | undefined = r.find('Bridge', (x) => x.name === 'br-int');
  void b?.protocols.includes('OpenFlow13');
  void r.txn((v: ReplicaView<OpenVSwitchTables>) => {
    const i = v.get('Interface', 'u');
    return i ? [] : [];
  });
}

test('generated vswitch types fit Replica<OpenVSwitchTables>', (t) => {
  t.is(typeof typed, 'function');
});
