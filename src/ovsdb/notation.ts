import { ProtocolError } from '../errors.js';

/*
 * RFC 7047 §5.1 notation ↔ plain TypeScript values.
 *
 *   wire                          TS
 *   "s" / 1 / 1.5 / true          string / number / boolean
 *   ["uuid", "…"]                 Uuid
 *   ["named-uuid", "name"]        NamedUuid
 *   ["set", [a, b]]               array [a, b]       (a set of one may be sent as the bare atom)
 *   ["map", [[k, v], …]]          Map<k, v>
 *
 * Without a schema a bare atom decodes to the atom; `decodeDatum` with a column type (schema.ts) turns
 * it into a one-element array for set columns. Encoding never needs a schema.
 */

/** A row UUID, `["uuid", "…"]` on the wire. Compare with `.uuid` (a string) or `Uuid.equals`. */
export class Uuid {
  readonly uuid: string;
  constructor(uuid: string) {
    this.uuid = uuid;
  }
  toString(): string {
    return this.uuid;
  }
  toJSON(): ['uuid', string] {
    return ['uuid', this.uuid];
  }
  equals(other: Uuid | string): boolean {
    return this.uuid === (typeof other === 'string' ? other : other.uuid);
  }
}

/** A reference to a row inserted earlier in the same transaction, `["named-uuid", name]` on the wire. */
export class NamedUuid {
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }
  toString(): string {
    return this.name;
  }
  toJSON(): ['named-uuid', string] {
    return ['named-uuid', this.name];
  }
}

export type Atom = string | number | boolean | Uuid | NamedUuid;
export type Value = Atom | Atom[] | Map<Atom, Atom>;
/** A row as plain values, column name → value. */
export type Row = Record<string, Value>;

/** JSON as it appears on the wire. */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export const uuid = (s: string): Uuid => new Uuid(s);
export const namedUuid = (s: string): NamedUuid => new NamedUuid(s);

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
export function isUuidString(s: string): boolean {
  return UUID_RE.test(s);
}

export function encodeAtom(a: Atom): Json {
  if (a instanceof Uuid) return ['uuid', a.uuid];
  if (a instanceof NamedUuid) return ['named-uuid', a.name];
  return a;
}

/** Encodes a value: arrays become `["set", …]` (one element: the bare atom), Maps `["map", …]`. */
export function encodeValue(v: Value): Json {
  if (Array.isArray(v)) return v.length === 1 ? encodeAtom(v[0]) : ['set', v.map(encodeAtom)];
  if (v instanceof Map) return ['map', [...v].map(([k, x]) => [encodeAtom(k), encodeAtom(x)])];
  return encodeAtom(v);
}

export function encodeRow(row: Readonly<Record<string, Value | undefined>>): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(row)) if (v !== undefined) out[k] = encodeValue(v);
  return out;
}

function bad(what: string): never {
  throw new ProtocolError('ovsdb', `malformed ${what} in OVSDB notation`, 0);
}

export function decodeAtom(j: unknown): Atom {
  if (typeof j === 'string' || typeof j === 'number' || typeof j === 'boolean') return j;
  if (Array.isArray(j) && j.length === 2 && typeof j[1] === 'string') {
    if (j[0] === 'uuid') return new Uuid(j[1]);
    if (j[0] === 'named-uuid') return new NamedUuid(j[1]);
  }
  return bad(`atom ${JSON.stringify(j)}`);
}

/** Decodes a wire value without a schema: a bare atom stays an atom. */
export function decodeValue(j: unknown): Value {
  if (Array.isArray(j) && j.length === 2) {
    if (j[0] === 'set') {
      if (!Array.isArray(j[1])) bad('set');
      return (j[1] as unknown[]).map(decodeAtom);
    }
    if (j[0] === 'map') {
      if (!Array.isArray(j[1])) bad('map');
      const m = new Map<Atom, Atom>();
      for (const p of j[1] as unknown[]) {
        if (!Array.isArray(p) || p.length !== 2) bad('map pair');
        m.set(decodeAtom(p[0]), decodeAtom(p[1]));
      }
      return m;
    }
  }
  return decodeAtom(j);
}

/** A stable string key for an atom (used for set/map membership; Uuids compare by value). */
export function atomKey(a: Atom): string {
  if (a instanceof Uuid) return `u:${a.uuid}`;
  if (a instanceof NamedUuid) return `n:${a.name}`;
  return `${typeof a}:${String(a)}`;
}

/** Deep equality of values in this notation (sets ignore order, maps compare by key). */
export function valueEquals(a: Value | undefined, b: Value | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    const aa = Array.isArray(a) ? a : [a as Atom];
    const bb = Array.isArray(b) ? b : [b as Atom];
    if (aa.length !== bb.length) return false;
    const ks = new Set(aa.map(atomKey));
    return bb.every((x) => ks.has(atomKey(x)));
  }
  if (a instanceof Map || b instanceof Map) {
    if (!(a instanceof Map && b instanceof Map) || a.size !== b.size) return false;
    const bm = new Map([...b].map(([k, v]) => [atomKey(k), atomKey(v)]));
    for (const [k, v] of a) if (bm.get(atomKey(k)) !== atomKey(v)) return false;
    return true;
  }
  return atomKey(a) === atomKey(b);
}
