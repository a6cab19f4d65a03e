import test from 'ava';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateFile } from '../../../scripts/gen-ovsdb-types.js';
import { generateSchemaTypes, pascalCase } from '../../../src/ovsdb/codegen.js';

const SCHEMA = process.env.LORIS_VSWITCH_SCHEMA ?? '/usr/share/openvswitch/vswitch.ovsschema';
const COMMITTED = 'src/ovsdb/schema/vswitch.ts';

test('regenerating vswitch.ts from the installed schema matches the committed file', (t) => {
  t.true(existsSync(SCHEMA), `${SCHEMA} missing; run scripts/setup`);
  const dir = mkdtempSync(join(tmpdir(), 'loris-gen-'));
  try {
    const tmp = join(dir, 'vswitch.ts');
    writeFileSync(tmp, generateFile(SCHEMA, COMMITTED));
    const fresh = readFileSync(tmp, 'utf8');
    const committed = readFileSync(COMMITTED, 'utf8');
    if (fresh !== committed) {
      const a = fresh.split('\n');
      const b = committed.split('\n');
      const i = a.findIndex((l, k) => l !== b[k]);
      t.fail(`${COMMITTED} drifted from ${SCHEMA} at line ${i + 1}:\n  generated: ${a[i]}\n  committed: ${b[i]}\nrun: npx tsx scripts/gen-ovsdb-types.ts ${SCHEMA} ${COMMITTED}`);
    } else t.pass();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('column kinds map to TS types', (t) => {
  const text = generateSchemaTypes(
    {
      name: 'My_DB',
      version: '1.0.0',
      tables: {
        T: {
          columns: {
            s: { type: 'string' },
            o: { type: { key: 'integer', min: 0, max: 1 } },
            e: { type: { key: { type: 'string', enum: ['set', ['b', 'a']] } } },
            r: { type: { key: { type: 'uuid', refTable: 'T' }, min: 0, max: 'unlimited' } },
            m: { type: { key: 'string', value: 'real', min: 0, max: 'unlimited' } },
          },
          isRoot: true,
        },
      },
    },
    { notationImport: '../x.js', source: 'my.ovsschema' },
  );
  t.regex(text, /readonly s: string;/);
  t.regex(text, /readonly o: number\[\];/);
  t.regex(text, /readonly e: 'a' \| 'b';/);
  t.regex(text, /readonly r: Uuid\[\];/);
  t.regex(text, /readonly m: Map<string, number>;/);
  t.regex(text, /export interface MyDBTables \{\n {2}T: T;/);
  t.is(pascalCase('Open_vSwitch'), 'OpenVSwitch');
  t.is(pascalCase('sFlow'), 'SFlow');
});
