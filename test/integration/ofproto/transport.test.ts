import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, sh } from '../../../src/lab/exec.js';
import { OfConnection, OfVersionError } from '../../../src/ofproto/connection.js';
import { OfListener } from '../../../src/ofproto/listener.js';
import { encodeMessage } from '../../../src/ofproto/message.js';
import { listenSocket, parseRemote, type TlsOptions } from '../../../src/ofproto/transport.js';
import { InvalidArgumentError } from '../../../src/errors.js';
import { FakeSwitch } from './fake-switch.js';

let dir: string;
let tls: TlsOptions;

test.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loris-of-tls-'));
  const f = (n: string): string => join(dir, n);
  await sh(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '1', '-subj', '/CN=loris-test-ca']);
  await sh(['openssl', 'req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('key.pem'), '-out', f('req.csr'), '-subj', '/CN=loris-test']);
  await sh(['openssl', 'x509', '-req', '-in', f('req.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('cert.pem'), '-days', '1']);
  tls = { key: { file: f('key.pem') }, cert: { file: f('cert.pem') }, ca: { file: f('ca.pem') } };
});
test.after.always(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('parseRemote reads OVS remote strings and rejects bad ones with a typed error', (t) => {
  t.deepEqual(parseRemote('tcp:10.0.0.1'), { kind: 'tcp', host: '10.0.0.1', port: 6653 });
  t.deepEqual(parseRemote('tcp:[::1]:6633'), { kind: 'tcp', host: '::1', port: 6633 });
  t.deepEqual(parseRemote('ssl:ctl.example:7000'), { kind: 'ssl', host: 'ctl.example', port: 7000 });
  t.deepEqual(parseRemote('unix:/run/br-int.mgmt'), { kind: 'unix', path: '/run/br-int.mgmt' });
  t.deepEqual(parseRemote('ptcp:'), { kind: 'ptcp', host: '0.0.0.0', port: 6653 });
  t.deepEqual(parseRemote('ptcp:0:127.0.0.1'), { kind: 'ptcp', host: '127.0.0.1', port: 0 });
  t.deepEqual(parseRemote('pssl:6654'), { kind: 'pssl', host: '0.0.0.0', port: 6654 });
  t.deepEqual(parseRemote('punix:/tmp/x.sock'), { kind: 'punix', path: '/tmp/x.sock' });
  for (const bad of ['', 'tcp', 'udp:1.2.3.4', 'tcp:1.2.3.4:99999', 'unix:', 'ptcp:x']) t.throws(() => parseRemote(bad), { instanceOf: InvalidArgumentError }, bad);
});

for (const kind of ['tcp', 'ssl'] as const) {
  test.serial(`${kind}: OfConnection connects to a switch listening on p${kind}:`, async (t) => {
    const sw = await FakeSwitch.listen(`p${kind}:0:127.0.0.1`, tls);
    try {
      const c = await OfConnection.connect(`${kind}:127.0.0.1:${sw.port}`, { tls });
      t.is(c.features?.datapathId, 0x1234n);
      await c.barrier();
      const [d] = await c.multipartAll({ kind: 'desc' });
      t.is(d.kind === 'desc' ? d.mfrDesc : '', 'loris');
      await c.close();
    } finally {
      await sw.close();
    }
  });

  test.serial(`${kind}: OfListener on p${kind}: accepts a switch that connects to it`, async (t) => {
    const l = await OfListener.listen(`p${kind}:0:127.0.0.1`, { tls });
    try {
      const sw = await FakeSwitch.connect(`${kind}:127.0.0.1:${l.port}`, tls);
      const c = await l.accept(5000);
      t.is(c.features?.datapathId, 0x1234n);
      t.is((await c.role(2)).role, 2);
      await c.close();
      await sw.close();
    } finally {
      await l.close();
    }
  });

  test.serial(`${kind}: ovs-ofctl talks to a loris fake switch over ${kind} (OVS's own ${kind === 'ssl' ? 'TLS' : 'TCP'} client)`, async (t) => {
    const sw = await FakeSwitch.listen(`p${kind}:0:127.0.0.1`, tls);
    try {
      const sslArgs = kind === 'ssl' ? ['--private-key', join(dir, 'key.pem'), '--certificate', join(dir, 'cert.pem'), '--ca-cert', join(dir, 'ca.pem')] : [];
      const r = await run(['ovs-ofctl', '-O', 'OpenFlow13', ...sslArgs, 'dump-flows', `${kind}:127.0.0.1:${sw.port}`], { timeoutMs: 10_000 });
      t.is(r.code, 0, r.stderr);
      t.true(sw.messages().some((m) => m.type === 'multipart_request' && m.body.kind === 'flow'));
    } finally {
      await sw.close();
    }
  });
}

test.serial('a peer without OpenFlow 1.3 fails the handshake with OfVersionError', async (t) => {
  const path = join(dir, 'v1.sock');
  const l = await listenSocket(`punix:${path}`, (s) => {
    s.on('error', () => undefined);
    s.resume();
    s.write(encodeMessage({ type: 'hello', version: 1 }, 1));
  });
  try {
    await t.throwsAsync(OfConnection.connect(`unix:${path}`, { handshakeTimeoutMs: 3000 }), { instanceOf: OfVersionError });
  } finally {
    await l.close();
  }
});
