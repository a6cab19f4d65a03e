import test from 'ava';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../../src/lab/exec.js';
import { lorisSchema, lorisSchemaPath, standaloneDbFile, STORE_DB } from '../../../src/store/dbfile.js';

test('standaloneDbFile: header line with length and SHA-1 of the schema JSON', (t) => {
  const f = standaloneDbFile({ name: 'X', version: '1.0.0', tables: {} });
  const text = f.toString('utf8');
  const nl = text.indexOf('\n');
  const body = text.slice(nl + 1);
  const [magic, kind, len, sha] = text.slice(0, nl).split(' ');
  t.is(`${magic} ${kind}`, 'OVSDB JSON');
  t.is(Number(len), Buffer.byteLength(body));
  t.is(sha, createHash('sha1').update(body).digest('hex'));
  t.deepEqual(JSON.parse(body), { name: 'X', version: '1.0.0', tables: {} });
});

test('the file loris writes is one ovsdb-tool accepts as a standalone Loris database (observer)', async (t) => {
  t.is(lorisSchema().name, STORE_DB);
  const dir = mkdtempSync(join(tmpdir(), 'loris-dbfile-'));
  try {
    const db = join(dir, 'loris.db');
    writeFileSync(db, standaloneDbFile(lorisSchema()));
    t.is((await run(['ovsdb-tool', 'db-is-standalone', db])).code, 0);
    t.is((await run(['ovsdb-tool', 'db-name', db])).stdout.trim(), 'Loris');
    const ref = await run(['ovsdb-tool', 'schema-cksum', lorisSchemaPath()]);
    t.is((await run(['ovsdb-tool', 'db-cksum', db])).stdout.trim(), ref.stdout.trim());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
