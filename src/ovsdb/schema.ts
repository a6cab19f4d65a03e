import { decodeAtom, decodeValue, Uuid, type Atom, type Value } from './notation.js';

/*
 * RFC 7047 §3.2 database schemas, parsed into a normalised form the replica and the type generator use.
 */

export type AtomicType = 'integer' | 'real' | 'boolean' | 'string' | 'uuid';

export interface BaseType {
  readonly type: AtomicType;
  /** Allowed values (from `enum: ["set", [...]]` or a single atom). */
  readonly enum?: readonly Atom[];
  readonly refTable?: string;
  readonly refType?: 'strong' | 'weak';
  readonly minInteger?: number;
  readonly maxInteger?: number;
  readonly minReal?: number;
  readonly maxReal?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
}

export interface ColumnType {
  readonly key: BaseType;
  readonly value?: BaseType;
  readonly min: number;
  readonly max: number; // Infinity for "unlimited"
}

/** How a column looks as a TS value. */
export type ColumnKind = 'scalar' | 'set' | 'map';

export interface ColumnSchema {
  readonly name: string;
  readonly type: ColumnType;
  readonly kind: ColumnKind;
  readonly ephemeral: boolean;
  readonly mutable: boolean;
}

export interface TableSchema {
  readonly name: string;
  readonly columns: ReadonlyMap<string, ColumnSchema>;
  readonly maxRows?: number;
  readonly isRoot: boolean;
  readonly indexes: readonly (readonly string[])[];
}

export interface DatabaseSchema {
  readonly name: string;
  readonly version: string;
  readonly cksum?: string;
  readonly tables: ReadonlyMap<string, TableSchema>;
  /** The schema JSON as the server sent it. */
  readonly raw: unknown;
}

const ATOMIC = new Set(['integer', 'real', 'boolean', 'string', 'uuid']);

function parseBase(j: unknown, where: string): BaseType {
  if (typeof j === 'string') {
    if (!ATOMIC.has(j)) throw new Error(`${where}: unknown atomic type ${j}`);
    return { type: j as AtomicType };
  }
  if (!j || typeof j !== 'object') throw new Error(`${where}: bad base type`);
  const o = j as Record<string, unknown>;
  const t = o.type;
  if (typeof t !== 'string' || !ATOMIC.has(t)) throw new Error(`${where}: bad base type ${JSON.stringify(t)}`);
  const b: { -readonly [K in keyof BaseType]: BaseType[K] } = { type: t as AtomicType };
  if (o.enum !== undefined) {
    const v = decodeValue(o.enum);
    b.enum = Array.isArray(v) ? v : [v as Atom];
  }
  if (typeof o.refTable === 'string') {
    b.refTable = o.refTable;
    b.refType = o.refType === 'weak' ? 'weak' : 'strong';
  }
  for (const k of ['minInteger', 'maxInteger', 'minReal', 'maxReal', 'minLength', 'maxLength'] as const) {
    if (typeof o[k] === 'number') b[k] = o[k] as number;
  }
  return b;
}

export function parseColumnType(j: unknown, where = 'column'): ColumnType {
  if (typeof j === 'string') return { key: parseBase(j, where), min: 1, max: 1 };
  if (!j || typeof j !== 'object') throw new Error(`${where}: bad column type`);
  const o = j as Record<string, unknown>;
  const key = parseBase(o.key, `${where}.key`);
  const value = o.value === undefined ? undefined : parseBase(o.value, `${where}.value`);
  const min = typeof o.min === 'number' ? o.min : 1;
  const max = o.max === 'unlimited' ? Infinity : typeof o.max === 'number' ? o.max : 1;
  return value ? { key, value, min, max } : { key, min, max };
}

export function columnKind(t: ColumnType): ColumnKind {
  if (t.value) return 'map';
  return t.min === 1 && t.max === 1 ? 'scalar' : 'set';
}

/** Parses a schema as `get_schema` returns it or as an `.ovsschema` file holds it. */
export function parseSchema(j: unknown): DatabaseSchema {
  if (!j || typeof j !== 'object') throw new Error('schema is not a JSON object');
  const o = j as Record<string, unknown>;
  const tables = new Map<string, TableSchema>();
  for (const [tname, tj] of Object.entries((o.tables ?? {}) as Record<string, Record<string, unknown>>)) {
    const columns = new Map<string, ColumnSchema>();
    for (const [cname, cj] of Object.entries((tj.columns ?? {}) as Record<string, Record<string, unknown>>)) {
      const type = parseColumnType(cj.type, `${tname}.${cname}`);
      columns.set(cname, { name: cname, type, kind: columnKind(type), ephemeral: cj.ephemeral === true, mutable: cj.mutable !== false });
    }
    const t: TableSchema = {
      name: tname,
      columns,
      isRoot: tj.isRoot === true,
      indexes: Array.isArray(tj.indexes) ? (tj.indexes as string[][]) : [],
      ...(typeof tj.maxRows === 'number' ? { maxRows: tj.maxRows } : {}),
    };
    tables.set(tname, t);
  }
  return { name: String(o.name), version: String(o.version ?? ''), ...(typeof o.cksum === 'string' ? { cksum: o.cksum } : {}), tables, raw: j };
}

/** Decodes a wire value for a column: set columns always give arrays, maps Maps, scalars atoms. */
export function decodeDatum(c: ColumnSchema | undefined, j: unknown): Value {
  if (!c) return decodeValue(j);
  if (c.kind === 'scalar') return decodeAtom(j);
  const v = decodeValue(j);
  if (c.kind === 'map') return v instanceof Map ? v : new Map();
  return Array.isArray(v) ? v : v instanceof Map ? [] : [v];
}

/** The empty/default value of a column (what a row has when the column was never set). */
export function defaultDatum(c: ColumnSchema): Value {
  if (c.kind === 'map') return new Map();
  if (c.kind === 'set') return [];
  switch (c.type.key.type) {
    case 'integer':
    case 'real':
      return 0;
    case 'boolean':
      return false;
    case 'string':
      return '';
    case 'uuid':
      return new Uuid('00000000-0000-0000-0000-000000000000');
  }
}
