import test from 'ava';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Lab } from '../../../src/lab/index.js';
import { makeTestPki } from '../../../src/lab/pki.js';
import { freePorts, startLoopbackOvsdb } from '../../../src/lab/raft.js';
import { lorisSchemaPath, Store, StoreSetupError } from '../../../src/store/index.js';

test('the store over ssl: (mutual TLS) to a standalone Loris ovsdb-server; a wrong CA is refused', async (t) => {
  const lab = await Lab.create();
  try {
    const pki = join(lab.dir, 'pki');
    mkdirSync(pki, { recursive: true });
    await makeTestPki(pki);
    const [port] = await freePorts(1);
    await startLoopbackOvsdb(lab, {
      schema: lorisSchemaPath(),
      remotes: [`pssl:${port}:127.0.0.1`],
      args: [`--private-key=${join(pki, 'srv.key')}`, `--certificate=${join(pki, 'srv.pem')}`, `--ca-cert=${join(pki, 'ca.pem')}`],
    });
    const read = (f: string): Buffer => readFileSync(join(pki, f));
    const store = await Store.open({ remotes: `ssl:127.0.0.1:${port}`, host: 'h1', tls: { key: read('cli.key'), cert: read('cli.pem'), ca: read('ca.pem') } });
    try {
      await store.registerHost({ name: 'h1', address: '192.0.2.11' });
      await store.ensurePod(5, { subnet: '10.5.0.0/24' });
      const e = await store.allocate({ pod: 5, container: { id: 'tls-1' }, ip: 'dhcp' });
      t.is(e.ip, '10.5.0.1');
      t.is(store.client.currentRemote, `ssl:127.0.0.1:${port}`);
    } finally {
      await store.close();
    }
    await t.throwsAsync(Store.open({ remotes: `ssl:127.0.0.1:${port}`, tls: { ca: read('srv.pem') }, timeoutMs: 500 }), { instanceOf: StoreSetupError, message: /can't open the loris store/ });
  } finally {
    await lab.dispose();
  }
});
