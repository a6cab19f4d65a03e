import { LorisError, TimeoutError } from '../errors.js';
import type { OvsdbClient } from './client.js';
import type { MonitorRequests } from './monitor-requests.js';
import { OvsdbConflictError, OvsdbError, ReplicaInconsistentError } from './errors.js';
import { Uuid, valueEquals, type Row, type Value } from './notation.js';
import { byUuid, wait, type Operation, type ResultOf, type WaitOp } from './operations.js';
import { decodeDatum, defaultDatum, type DatabaseSchema, type TableSchema } from './schema.js';
import { applyRowDiff } from './diff.js';

/*
 * An in-memory replica of selected tables/columns of one database, kept current by a monitor
 * (monitor_cond_since when the server has it, else monitor_cond, else monitor) — the IDL of OVS.
 * After a reconnect it resubscribes with the last transaction id, so a clustered server sends only what
 * changed; otherwise it diffs the fresh contents against what it holds and fires the events for the
 * difference. An update that does not fit (modify/delete of an unknown row, insert of a known one) is a
 * ReplicaInconsistentError: the replica drops its monitor and resynchronises from scratch.
 */

/** Table name → row type (an interface like the generated `OpenVSwitchTables`); the default is untyped rows. */
export type TableTypes = object;
export type AnyRow = Row & { _uuid: Uuid };

export type MonitorMethod = 'monitor_cond_since' | 'monitor_cond' | 'monitor';

export interface ReplicaOptions<T extends TableTypes> {
  database: string;
  /** Tables to replicate: a column list, or `true` for every column. */
  tables: { [K in keyof T]?: readonly string[] | true };
  /** Force a monitor method (default: the best the server has). */
  method?: MonitorMethod;
}

type InsertCb<R> = (row: R) => void;
type UpdateCb<R> = (old: R, row: R) => void;
type DeleteCb<R> = (row: R) => void;

/** What a transaction builder sees: reads through it become optimistic `wait` operations. */
export interface ReplicaView<T extends TableTypes> {
  get<K extends keyof T & string>(table: K, uuid: Uuid | string): T[K] | undefined;
  rows<K extends keyof T & string>(table: K): T[K][];
  find<K extends keyof T & string>(table: K, pred: (row: T[K]) => boolean): T[K] | undefined;
}

export interface TxnOptions {
  /** Attempts before OvsdbConflictError (default 50). */
  maxAttempts?: number;
  timeoutMs?: number;
}

let monitorSeq = 0;

export class Replica<T extends TableTypes = Record<string, AnyRow>> {
  private readonly data = new Map<string, Map<string, AnyRow>>();
  private readonly inserts = new Map<string, Set<InsertCb<never>>>();
  private readonly updates = new Map<string, Set<UpdateCb<never>>>();
  private readonly deletes = new Map<string, Set<DeleteCb<never>>>();
  private readonly changeWaiters = new Set<() => void>();
  private monitorId = '';
  private method: MonitorMethod | undefined;
  private columns = new Map<string, string[]>();
  private stopped = false;
  private resyncing: Promise<void> | undefined;
  /** Last transaction id seen (update3 / monitor_cond_since); undefined until known. */
  lastTxnId: string | undefined;
  /** Count of applied update batches: lets callers wait for "something changed". */
  seq = 0;
  /** Number of full resynchronisations done (after inconsistency or a reconnect without history). */
  resyncs = 0;
  /** Resubscriptions answered from the server's history (monitor_cond_since found the last txn id). */
  fastResyncs = 0;
  schema!: DatabaseSchema;
  private readonly onConnect = (info: { reconnect: boolean }): void => {
    if (info.reconnect && !this.stopped) this.resubscribe(false);
  };

  private constructor(
    readonly client: OvsdbClient,
    readonly opts: ReplicaOptions<T>,
  ) {}

  /** Creates the replica and resolves once it holds the initial contents. */
  static async start<T extends TableTypes = Record<string, AnyRow>>(client: OvsdbClient, opts: ReplicaOptions<NoInfer<T>>): Promise<Replica<T>> {
    const r = new Replica<T>(client, opts);
    r.schema = await client.getSchema(opts.database);
    for (const [table, cols] of Object.entries(opts.tables) as [string, readonly string[] | true | undefined][]) {
      const ts = r.schema.tables.get(table);
      if (!ts) throw new LorisError('LORIS_OVSDB_NO_TABLE', `database ${opts.database} has no table ${table}; check the table names passed to Replica.start`);
      const list = cols === true || cols === undefined ? [...ts.columns.keys()] : [...cols];
      for (const c of list) if (!ts.columns.has(c)) throw new LorisError('LORIS_OVSDB_NO_COLUMN', `table ${table} has no column ${c}; check the column names passed to Replica.start`);
      r.columns.set(table, list);
      r.data.set(table, new Map());
    }
    client.on('connect', r.onConnect);
    await r.subscribe(false);
    return r;
  }

