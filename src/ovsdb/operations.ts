import { LorisError } from '../errors.js';
import { OvsdbError } from './errors.js';
import { decodeValue, encodeRow, encodeValue, NamedUuid, Uuid, type Json, type Row, type Value } from './notation.js';

/*
 * RFC 7047 §5.2 transaction operations as data. Builders return plain objects; `encodeOperation` turns one
 * into the wire JSON; `transact()` sends a list. Result types follow the operation (`ResultOf`).
 */

export type ConditionFunction = '<' | '<=' | '==' | '!=' | '>=' | '>' | 'includes' | 'excludes';
export type Condition = readonly [column: string, fn: ConditionFunction, value: Value];
export type Mutator = '+=' | '-=' | '*=' | '/=' | '%=' | 'insert' | 'delete';
export type Mutation = readonly [column: string, mutator: Mutator, value: Value];

export interface InsertOp { readonly op: 'insert'; readonly table: string; readonly row: Readonly<Record<string, Value | undefined>>; readonly uuidName?: string; readonly uuid?: string }
export interface SelectOp { readonly op: 'select'; readonly table: string; readonly where: readonly Condition[]; readonly columns?: readonly string[] }
export interface UpdateOp { readonly op: 'update'; readonly table: string; readonly where: readonly Condition[]; readonly row: Readonly<Record<string, Value | undefined>> }
export interface MutateOp { readonly op: 'mutate'; readonly table: string; readonly where: readonly Condition[]; readonly mutations: readonly Mutation[] }
export interface DeleteOp { readonly op: 'delete'; readonly table: string; readonly where: readonly Condition[] }
export interface WaitOp {
  readonly op: 'wait';
  readonly table: string;
  readonly where: readonly Condition[];
  readonly columns: readonly string[];
  readonly until: '==' | '!=';
  readonly rows: readonly Readonly<Record<string, Value | undefined>>[];
  readonly timeout?: number;
}
export interface CommitOp { readonly op: 'commit'; readonly durable: boolean }
export interface AbortOp { readonly op: 'abort' }
export interface CommentOp { readonly op: 'comment'; readonly comment: string }
export interface AssertOp { readonly op: 'assert'; readonly lock: string }

export type Operation = InsertOp | SelectOp | UpdateOp | MutateOp | DeleteOp | WaitOp | CommitOp | AbortOp | CommentOp | AssertOp;

export interface InsertResult { readonly uuid: Uuid }
export interface SelectResult { readonly rows: Row[] }
export interface CountResult { readonly count: number }
export type EmptyResult = Record<string, never>;

export type ResultOf<O> = O extends InsertOp ? InsertResult : O extends SelectOp ? SelectResult : O extends UpdateOp | MutateOp | DeleteOp ? CountResult : EmptyResult;
export type ResultsOf<Ops extends readonly Operation[]> = { -readonly [K in keyof Ops]: ResultOf<Ops[K]> };

// ---- builders (ovs-vsctl / RFC wording) ----

/** `insert` a row; `uuidName` lets later operations refer to it as `namedUuid(uuidName)`. */
export function insert(table: string, row: Readonly<Record<string, Value | undefined>>, uuidName?: string): InsertOp {
  return uuidName === undefined ? { op: 'insert', table, row } : { op: 'insert', table, row, uuidName };
}
export function select(table: string, where: readonly Condition[] = [], columns?: readonly string[]): SelectOp {
  return columns === undefined ? { op: 'select', table, where } : { op: 'select', table, where, columns };
}
export function update(table: string, where: readonly Condition[], row: Readonly<Record<string, Value | undefined>>): UpdateOp {
  return { op: 'update', table, where, row };
}
export function mutate(table: string, where: readonly Condition[], mutations: readonly Mutation[]): MutateOp {
  return { op: 'mutate', table, where, mutations };
}
export function del(table: string, where: readonly Condition[]): DeleteOp {
  return { op: 'delete', table, where };
}
export function wait(table: string, where: readonly Condition[], columns: readonly string[], rows: WaitOp['rows'], o: { until?: '==' | '!='; timeout?: number } = {}): WaitOp {
  const w: WaitOp = { op: 'wait', table, where, columns, rows, until: o.until ?? '==' };
  return o.timeout === undefined ? w : { ...w, timeout: o.timeout };
}
export function commit(durable = true): CommitOp {
  return { op: 'commit', durable };
}
export function abort(): AbortOp {
  return { op: 'abort' };
}
export function comment(text: string): CommentOp {
  return { op: 'comment', comment: text };
}
export function assertLock(lock: string): AssertOp {
  return { op: 'assert', lock };
}
/** RFC name for `assertLock`. */
export { assertLock as assert };

