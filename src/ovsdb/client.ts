import { EventEmitter } from 'node:events';
import { LorisError, NotConnectedError, TimeoutError } from '../errors.js';
import { OvsdbDisconnectedError, OvsdbError, rpcError } from './errors.js';
import { SERVER_DB_COLUMNS, SERVER_MONITOR_ID, serverInfoOf, type ServerDatabaseInfo } from './cluster.js';
import { encodeMonitorRequests, type MonitorCondSinceResult, type MonitorHandler, type MonitorRequests } from './monitor-requests.js';
import { JsonRpcConnection, type RpcId } from './jsonrpc.js';
import { checkTransactResults, encodeOperation, type Operation, type ResultsOf } from './operations.js';
import type { Json } from './notation.js';
import { parseSchema, type DatabaseSchema } from './schema.js';
import { formatRemote, openStream, parseRemotes, type Remote, type SslOptions } from './transport.js';

/*
 * OVSDB (RFC 7047) client: one JSON-RPC session to one server at a time, chosen from a list of remotes.
 * It answers the server's echo, sends its own echo when the line is idle (dead-peer detection like OVS's
 * inactivity probe), reconnects with exponential backoff and jitter, and, for a clustered database,
 * talks only to the leader (read from `_Server.Database`) and follows leader changes.
 * Monitors and locks are per session: after a reconnect the `connect` event fires and a Replica (or any
 * caller) sets its monitors up again; wanted locks are re-requested by the client itself.
 */

export interface OvsdbClientOptions {
  /** Database whose cluster leader to use (leader-only mode). Without it no leader check is made. */
  database?: string;
  /** Only use the leader of a clustered `database` (default true), as ovs-vsctl does by default. */
  leaderOnly?: boolean;
  ssl?: SslOptions;
  /** Per connection attempt (default 5000 ms). */
  connectTimeoutMs?: number;
  /** How long `connect()` keeps trying before giving up (default 10 000 ms). */
  initialConnectTimeoutMs?: number;
  /** Idle time before we send an echo; twice that with no reply drops the connection (default 5000; 0 = off). */
  probeIntervalMs?: number;
  /** Reconnect after a drop (default true). */
  reconnect?: boolean;
  backoffMinMs?: number;
  backoffMaxMs?: number;
  /** Requests made while reconnecting wait this long for a connection (default 10 000 ms). */
  waitForConnectMs?: number;
}

export interface ConnectInfo {
  remote: string;
  reconnect: boolean;
}

interface ClientEvents {
  connect: [ConnectInfo];
  disconnect: [Error | undefined];
  locked: [string];
  stolen: [string];
  /** Non-fatal trouble worth logging (a failed attempt, a leader change). */
  warning: [Error];
}

