import test from 'ava';
import { readFileSync } from 'node:fs';
import { generateFile } from '../../../scripts/gen-ovsdb-types.js';

const SCHEMA = 'schema/loris.ovsschema';
const COMMITTED = 'src/store/schema-types.ts';

test('src/store/schema-types.ts is what the generator makes of schema/loris.ovsschema', (t) => {
  const fresh = generateFile(SCHEMA, COMMITTED).split('\n');
  const committed = readFileSync(COMMITTED, 'utf8').split('\n');
  const i = fresh.findIndex((l, k) => l !== committed[k]);
  t.is(i === -1 && fresh.length === committed.length ? -1 : i, -1, `line ${i + 1} drifted; run: npx tsx scripts/gen-ovsdb-types.ts ${SCHEMA} ${COMMITTED}`);
});