// ---- conditions and mutations ----
export const eq = (column: string, value: Value): Condition => [column, '==', value];
export const ne = (column: string, value: Value): Condition => [column, '!=', value];
export const includes = (column: string, value: Value): Condition => [column, 'includes', value];
export const excludes = (column: string, value: Value): Condition => [column, 'excludes', value];
export const byUuid = (u: Uuid | NamedUuid | string): Condition => ['_uuid', '==', typeof u === 'string' ? new Uuid(u) : u];
export const mutation = (column: string, mutator: Mutator, value: Value): Mutation => [column, mutator, value];
export const setInsert = (column: string, value: Value): Mutation => [column, 'insert', value];
export const setDelete = (column: string, value: Value): Mutation => [column, 'delete', value];

const encodeWhere = (w: readonly Condition[]): Json => w.map(([c, f, v]) => [c, f, encodeValue(v)]);

/** The wire JSON of one operation. */
export function encodeOperation(o: Operation): Json {
  switch (o.op) {
    case 'insert': {
      const j: { [k: string]: Json } = { op: 'insert', table: o.table, row: encodeRow(o.row) };
      if (o.uuidName !== undefined) j['uuid-name'] = o.uuidName;
      if (o.uuid !== undefined) j.uuid = o.uuid;
      return j;
    }
    case 'select': {
      const j: { [k: string]: Json } = { op: 'select', table: o.table, where: encodeWhere(o.where) };
      if (o.columns) j.columns = [...o.columns];
      return j;
    }
    case 'update':
      return { op: 'update', table: o.table, where: encodeWhere(o.where), row: encodeRow(o.row) };
    case 'mutate':
      return { op: 'mutate', table: o.table, where: encodeWhere(o.where), mutations: o.mutations.map(([c, m, v]) => [c, m, encodeValue(v)]) };
    case 'delete':
      return { op: 'delete', table: o.table, where: encodeWhere(o.where) };
    case 'wait': {
      const j: { [k: string]: Json } = { op: 'wait', table: o.table, where: encodeWhere(o.where), columns: [...o.columns], until: o.until, rows: o.rows.map(encodeRow) };
      if (o.timeout !== undefined) j.timeout = o.timeout;
      return j;
    }
    case 'commit':
      return { op: 'commit', durable: o.durable };
    case 'abort':
      return { op: 'abort' };
    case 'comment':
      return { op: 'comment', comment: o.comment };
    case 'assert':
      return { op: 'assert', lock: o.lock };
  }
}

/** Decodes one successful operation result (the caller has checked for `error`). */
export function decodeResult(o: Operation, r: Record<string, unknown>): InsertResult | SelectResult | CountResult | EmptyResult {
  switch (o.op) {
    case 'insert': {
      const u = decodeValue(r.uuid);
      return { uuid: u instanceof Uuid ? u : new Uuid(String(u)) };
    }
    case 'select':
      return { rows: (Array.isArray(r.rows) ? r.rows : []).map(decodeWireRow) };
    case 'update':
    case 'mutate':
    case 'delete':
      return { count: typeof r.count === 'number' ? r.count : 0 };
    default:
      return {};
  }
}

export function decodeWireRow(j: unknown): Row {
  const out: Row = {};
  if (j && typeof j === 'object') for (const [k, v] of Object.entries(j)) out[k] = decodeValue(v);
  return out;
}

/** Maps a transact reply to results, throwing OvsdbError for the first failure (op or commit). */
export function checkTransactResults(ops: readonly Operation[], wire: readonly Json[], raw: unknown): unknown[] {
  if (!Array.isArray(raw)) throw new LorisError('LORIS_PROTOCOL', 'ovsdb: transact reply is not an array; the server is not speaking RFC 7047');
  for (let i = 0; i < raw.length; i++) {
    const r = raw[i] as Record<string, unknown> | null;
    if (r && typeof r === 'object' && typeof r.error === 'string') {
      const commit = i >= ops.length;
      throw new OvsdbError(r.error, typeof r.details === 'string' ? r.details : undefined, commit ? { commit: true } : { opIndex: i, op: wire[i] });
    }
  }
  return ops.map((op, i) => decodeResult(op, (raw[i] ?? {}) as Record<string, unknown>));
}
