import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { StoreSetupError } from './errors.js';
import { LORIS_SCHEMA_NAME } from './schema-types.js';

/** Name of the loris database inside ovsdb-server (the schema's `name`). */
export const STORE_DB = LORIS_SCHEMA_NAME;

let cachedSchema: Record<string, unknown> | undefined;

/** Path of the shipped schema file (for operators: `ovsdb-tool create-cluster DB <this> tcp:…`). */
export function lorisSchemaPath(): string {
  // src/store/ when run from source, dist/src/store/ when built.
  for (const rel of ['../../schema/loris.ovsschema', '../../../schema/loris.ovsschema']) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  throw new StoreSetupError('schema/loris.ovsschema is missing from the loris installation; reinstall loris');
}

/** The loris OVSDB schema (`schema/loris.ovsschema`, shipped with the package). */
export function lorisSchema(): Record<string, unknown> {
  cachedSchema ??= JSON.parse(readFileSync(lorisSchemaPath(), 'utf8')) as Record<string, unknown>;
  return cachedSchema;
}

/**
 * The bytes of a fresh standalone OVSDB database file holding `schema` and no data (`man 5 ovsdb`):
 * one record, a header line `OVSDB JSON <length> <sha1>` followed by the schema as JSON, where the
 * length and SHA-1 cover the JSON text. This is what `ovsdb-tool create` writes; ovsdb-server appends
 * transaction records to it.
 */
export function standaloneDbFile(schema: Record<string, unknown>): Buffer {
  const json = Buffer.from(JSON.stringify(schema), 'utf8');
  const sha1 = createHash('sha1').update(json).digest('hex');
  return Buffer.concat([Buffer.from(`OVSDB JSON ${json.length} ${sha1}\n`, 'ascii'), json]);
}
