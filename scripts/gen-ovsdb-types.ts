/*
 * Generates TypeScript row interfaces from an OVSDB schema file.
 *   npx tsx scripts/gen-ovsdb-types.ts /usr/share/openvswitch/vswitch.ovsschema src/ovsdb/schema/vswitch.ts
 *   npx tsx scripts/gen-ovsdb-types.ts schema/loris.ovsschema src/store/schema-types.ts
 * The import of `Uuid` is computed relative to the output file (override with --notation-import SPEC).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSchemaTypes } from '../src/ovsdb/codegen.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The `../ovsdb/notation.js`-style specifier from `outFile` to src/ovsdb/notation.ts. */
export function notationImportFor(outFile: string): string {
  let rel = relative(dirname(resolve(outFile)), resolve(REPO, 'src/ovsdb/notation.js'));
  if (!rel.startsWith('.')) rel = `./${rel}`;
  return rel.split('\\').join('/');
}

export function generateFile(schemaPath: string, outFile: string, notationImport?: string): string {
  const json: unknown = JSON.parse(readFileSync(schemaPath, 'utf8'));
  return generateSchemaTypes(json, { source: basename(schemaPath), notationImport: notationImport ?? notationImportFor(outFile) });
}

function main(argv: string[]): void {
  const args = [...argv];
  let imp: string | undefined;
  const i = args.indexOf('--notation-import');
  if (i >= 0) {
    imp = args[i + 1];
    args.splice(i, 2);
  }
  if (args.length !== 2) {
    console.error('usage: gen-ovsdb-types.ts SCHEMA.ovsschema OUT.ts [--notation-import SPEC]');
    process.exit(2);
  }
  const [schema, out] = args;
  writeFileSync(out, generateFile(schema, out, imp));
  console.log(`wrote ${out}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
