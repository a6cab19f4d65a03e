import test from 'ava';
import { connectText, disconnectText, parseFast } from '../../../src/cli/fast.js';

test('fast path: only plain connect/disconnect command lines qualify', (t) => {
  t.like(parseFast(['connect', 'web1', '10.1.0.5/24'], {}), { method: 'connect', params: ['web1', '10.1.0.5/24', undefined, { dockerHost: '' }], runDir: '/var/run/loris', json: false });
  t.like(parseFast(['--db', 'unix:/x', '--run-dir', '/r', '--json', '-v', 'connect', 'c', 'dhcp', '7'], { DOCKER_HOST: 'unix:///d.sock' }), { params: ['c', 'dhcp', '7', { dockerHost: 'unix:///d.sock' }], runDir: '/r', json: true, verbose: 1 });
  t.like(parseFast(['disconnect', 'c'], { LORIS_RUN_DIR: '/env' }), { method: 'disconnect', params: ['c', undefined, { dockerHost: '' }], runDir: '/env' });
  for (const argv of [['connect', 'c'], ['connect', 'a', 'b', 'c', 'd'], ['connect', '--help'], ['status'], ['--db'], ['--db=x', 'connect', 'a', 'b'], ['--nope', 'connect', 'a', 'b'], ['connect', 'a', '-1']]) {
    t.is(parseFast(argv, {}), undefined, argv.join(' '));
  }
});

test('fast path prints what the full command prints', (t) => {
  const r = { changed: true, container: 'web1', pod: 1, interface: 'eth1', ip: '10.1.0.5', prefix: 24, mac: '06:00:0a:01:00:05', assignment: 'static' as const, host: 'h1', hostInterface: 'lo0', ofport: 3 };
  t.is(connectText(r), 'connected: web1 eth1 10.1.0.5/24 06:00:0a:01:00:05 pod 1 (static)');
  t.is(connectText({ ...r, changed: false }), 'already connected, nothing changed: web1 eth1 10.1.0.5/24 06:00:0a:01:00:05 pod 1 (static)');
  t.is(disconnectText({ changed: true, container: 'web1', pod: 2, interface: 'eth2' }), 'disconnected web1 eth2 pod 2');
  t.is(disconnectText({ changed: false, container: 'web1', pod: 2 }), 'web1 was not connected to pod 2, nothing changed');
});
