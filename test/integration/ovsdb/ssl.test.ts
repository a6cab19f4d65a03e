import test from 'ava';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Lab } from '../../../src/lab/index.js';
import { sh } from '../../../src/lab/exec.js';
import { freePorts, startLoopbackOvsdb } from '../../../src/lab/raft.js';
import { OvsdbClient } from '../../../src/ovsdb/index.js';

/** A throwaway CA with a server certificate for 127.0.0.1 and a client certificate, made with openssl. */
async function makePki(dir: string): Promise<void> {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await sh(['openssl', 'req', '-x509', ...ec, '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.pem'), '-days', '1', '-subj', '/CN=loris-test-ca']);
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  for (const who of ['srv', 'cli']) {
    await sh(['openssl', 'req', ...ec, '-keyout', join(dir, `${who}.key`), '-out', join(dir, `${who}.csr`), '-subj', `/CN=${who === 'srv' ? '127.0.0.1' : 'loris-client'}`]);
    await sh(['openssl', 'x509', '-req', '-in', join(dir, `${who}.csr`), '-CA', join(dir, 'ca.pem'), '-CAkey', join(dir, 'ca.key'), '-CAcreateserial', '-out', join(dir, `${who}.pem`), '-days', '1', '-extfile', join(dir, 'san.ext')]);
  }
}

test('ssl: remote with mutual TLS against ovsdb-server pssl', async (t) => {
  const lab = await Lab.create();
  try {
    const pki = join(lab.dir, 'pki');
    mkdirSync(pki, { recursive: true });
    await makePki(pki);
    const [port] = await freePorts(1);
    await startLoopbackOvsdb(lab, {
      remotes: [`pssl:${port}:127.0.0.1`],
      args: [`--private-key=${join(pki, 'srv.key')}`, `--certificate=${join(pki, 'srv.pem')}`, `--ca-cert=${join(pki, 'ca.pem')}`],
    });
    const read = (f: string): Buffer => readFileSync(join(pki, f));
    const c = await OvsdbClient.connect(`ssl:127.0.0.1:${port}`, { ssl: { key: read('cli.key'), cert: read('cli.pem'), ca: read('ca.pem') } });
    try {
      t.deepEqual((await c.listDbs()).sort(), ['Open_vSwitch', '_Server']);
      t.is(c.currentRemote, `ssl:127.0.0.1:${port}`);
    } finally {
      c.close();
    }
    // Without our certificate, or with the wrong CA, the connection is refused.
    await t.throwsAsync(OvsdbClient.connect(`ssl:127.0.0.1:${port}`, { ssl: { ca: read('srv.pem') }, initialConnectTimeoutMs: 500 }), { code: 'LORIS_NOT_CONNECTED' });
  } finally {
    await lab.dispose();
  }
});
