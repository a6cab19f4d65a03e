import test from 'ava';
import { InvalidArgumentError } from '../../../src/errors.js';
import { formatRemote, parseRemote, parseRemotes, OvsdbError, ovsdbErrorCode } from '../../../src/ovsdb/index.js';

test('remote strings as OVS writes them', (t) => {
  t.deepEqual(parseRemote('tcp:127.0.0.1:6641'), { kind: 'tcp', host: '127.0.0.1', port: 6641 });
  t.deepEqual(parseRemote('ssl:ovs.example:6640'), { kind: 'ssl', host: 'ovs.example', port: 6640 });
  t.deepEqual(parseRemote('tcp:10.0.0.1'), { kind: 'tcp', host: '10.0.0.1', port: 6640 });
  t.deepEqual(parseRemote('tcp:[::1]:6643'), { kind: 'tcp', host: '::1', port: 6643 });
  t.deepEqual(parseRemote('unix:/var/run/openvswitch/db.sock'), { kind: 'unix', path: '/var/run/openvswitch/db.sock' });
  t.is(formatRemote(parseRemote('tcp:[::1]:6643')), 'tcp:[::1]:6643');
  t.deepEqual(parseRemotes('tcp:127.0.0.1:1, tcp:127.0.0.1:2,unix:/x').map(formatRemote), ['tcp:127.0.0.1:1', 'tcp:127.0.0.1:2', 'unix:/x']);
  for (const bad of ['ptcp:6640', 'tcp:', 'tcp:h:99999', 'tcp:::1:5', 'unix:', 'nonsense', 'tcp:[::1']) t.throws(() => parseRemote(bad), { instanceOf: InvalidArgumentError }, bad);
  t.throws(() => parseRemotes(''), { instanceOf: InvalidArgumentError });
});

test('one error code per ovsdb-server error, with advice', (t) => {
  const names = ['constraint violation', 'referential integrity violation', 'resources exhausted', 'I/O error', 'duplicate uuid-name', 'domain error', 'range error', 'timed out', 'not supported', 'aborted', 'not owner', 'syntax error', 'unknown database'];
  const codes = new Set(names.map(ovsdbErrorCode));
  t.is(codes.size, names.length);
  t.is(ovsdbErrorCode('I/O error'), 'LORIS_OVSDB_IO_ERROR');
  t.is(ovsdbErrorCode('something new'), 'LORIS_OVSDB_OTHER');
  const e = new OvsdbError('constraint violation', 'bad', { opIndex: 2, op: { op: 'insert', table: 'Port' } });
  t.regex(e.message, /operation 2 \(insert Port\) failed: constraint violation \(bad\); .*schema/);
  t.is(e.code, 'LORIS_OVSDB_CONSTRAINT_VIOLATION');
});
