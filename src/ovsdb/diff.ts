import { ReplicaInconsistentError } from './errors.js';
import { atomKey, decodeAtom, decodeValue, type Atom, type Row } from './notation.js';
import type { TableSchema } from './schema.js';

/*
 * update2 "modify" diffs (ovsdb-server(7), "update2 notification"): a scalar column carries its new value;
 * a set column carries the symmetric difference of old and new; a map column carries key/value pairs where
 * a new key is added, a key with the same value is removed and a key with another value is replaced.
 * Exception, as ovsdb-server computes it (and OVS's IDLs apply it): for a column of at most one element
 * (an optional value) that is not empty, the diff is the new value itself (possibly the empty set).
 */

export function applySetDiff(old: readonly Atom[], diff: unknown, max = Infinity): Atom[] {
  const v = decodeValue(diff);
  const elems = Array.isArray(v) ? v : v instanceof Map ? [] : [v];
  if (max === 1 && old.length > 0) return elems;
  const out = new Map(old.map((a) => [atomKey(a), a] as const));
  for (const a of elems) {
    const k = atomKey(a);
    if (out.has(k)) out.delete(k);
    else out.set(k, a);
  }
  return [...out.values()];
}

export function applyMapDiff(old: ReadonlyMap<Atom, Atom>, diff: unknown, max = Infinity): Map<Atom, Atom> {
  const d = decodeValue(diff);
  if (max === 1 && old.size > 0) return d instanceof Map ? new Map(d) : new Map();
  const byKey = new Map([...old].map(([k, v]) => [atomKey(k), [k, v] as const]));
  if (d instanceof Map) {
    for (const [k, v] of d) {
      const key = atomKey(k);
      const cur = byKey.get(key);
      if (cur && atomKey(cur[1]) === atomKey(v)) byKey.delete(key);
      else byKey.set(key, [k, v]);
    }
  }
  return new Map([...byKey.values()]);
}

/** A new frozen row: `old` with an update2 modify diff applied (only columns the row holds are touched). */
export function applyRowDiff(ts: TableSchema, old: Row, modify: Record<string, unknown>): Row {
  const row: Row = { ...old };
  for (const [col, d] of Object.entries(modify)) {
    if (!(col in old)) continue; // a column we do not replicate
    const cs = ts.columns.get(col);
    if (!cs) continue;
    const cur = old[col];
    if (cs.kind === 'scalar') row[col] = decodeAtom(d);
    else if (cs.kind === 'set') {
      if (!Array.isArray(cur)) throw new ReplicaInconsistentError(`${ts.name}.${col} is not a set in the replica`);
      row[col] = applySetDiff(cur, d, cs.type.max);
    } else {
      if (!(cur instanceof Map)) throw new ReplicaInconsistentError(`${ts.name}.${col} is not a map in the replica`);
      row[col] = applyMapDiff(cur, d, cs.type.max);
    }
  }
  return Object.freeze(row);
}
