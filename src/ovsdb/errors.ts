import { LorisError } from '../errors.js';
import type { Json } from './notation.js';

/*
 * Errors ovsdb-server returns, RFC 7047 §4.1.3 / §5.2 and ovsdb/*.c. One table: error string → code suffix
 * and advice. An error string not in the table still becomes an OvsdbError with code LORIS_OVSDB_OTHER.
 */
const TABLE = {
  'constraint violation': ['CONSTRAINT_VIOLATION', 'a value broke a column constraint (type, range, min/max, unique index); check the row against the schema'],
  'referential integrity violation': ['REFERENTIAL_INTEGRITY_VIOLATION', 'a strong reference points at a missing row, or a deleted row is still referenced; update the referring column in the same transaction'],
  'resources exhausted': ['RESOURCES_EXHAUSTED', 'the server ran out of memory or hit a row limit; shrink the transaction or raise the limit'],
  'I/O error': ['IO_ERROR', 'the server could not write its database file; check its disk and log'],
  'duplicate uuid-name': ['DUPLICATE_UUID_NAME', 'two inserts in one transaction used the same uuid-name; give each insert its own name'],
  'domain error': ['DOMAIN_ERROR', 'a mutation divided by zero or used an invalid operand; check the mutate operation'],
  'range error': ['RANGE_ERROR', 'a mutation overflowed the column type; check the mutate operation'],
  'timed out': ['TIMED_OUT', 'a wait operation did not see the expected rows in time; the data changed: re-read and retry'],
  'not supported': ['NOT_SUPPORTED', 'the server does not support this request or operation; check the ovsdb-server version'],
  aborted: ['ABORTED', 'the transaction contained an abort operation and was rolled back'],
  'not owner': ['NOT_OWNER', 'an assert named a lock this session does not hold; take the lock first (lock/steal)'],
  'syntax error': ['SYNTAX_ERROR', 'the request is malformed for this schema; check table, column names and value types'],
  'unknown database': ['UNKNOWN_DATABASE', 'the server has no such database; list_dbs shows the names it serves'],
  'unknown method': ['UNKNOWN_METHOD', 'the server does not know this JSON-RPC method; check the ovsdb-server version'],
  'unknown monitor': ['UNKNOWN_MONITOR', 'no monitor with this id exists on the session; it may have been cancelled'],
  'duplicate monitor ID': ['DUPLICATE_MONITOR_ID', 'a monitor with this id already exists on the session; use a fresh id'],
  'canceled': ['CANCELED', 'the request was cancelled by the client'],
  'not leader': ['NOT_LEADER', 'this cluster member is not the leader; connect to the leader or enable leader-only'],
  'permission error': ['PERMISSION_ERROR', 'the session is not allowed to write this row (RBAC); check the role and the server configuration'],
  'unknown error': ['UNKNOWN_ERROR', 'ovsdb-server reported an unclassified error; see details and the server log'],
  'ovsdb error': ['OVSDB_ERROR', 'ovsdb-server reported an error; see details and the server log'],
} as const satisfies Record<string, readonly [string, string]>;

export type OvsdbErrorName = keyof typeof TABLE;

export function isKnownOvsdbError(s: string): s is OvsdbErrorName {
  return Object.prototype.hasOwnProperty.call(TABLE, s);
}

/** `LORIS_OVSDB_<…>` for an error string. */
export function ovsdbErrorCode(error: string): string {
  return `LORIS_OVSDB_${isKnownOvsdbError(error) ? TABLE[error][0] : 'OTHER'}`;
}

/**
 * An error ovsdb-server returned: for a whole request (`opIndex` undefined) or for one operation of a
 * transaction (`opIndex`, `op`). `commit` is true for the extra result that reports a failed commit.
 */
export class OvsdbError extends LorisError {
  readonly error: string;
  readonly details: string | undefined;
  readonly opIndex: number | undefined;
  readonly op: Json | undefined;
  readonly commit: boolean;
  constructor(error: string, details: string | undefined, o: { opIndex?: number; op?: Json; method?: string; commit?: boolean } = {}) {
    const where = o.commit ? 'commit of the transaction' : o.opIndex !== undefined ? `operation ${o.opIndex}${opName(o.op)}` : `${o.method ?? 'request'}`;
    const advice = isKnownOvsdbError(error) ? TABLE[error][1] : 'see details and the ovsdb-server log';
    super(ovsdbErrorCode(error), `OVSDB ${where} failed: ${error}${details ? ` (${details})` : ''}; ${advice}`);
    this.error = error;
    this.details = details;
    this.opIndex = o.opIndex;
    this.op = o.op;
    this.commit = o.commit ?? false;
  }
}

function opName(op: Json | undefined): string {
  if (op && typeof op === 'object' && !Array.isArray(op) && typeof op.op === 'string') {
    return ` (${op.op}${typeof op.table === 'string' ? ` ${op.table}` : ''})`;
  }
  return '';
}

/** The replica saw an update that does not fit its contents (e.g. a modify of an unknown row); it resyncs. */
export class ReplicaInconsistentError extends LorisError {
  constructor(message: string) {
    super('LORIS_OVSDB_REPLICA_INCONSISTENT', `replica inconsistent: ${message}; the replica resynchronises from the server`);
  }
}

/** The connection dropped while a request was in flight: a transaction may or may not have committed. */
export class OvsdbDisconnectedError extends LorisError {
  constructor(method: string) {
    super('LORIS_OVSDB_DISCONNECTED', `connection to ovsdb-server dropped while ${method} was in flight; its outcome is unknown: re-read the data and retry if it did not apply`);
  }
}

/** A transaction built by Replica.txn kept conflicting with concurrent writers. */
export class OvsdbConflictError extends LorisError {
  constructor(attempts: number) {
    super('LORIS_OVSDB_CONFLICT', `transaction still conflicted with concurrent writers after ${attempts} attempts; reduce contention or raise maxAttempts`);
  }
}

/** A JSON-RPC level error: a string, or an object `{error, details}` (e.g. "unknown database"). */
export function rpcError(method: string, error: unknown, reply: Record<string, unknown>): OvsdbError {
  if (error && typeof error === 'object' && typeof (error as Record<string, unknown>).error === 'string') {
    const e = error as Record<string, unknown>;
    return new OvsdbError(String(e.error), typeof e.details === 'string' ? e.details : undefined, { method });
  }
  return new OvsdbError(typeof error === 'string' ? error : JSON.stringify(error), typeof reply.details === 'string' ? reply.details : undefined, { method });
}