/** Referenced on purpose: a program whose only pending work is a reconnect must not exit mid-failover. */
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class OvsdbClient extends EventEmitter<ClientEvents> {
  readonly remotes: readonly Remote[];
  private readonly o: Required<Omit<OvsdbClientOptions, 'database' | 'ssl'>> & Pick<OvsdbClientOptions, 'database' | 'ssl'>;
  private rpc: JsonRpcConnection | undefined;
  private remoteIndex = 0;
  private closedByUser = false;
  private connecting: Promise<void> | undefined;
  private everConnected = false;
  private readonly monitors = new Map<string, MonitorHandler>();
  private readonly wantedLocks = new Set<string>();
  private probeTimer: NodeJS.Timeout | undefined;
  private echoOutstanding = false;
  private readonly schemas = new Map<string, Promise<DatabaseSchema>>();
  /** The current server's view of `database` (clustered databases), refreshed by a `_Server` monitor. */
  serverInfo: ServerDatabaseInfo | undefined;
  /** Counters: server echo requests answered, our probes sent, connections made. */
  readonly stats = { echoesAnswered: 0, probesSent: 0, connects: 0 };
  /** The remote in use, `tcp:…`/`unix:…`. */
  currentRemote: string | undefined;

  private constructor(remotes: string | readonly string[], opts: OvsdbClientOptions) {
    super();
    this.remotes = parseRemotes(remotes);
    this.o = {
      leaderOnly: true,
      connectTimeoutMs: 5000,
      initialConnectTimeoutMs: 10_000,
      probeIntervalMs: 5000,
      reconnect: true,
      backoffMinMs: 50,
      backoffMaxMs: 4000,
      waitForConnectMs: 10_000,
      ...opts,
    };
  }

  /** Connects to the first usable remote of the list (the leader for a clustered `database`). */
  static async connect(remotes: string | readonly string[], opts: OvsdbClientOptions = {}): Promise<OvsdbClient> {
    const c = new OvsdbClient(remotes, opts);
    try {
      await c.establish(c.o.initialConnectTimeoutMs);
    } catch (e) {
      c.close();
      throw e;
    }
    return c;
  }

  get connected(): boolean {
    return this.rpc?.isOpen === true;
  }

  // ---- connection management ----

  private establish(deadlineMs: number): Promise<void> {
    this.connecting ??= this.connectLoop(deadlineMs).finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async connectLoop(deadlineMs: number): Promise<void> {
    const until = deadlineMs > 0 ? Date.now() + deadlineMs : Infinity;
    let lastErr: unknown;
    for (let attempt = 0; ; attempt++) {
      if (this.closedByUser) throw new NotConnectedError('OVSDB client (closed)');
      const remote = this.remotes[this.remoteIndex % this.remotes.length];
      this.remoteIndex++;
      try {
        await this.tryRemote(remote);
        return;
      } catch (e) {
        lastErr = e;
        this.emit('warning', e as Error);
      }
      if (Date.now() > until) {
        throw new NotConnectedError(`OVSDB ${this.remotes.map(formatRemote).join(',')} (last error: ${(lastErr as Error)?.message ?? lastErr})`);
      }
      if ((attempt + 1) % this.remotes.length === 0) {
        const round = Math.floor(attempt / this.remotes.length);
        const base = Math.min(this.o.backoffMaxMs, this.o.backoffMinMs * 2 ** round);
        await sleep(base / 2 + Math.random() * (base / 2));
      }
    }
  }

  private async tryRemote(remote: Remote): Promise<void> {
    const sock = await openStream(remote, { timeoutMs: this.o.connectTimeoutMs, ssl: this.o.ssl });
    const rpc: JsonRpcConnection = new JsonRpcConnection(sock, {
      onMessage: (method, params, id) => this.onMessage(rpc, method, params, id),
      makeError: (method, error, reply) => rpcError(method, error, reply),
      closedError: (method) => new OvsdbDisconnectedError(method),
      onClose: (err) => this.onRpcClose(rpc, err),
      onHandlerError: (err) => this.emit('warning', err),
    });
    try {
      await this.checkLeader(rpc);
    } catch (e) {
      rpc.close();
      throw e;
    }
    if (!rpc.isOpen) throw new NotConnectedError(`OVSDB remote ${formatRemote(remote)} (closed during setup)`);
    this.rpc = rpc;
    this.currentRemote = formatRemote(remote);
    this.startProbe();
    this.stats.connects++;
    const reconnect = this.everConnected;
    this.everConnected = true;
    for (const l of this.wantedLocks) {
      rpc.request('lock', [l]).then(
        (r) => {
          if ((r as { locked?: boolean })?.locked) this.emit('locked', l);
        },
        () => undefined,
      );
    }
    this.emit('connect', { remote: this.currentRemote, reconnect });
  }

  /** Leader-only: accept a server only if it is the connected leader of a clustered `database`. */
  private async checkLeader(rpc: JsonRpcConnection): Promise<void> {
    this.serverInfo = undefined;
    const db = this.o.database;
    if (!db || !this.o.leaderOnly) return;
    let res: unknown;
    try {
      res = await rpc.request('transact', ['_Server', { op: 'select', table: 'Database', where: [['name', '==', db]] }], { timeoutMs: this.o.connectTimeoutMs });
    } catch (e) {
      if (e instanceof OvsdbError && e.error === 'unknown database') return; // server predates _Server
      throw e;
    }
    const row = (res as { rows?: Record<string, unknown>[] }[])?.[0]?.rows?.[0];
    if (!row) throw new LorisError('LORIS_OVSDB_NO_DATABASE', `${rpc.socket.remoteAddress ?? 'server'} does not serve database ${db} (yet); trying the next remote`);
    const info = serverInfoOf(row);
    if (info.model !== 'clustered') return;
    if (!info.connected || !info.leader) {
      throw new LorisError('LORIS_OVSDB_NOT_LEADER', `server is not the connected leader of clustered database ${db}; trying the next remote`);
    }
    this.serverInfo = info;
    // Follow leadership: when this server stops being the leader, drop it and look for the new one.
    const initial = (await rpc.request('monitor_cond', ['_Server', SERVER_MONITOR_ID, { Database: [{ where: [['name', '==', db]], columns: [...SERVER_DB_COLUMNS] }] }], {
      timeoutMs: this.o.connectTimeoutMs,
    })) as Record<string, Record<string, unknown>>;
    this.onServerUpdate(rpc, initial);
  }

  private onServerUpdate(rpc: JsonRpcConnection, tu: Record<string, Record<string, unknown>>): void {
    for (const u of Object.values(tu?.Database ?? {})) {
      const r = (u as Record<string, Record<string, unknown>>) ?? {};
      const row = r.initial ?? r.insert ?? r.modify;
      if (!row) continue;
      const merged = { ...(this.serverInfo ?? {}), ...Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v])) } as Record<string, unknown>;
      this.serverInfo = serverInfoOf(merged);
      if (!this.serverInfo.leader || !this.serverInfo.connected) {
        this.emit('warning', new LorisError('LORIS_OVSDB_LEADER_CHANGED', `${this.currentRemote} is no longer the leader of ${this.o.database}; reconnecting to the new leader`));
        rpc.close();
      }
    }
  }

  private onMessage(rpc: JsonRpcConnection, method: string, params: unknown[], id: RpcId | null): void {
    switch (method) {
      case 'echo':
        if (id !== null) {
          this.stats.echoesAnswered++;
          rpc.reply(id, params as Json[]);
        }
        return;
      case 'update':
      case 'update2':
      case 'update3': {
        const mid = params[0];
        if (mid === SERVER_MONITOR_ID) {
          this.onServerUpdate(rpc, params[1] as Record<string, Record<string, unknown>>);
          return;
        }
        const h = this.monitors.get(typeof mid === 'string' ? mid : JSON.stringify(mid));
        if (!h) return;
        if (method === 'update3') h(params[2] as Record<string, Record<string, unknown>>, method, String(params[1]));
        else h(params[1] as Record<string, Record<string, unknown>>, method, undefined);
        return;
      }
      case 'locked':
      case 'stolen':
        if (typeof params[0] === 'string') this.emit(method, params[0]);
        return;
      default:
        // Unknown notifications are ignored; an unknown request gets an error reply as RFC 7047 asks.
        if (id !== null) rpc.reply(id, null, 'unknown method');
    }
  }

  private onRpcClose(rpc: JsonRpcConnection, err: Error | undefined): void {
    if (rpc !== this.rpc) return;
    this.rpc = undefined;
    this.stopProbe();
    this.monitors.clear();
    this.serverInfo = undefined;
    this.emit('disconnect', err);
    if (!this.closedByUser && this.o.reconnect) {
      this.establish(0).catch(() => undefined);
    }
  }

  private startProbe(): void {
    this.stopProbe();
    const probe = this.o.probeIntervalMs;
    if (probe <= 0) return;
    this.echoOutstanding = false;
    this.probeTimer = setInterval(() => {
      const rpc = this.rpc;
      if (!rpc) return;
      const idle = Date.now() - rpc.lastRx;
      if (idle > 2 * probe) {
        this.emit('warning', new TimeoutError(`OVSDB peer ${this.currentRemote} echo (no data for ${idle} ms, dead peer)`, 2 * probe));
        rpc.close();
      } else if (idle > probe && !this.echoOutstanding) {
        this.echoOutstanding = true;
        this.stats.probesSent++;
        rpc.request('echo', ['loris-probe']).then(
          () => (this.echoOutstanding = false),
          () => (this.echoOutstanding = false),
        );
      }
    }, Math.max(10, probe / 4));
    this.probeTimer.unref();
  }

  private stopProbe(): void {
    if (this.probeTimer) clearInterval(this.probeTimer);
    this.probeTimer = undefined;
  }

  /** The live session, waiting (bounded) for a reconnect in progress. */
  private async session(): Promise<JsonRpcConnection> {
    if (this.rpc?.isOpen) return this.rpc;
    if (this.closedByUser) throw new NotConnectedError('OVSDB client (closed by close())');
    if (!this.o.reconnect && this.everConnected) throw new NotConnectedError('OVSDB client (connection lost, reconnect disabled)');
    const wait = this.o.waitForConnectMs;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, rej) => {
      timer = setTimeout(() => rej(new NotConnectedError(`OVSDB ${this.remotes.map(formatRemote).join(',')} (no connection within ${wait} ms)`)), wait);
    });
    try {
      await Promise.race([this.establish(0), expired]);
    } finally {
      clearTimeout(timer);
    }
    if (!this.rpc?.isOpen) throw new NotConnectedError('OVSDB client');
    return this.rpc;
  }

  /** Sends a raw JSON-RPC request on the current session. */
  async request(method: string, params: Json[], o: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<unknown> {
    const rpc = await this.session();
    const id = rpc.allocId();
    // RFC 7047 cancel; ovsdb-server 3.1 drops the request without answering it, so we stop waiting here.
    const onAbort = (): void => {
      rpc.notify('cancel', [id]);
      rpc.abandon(id, new OvsdbError('canceled', `${method} cancelled by the caller`, { method }));
    };
    if (o.signal?.aborted) throw new OvsdbError('canceled', `${method} cancelled by the caller before it was sent`, { method });
    o.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await rpc.request(method, params, { id, timeoutMs: o.timeoutMs });
    } finally {
      o.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Closes the session for good (no reconnect). */
  close(): void {
    this.closedByUser = true;
    this.stopProbe();
    const rpc = this.rpc;
    this.rpc = undefined;
    rpc?.close();
  }

  /** Drops the current connection (tests, or to move off a stale server); the client reconnects. */
  dropConnection(): void {
    this.rpc?.close();
  }

  // ---- RFC 7047 methods ----

  async listDbs(): Promise<string[]> {
    return (await this.request('list_dbs', [])) as string[];
  }

  /** The parsed schema of `db` (cached per client). */
  getSchema(db: string): Promise<DatabaseSchema> {
    let p = this.schemas.get(db);
    if (!p) {
      p = this.request('get_schema', [db]).then(parseSchema);
      p.catch(() => this.schemas.delete(db));
      this.schemas.set(db, p);
    }
    return p;
  }

  /**
   * Runs operations as one transaction. Resolves with one typed result per operation; throws OvsdbError for
   * the first failed operation (with `opIndex`/`op`) or for a failed commit (`commit: true`, the extra result).
   * `signal` cancels a transaction still waiting (RFC 7047 `cancel`).
   */
  async transact<const Ops extends readonly Operation[]>(db: string, ops: Ops, o: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<ResultsOf<Ops>> {
    const wire = ops.map(encodeOperation);
    const raw = await this.request('transact', [db, ...wire], o);
    return checkTransactResults(ops, wire, raw) as ResultsOf<Ops>;
  }

  /** `monitor` (update notifications). Resolves with the initial table-updates. */
  monitor(db: string, id: string, requests: MonitorRequests, onUpdate: MonitorHandler): Promise<Record<string, Record<string, unknown>>> {
    return this.startMonitor('monitor', [db, id, encodeMonitorRequests(requests, false)], id, onUpdate) as Promise<Record<string, Record<string, unknown>>>;
  }

  /** `monitor_cond` (update2 notifications). */
  monitorCond(db: string, id: string, requests: MonitorRequests, onUpdate: MonitorHandler): Promise<Record<string, Record<string, unknown>>> {
    return this.startMonitor('monitor_cond', [db, id, encodeMonitorRequests(requests, true)], id, onUpdate) as Promise<Record<string, Record<string, unknown>>>;
  }

  /** `monitor_cond_since` (update3): `lastTxnId` from a previous session lets the server send only the changes since. */
  async monitorCondSince(db: string, id: string, requests: MonitorRequests, lastTxnId: string | undefined, onUpdate: MonitorHandler): Promise<MonitorCondSinceResult> {
    const r = (await this.startMonitor('monitor_cond_since', [db, id, encodeMonitorRequests(requests, true), lastTxnId ?? '00000000-0000-0000-0000-000000000000'], id, onUpdate)) as [boolean, string, Record<string, Record<string, unknown>>];
    return { found: r[0] === true, lastTxnId: String(r[1]), updates: r[2] ?? {} };
  }

  private async startMonitor(method: string, params: Json[], id: string, onUpdate: MonitorHandler): Promise<unknown> {
    const rpc = await this.session();
    this.monitors.set(id, onUpdate);
    try {
      return await rpc.request(method, params);
    } catch (e) {
      if (this.monitors.get(id) === onUpdate) this.monitors.delete(id);
      throw e;
    }
  }

  /** `monitor_cond_change`: new conditions for a monitor_cond/monitor_cond_since monitor. */
  async monitorCondChange(id: string, requests: MonitorRequests): Promise<void> {
    await this.request('monitor_cond_change', [id, id, encodeMonitorRequests(requests, true)]);
  }

  async monitorCancel(id: string): Promise<void> {
    this.monitors.delete(id);
    await this.request('monitor_cancel', [id]);
  }

  /** `lock`: resolves true if granted now; otherwise a `locked` event fires when it is. Re-requested after reconnects. */
  async lock(id: string): Promise<boolean> {
    this.wantedLocks.add(id);
    const r = (await this.request('lock', [id])) as { locked?: boolean };
    return r?.locked === true;
  }

  /** `steal`: takes the lock from its holder (which gets `stolen`). */
  async steal(id: string): Promise<boolean> {
    this.wantedLocks.add(id);
    const r = (await this.request('steal', [id])) as { locked?: boolean };
    return r?.locked === true;
  }

  async unlock(id: string): Promise<void> {
    this.wantedLocks.delete(id);
    await this.request('unlock', [id]);
  }

  async echo(...args: Json[]): Promise<unknown[]> {
    return (await this.request('echo', args)) as unknown[];
  }

  /** `set_db_change_aware`: the server then keeps the session open when a database is removed or converted. */
  async setDbChangeAware(aware = true): Promise<void> {
    await this.request('set_db_change_aware', [aware]);
  }
}
