import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sh } from './exec.js';

/**
 * Lab: a throwaway CA (`ca.pem`/`ca.key`) with a server certificate for 127.0.0.1 (`srv.pem`/`srv.key`) and a
 * client certificate (`cli.pem`/`cli.key`), made with openssl in `dir`, for `ssl:`/`pssl:` tests.
 */
export async function makeTestPki(dir: string): Promise<void> {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await sh(['openssl', 'req', '-x509', ...ec, '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.pem'), '-days', '1', '-subj', '/CN=loris-test-ca']);
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  for (const who of ['srv', 'cli']) {
    await sh(['openssl', 'req', ...ec, '-keyout', join(dir, `${who}.key`), '-out', join(dir, `${who}.csr`), '-subj', `/CN=${who === 'srv' ? '127.0.0.1' : 'loris-client'}`]);
    await sh(['openssl', 'x509', '-req', '-in', join(dir, `${who}.csr`), '-CA', join(dir, 'ca.pem'), '-CAkey', join(dir, 'ca.key'), '-CAcreateserial', '-out', join(dir, `${who}.pem`), '-days', '1', '-extfile', join(dir, 'san.ext')]);
  }
}