  /** Stops following the database (the client stays open). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.client.off('connect', this.onConnect);
    if (this.client.connected && this.monitorId) await this.client.monitorCancel(this.monitorId).catch(() => undefined);
  }

  // ---- reads ----

  get<K extends keyof T & string>(table: K, uuid: Uuid | string): T[K] | undefined {
    return this.tableData(table).get(typeof uuid === 'string' ? uuid : uuid.uuid) as T[K] | undefined;
  }

  rows<K extends keyof T & string>(table: K): T[K][] {
    return [...this.tableData(table).values()] as T[K][];
  }

  find<K extends keyof T & string>(table: K, pred: (row: T[K]) => boolean): T[K] | undefined {
    for (const r of this.tableData(table).values()) if (pred(r as T[K])) return r as T[K];
    return undefined;
  }

  size(table: keyof T & string): number {
    return this.tableData(table).size;
  }

  private tableData(table: string): Map<string, AnyRow> {
    const m = this.data.get(table);
    if (!m) throw new LorisError('LORIS_OVSDB_NO_TABLE', `the replica does not follow table ${table}; add it to Replica.start({tables})`);
    return m;
  }

  // ---- events ----

  onInsert<K extends keyof T & string>(table: K, cb: InsertCb<T[K]>): () => void {
    return addCb(this.inserts, table, cb);
  }
  onUpdate<K extends keyof T & string>(table: K, cb: UpdateCb<T[K]>): () => void {
    return addCb(this.updates, table, cb);
  }
  onDelete<K extends keyof T & string>(table: K, cb: DeleteCb<T[K]>): () => void {
    return addCb(this.deletes, table, cb);
  }

  /** Resolves once `pred(this)` holds (checked now and after every applied update). */
  waitFor(pred: (r: this) => boolean, timeoutMs = 10_000, what = 'replica condition'): Promise<void> {
    if (pred(this)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        let ok: boolean;
        try {
          ok = pred(this);
        } catch (e) {
          done();
          reject(e as Error);
          return;
        }
        if (ok) {
          done();
          resolve();
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new TimeoutError(what, timeoutMs));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.changeWaiters.delete(check);
      };
      this.changeWaiters.add(check);
    });
  }

  // ---- transactions ----

  /**
   * Builds operations from the replica's current view and runs them with optimistic `wait`s on every row
   * (or table) the builder read. If another writer changed one of those in between, the wait fails; the
   * replica waits to catch up and the builder runs again. Results are those of the builder's operations.
   */
  async txn(build: (view: ReplicaView<T>) => readonly Operation[], o: TxnOptions = {}): Promise<ResultOf<Operation>[]> {
    const max = o.maxAttempts ?? 50;
    for (let attempt = 1; ; attempt++) {
      const seqAtBuild = this.seq;
      const waits: WaitOp[] = [];
      const ops = build(this.trackingView(waits));
      try {
        const res = await this.client.transact(this.opts.database, [...waits, ...ops], { timeoutMs: o.timeoutMs });
        return res.slice(waits.length);
      } catch (e) {
        const conflict = e instanceof OvsdbError && e.error === 'timed out' && e.opIndex !== undefined && e.opIndex < waits.length;
        if (!conflict) throw e;
        if (attempt >= max) throw new OvsdbConflictError(attempt);
        // Our view was stale: wait for the update that made it so (bounded), then rebuild.
        await this.waitFor(() => this.seq > seqAtBuild, 2000).catch(() => undefined);
      }
    }
  }

  private trackingView(waits: WaitOp[]): ReplicaView<T> {
    const seenRows = new Set<string>();
    const seenTables = new Set<string>();
    const cols = (table: string): string[] => (this.columns.get(table) ?? []).filter((c) => c !== '_version' && c !== '_uuid');
    const rowWait = (table: string, uuid: string): void => {
      const key = `${table}/${uuid}`;
      if (seenRows.has(key) || seenTables.has(table)) return;
      seenRows.add(key);
      const row = this.tableData(table).get(uuid);
      const c = cols(table);
      waits.push(wait(table, [byUuid(uuid)], c, row ? [pick(row, c)] : [], { timeout: 0 }));
    };
    const tableWait = (table: string): void => {
      if (seenTables.has(table)) return;
      seenTables.add(table);
      const c = ['_uuid', ...cols(table)];
      waits.push(wait(table, [], c, [...this.tableData(table).values()].map((r) => pick(r, c)), { timeout: 0 }));
    };
    return {
      get: (table, uuid) => {
        const id = typeof uuid === 'string' ? uuid : uuid.uuid;
        rowWait(table, id);
        return this.get(table, id);
      },
      rows: (table) => {
        tableWait(table);
        return this.rows(table);
      },
      find: (table, pred) => {
        tableWait(table);
        return this.find(table, pred);
      },
    };
  }

  // ---- monitor ----

  private monitorRequests(): MonitorRequests {
    const reqs: MonitorRequests = {};
    for (const [t, c] of this.columns) reqs[t] = { columns: c.filter((x) => x !== '_uuid') };
    return reqs;
  }

  /** (Re)subscribes. `full`: forget the last txn id (the server sends everything). */
  private async subscribe(full: boolean): Promise<void> {
    const id = `loris-replica-${++monitorSeq}`;
    this.monitorId = id;
    const db = this.opts.database;
    const reqs = this.monitorRequests();
    // Updates can arrive in the same read as the monitor's reply, i.e. before the initial contents are
    // applied (the reply resolves a promise; the notification is handled synchronously). Queue them until then.
    let queue: [Record<string, Record<string, unknown>>, 1 | 2, string | undefined][] | undefined = [];
    const handler = (tu: Record<string, Record<string, unknown>>, method: string, txnId: string | undefined): void => {
      if (this.monitorId !== id) return;
      const version = method === 'update' ? 1 : 2;
      if (queue) queue.push([tu, version, txnId]);
      else this.applySafely(() => this.applyUpdates(tu, version), txnId);
    };
    const drain = (): void => {
      const q = queue ?? [];
      queue = undefined;
      for (const [tu, version, txnId] of q) {
        if (this.monitorId !== id) return;
        this.applySafely(() => this.applyUpdates(tu, version), txnId);
      }
    };
    const order: MonitorMethod[] = this.opts.method ? [this.opts.method] : this.method ? [this.method] : ['monitor_cond_since', 'monitor_cond', 'monitor'];
    for (const m of order) {
      try {
        if (m === 'monitor_cond_since') {
          const r = await this.client.monitorCondSince(db, id, reqs, full ? undefined : this.lastTxnId, handler);
          this.method = m;
          if (r.found) {
            if (!full && this.lastTxnId !== undefined) this.fastResyncs++;
            this.applySafely(() => this.applyUpdates(r.updates, 2), r.lastTxnId);
          }
          else this.replaceAll(r.updates, 2, r.lastTxnId);
        } else if (m === 'monitor_cond') {
          const initial = await this.client.monitorCond(db, id, reqs, handler);
          this.method = m;
          this.replaceAll(initial, 2, undefined);
        } else {
          const initial = await this.client.monitor(db, id, reqs, handler);
          this.method = m;
          this.replaceAll(initial, 1, undefined);
        }
        drain();
        return;
      } catch (e) {
        const unsupported = e instanceof OvsdbError && (e.error === 'unknown method' || e.error === 'not supported');
        if (!unsupported || m === order[order.length - 1]) throw e;
      }
    }
  }

  private resubscribe(full: boolean): void {
    if (this.resyncing) return;
    this.resyncing = (async () => {
      try {
        for (let i = 0; i < 5 && !this.stopped; i++) {
          try {
            if (this.client.connected && this.monitorId) await this.client.monitorCancel(this.monitorId).catch(() => undefined);
            await this.subscribe(full);
            return;
          } catch (e) {
            this.client.emit('warning', e as Error);
            await new Promise((r) => setTimeout(r, 100 * (i + 1)));
          }
        }
      } finally {
        this.resyncing = undefined;
      }
    })();
  }

  private applySafely(apply: () => Pending[], txnId: string | undefined): void {
    let events: Pending[];
    try {
      events = apply();
    } catch (e) {
      // Anything that stops an update from applying (including malformed notation) leaves the replica
      // unsure of its contents: resynchronise rather than throw into the socket's data handler.
      const err = e instanceof ReplicaInconsistentError ? e : new ReplicaInconsistentError(`update could not be applied (${(e as Error).message})`);
      this.client.emit('warning', err);
      this.lastTxnId = undefined;
      this.monitorId = ''; // ignore further updates of the broken monitor
      this.resyncs++;
      this.resubscribe(true);
      return;
    }
    if (txnId !== undefined) this.lastTxnId = txnId;
    this.fire(events);
  }

  /** Applies table-updates (v1 `update` or v2 `update2/update3`); throws before changing anything if inconsistent. */
  private applyUpdates(tu: Record<string, Record<string, unknown>>, version: 1 | 2): Pending[] {
    const staged: { table: string; uuid: string; row: AnyRow | undefined }[] = [];
    const events: Pending[] = [];
    for (const [table, rows] of Object.entries(tu ?? {})) {
      const data = this.data.get(table);
      const ts = this.schema.tables.get(table);
      if (!data || !ts) continue;
      for (const [uuid, u] of Object.entries(rows ?? {})) {
        const old = data.get(uuid);
        const upd = (u ?? {}) as Record<string, Record<string, unknown> | null>;
        let next: AnyRow | undefined;
        if (version === 1) {
          if (upd.new && !old && upd.old) throw new ReplicaInconsistentError(`modify of unknown ${table} row ${uuid}`);
          if (!upd.new && !old) throw new ReplicaInconsistentError(`delete of unknown ${table} row ${uuid}`);
          if (upd.new && old && !upd.old) throw new ReplicaInconsistentError(`insert of existing ${table} row ${uuid}`);
          next = upd.new ? this.fullRow(ts, uuid, upd.new) : undefined;
        } else if (upd.initial || upd.insert) {
          if (old) throw new ReplicaInconsistentError(`insert of existing ${table} row ${uuid}`);
          next = this.fullRow(ts, uuid, (upd.initial ?? upd.insert) as Record<string, unknown>);
        } else if (upd.modify) {
          if (!old) throw new ReplicaInconsistentError(`modify of unknown ${table} row ${uuid}`);
          next = applyRowDiff(ts, old, upd.modify) as AnyRow;
        } else if ('delete' in upd) {
          if (!old) throw new ReplicaInconsistentError(`delete of unknown ${table} row ${uuid}`);
          next = undefined;
        } else continue;
        staged.push({ table, uuid, row: next });
        if (!old && next) events.push({ kind: 'insert', table, row: next });
        else if (old && next) events.push({ kind: 'update', table, old, row: next });
        else if (old) events.push({ kind: 'delete', table, row: old });
      }
    }
    for (const s of staged) {
      const data = this.data.get(s.table);
      if (!data) continue;
      if (s.row) data.set(s.uuid, s.row);
      else data.delete(s.uuid);
    }
    return events;
  }

  /** Replaces the contents with a full snapshot, firing events for the difference. */
  private replaceAll(tu: Record<string, Record<string, unknown>>, version: 1 | 2, txnId: string | undefined): void {
    const events: Pending[] = [];
    for (const [table, data] of this.data) {
      const ts = this.schema.tables.get(table);
      if (!ts) continue;
      const fresh = new Map<string, AnyRow>();
      for (const [uuid, u] of Object.entries(tu?.[table] ?? {})) {
        const r = (u ?? {}) as Record<string, Record<string, unknown> | undefined>;
        const body = version === 1 ? r.new : (r.initial ?? r.insert);
        if (body) fresh.set(uuid, this.fullRow(ts, uuid, body));
      }
      for (const [uuid, old] of data) {
        const now = fresh.get(uuid);
        if (!now) events.push({ kind: 'delete', table, row: old });
        else if (!rowsEqual(old, now)) events.push({ kind: 'update', table, old, row: now });
      }
      for (const [uuid, now] of fresh) if (!data.has(uuid)) events.push({ kind: 'insert', table, row: now });
      data.clear();
      for (const [uuid, row] of fresh) data.set(uuid, row);
    }
    if (txnId !== undefined) this.lastTxnId = txnId;
    this.fire(events);
  }

  private fullRow(ts: TableSchema, uuid: string, body: Record<string, unknown>): AnyRow {
    const row: Row = { _uuid: new Uuid(uuid) };
    for (const c of this.columns.get(ts.name) ?? []) {
      if (c === '_uuid') continue;
      const cs = ts.columns.get(c);
      row[c] = c in body ? decodeDatum(cs, body[c]) : cs ? defaultDatum(cs) : [];
    }
    return Object.freeze(row) as AnyRow;
  }

  private fire(events: Pending[]): void {
    this.seq++;
    for (const ev of events) {
      try {
        if (ev.kind === 'insert') for (const cb of this.inserts.get(ev.table) ?? []) (cb as InsertCb<AnyRow>)(ev.row);
        else if (ev.kind === 'update') for (const cb of this.updates.get(ev.table) ?? []) (cb as UpdateCb<AnyRow>)(ev.old, ev.row);
        else for (const cb of this.deletes.get(ev.table) ?? []) (cb as DeleteCb<AnyRow>)(ev.row);
      } catch (e) {
        this.client.emit('warning', e as Error);
      }
    }
    for (const w of [...this.changeWaiters]) w();
  }
}

type Pending = { kind: 'insert' | 'delete'; table: string; row: AnyRow } | { kind: 'update'; table: string; old: AnyRow; row: AnyRow };

function addCb<C>(m: Map<string, Set<C>>, table: string, cb: C): () => void {
  let s = m.get(table);
  if (!s) m.set(table, (s = new Set()));
  s.add(cb);
  return () => s.delete(cb);
}

function pick(row: AnyRow, cols: readonly string[]): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const c of cols) out[c] = row[c];
  return out;
}

function rowsEqual(a: AnyRow, b: AnyRow): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if (!valueEquals(a[k], b[k])) return false;
  return true;
}
