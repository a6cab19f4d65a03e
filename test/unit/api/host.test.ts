import test from 'ava';
import { LorisError } from '../../../src/errors.js';
import { MIN_OVS_VERSION, checkOvsVersion, chooseDatapath, compareVersions } from '../../../src/api/host.js';
import { nextIfname } from '../../../src/api/loris.js';
import { mgmtSocket, ovsRunDir } from '../../../src/api/switch.js';
import { parseHostName } from '../../../src/api/validate.js';

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (e) {
    return e instanceof LorisError ? e.code : 'not a LorisError';
  }
};

test('versions compare numerically; the minimum is 2.6.0 (OpenFlow 1.3 bundles)', (t) => {
  t.is(MIN_OVS_VERSION, '2.6.0');
  t.is(compareVersions('2.17.9', '3.1.0'), -1);
  t.is(compareVersions('3.1.0', '3.1'), 0);
  t.is(compareVersions('2.10.0', '2.6.0'), 1);
  t.is(code(() => checkOvsVersion('3.1.0')), undefined);
  t.is(code(() => checkOvsVersion('2.6.0')), undefined);
  t.is(code(() => checkOvsVersion('2.5.9')), 'LORIS_OVS_UNSUPPORTED');
  t.is(code(() => checkOvsVersion('')), 'LORIS_OVS_UNSUPPORTED');
});

test('datapath: system only with the kernel module, else netdev, else refused', (t) => {
  t.is(chooseDatapath(['netdev', 'system'], true), 'system');
  t.is(chooseDatapath(['netdev', 'system'], false), 'netdev');
  t.is(code(() => chooseDatapath(['dummy'], true)), 'LORIS_OVS_UNSUPPORTED');
});

test('interfaces: the lowest free ethN', (t) => {
  t.is(nextIfname([]), 'eth1');
  t.is(nextIfname(['eth1', 'eth3']), 'eth2');
  t.is(nextIfname(['eth2', 'eth1']), 'eth3');
});

test('the management socket lives next to the unix database socket', (t) => {
  t.is(ovsRunDir('unix:/tmp/x/db.sock'), '/tmp/x');
  t.is(ovsRunDir('tcp:127.0.0.1:6640'), '/var/run/openvswitch');
  t.is(mgmtSocket('unix:/var/run/openvswitch/db.sock', 'br-int'), '/var/run/openvswitch/br-int.mgmt');
});

test('host names', (t) => {
  t.is(parseHostName('node-1.example'), 'node-1.example');
  for (const bad of ['', '-x', 'a b', 'a/b', 'x'.repeat(65)]) t.is(code(() => parseHostName(bad)), 'LORIS_INVALID_ARGUMENT', bad);
});
