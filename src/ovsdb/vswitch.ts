import { InvalidArgumentError, LorisError, TimeoutError } from '../errors.js';
import type { OvsdbClient } from './client.js';
import { OvsdbError } from './errors.js';
import { namedUuid, Uuid, type Atom, type Value } from './notation.js';
import { byUuid, del, eq, includes, insert, mutate, mutation, select, update, wait, type Operation } from './operations.js';

/*
 * Open_vSwitch database helpers, as ovs-vsctl does them but over loris's own OVSDB client. Every helper is
 * one transaction: its changes, a check that the bridge it needs exists, and `next_cfg += 1`. With
 * `wait` (the default, like ovs-vsctl without --no-wait) it then blocks until ovs-vswitchd has applied the
 * configuration (`cur_cfg >= next_cfg`) — using an RFC 7047 `wait` operation, so nothing polls.
 */

export const OPEN_VSWITCH_DB = 'Open_vSwitch';

export type FailMode = 'secure' | 'standalone';
export type OpenFlowVersion = 'OpenFlow10' | 'OpenFlow11' | 'OpenFlow12' | 'OpenFlow13' | 'OpenFlow14' | 'OpenFlow15';
export type StringMap = Readonly<Record<string, string>> | ReadonlyMap<string, string>;

export interface ApplyOptions {
  /** Wait for ovs-vswitchd to apply the change (default: the Vswitch's setting, true by default). */
  wait?: boolean;
}

export interface BridgeOptions extends ApplyOptions {
  failMode?: FailMode;
  protocols?: readonly OpenFlowVersion[];
  /** `netdev` for the userspace datapath, `system` (or empty) for the kernel one. */
  datapathType?: string;
  /** Controller targets, e.g. `unix:/run/loris/ctl.sock`, `tcp:127.0.0.1:6653`. */
  controller?: readonly string[];
  otherConfig?: StringMap;
  externalIds?: StringMap;
  /** Like `ovs-vsctl --may-exist`: no error (and no change) if the bridge exists. */
  mayExist?: boolean;
}

export type InterfaceType = '' | 'system' | 'internal' | 'patch' | 'vxlan' | 'gre' | 'geneve' | 'tap' | 'dpdk' | (string & {});

export interface PortOptions extends ApplyOptions {
  /** Interface type (default `""`, a system device). */
  type?: InterfaceType;
  /** Interface options (`remote_ip`, `key`, `peer`, `dst_port` …). */
  options?: StringMap;
  ofportRequest?: number;
  mtuRequest?: number;
  tag?: number;
  externalIds?: StringMap;
  /** Interface external_ids (e.g. `iface-id`, `attached-mac`). */
  ifaceExternalIds?: StringMap;
  mayExist?: boolean;
}

export interface TunnelOptions extends Omit<PortOptions, 'type'> {
  type: 'vxlan' | 'gre' | 'geneve';
  remoteIp: string;
  localIp?: string;
  /** A number, or `flow` (the tunnel key is set by OpenFlow `set_field:…->tun_id`). */
  key?: number | 'flow';
  dstPort?: number;
}

export interface PortSpec extends Omit<PortOptions, 'wait' | 'mayExist'> {
  name: string;
}

export interface PortResult {
  name: string;
  port: Uuid;
  iface: Uuid;
  /** After a wait: the OpenFlow port number vswitchd assigned (undefined before, or if it failed). */
  ofport: number | undefined;
  /** After a wait: Interface.error, e.g. a device that does not exist. */
  error: string | undefined;
}

/** A named bridge does not exist. */
export class NoSuchBridgeError extends LorisError {
  constructor(bridge: string) {
    super('LORIS_OVSDB_NO_SUCH_BRIDGE', `bridge ${bridge} does not exist; create it first (addBridge)`);
  }
}

const toMap = (m: StringMap | undefined): Map<Atom, Atom> => new Map(m instanceof Map ? m : Object.entries(m ?? {}));
/** Named-uuid counter shared by every Vswitch, so that calls combined into one transaction never clash. */
let seq = 0;
const mustExist = (table: string, name: string): Operation => wait(table, [eq('name', name)], ['name'], [{ name }], { timeout: 0 });

export interface VswitchOptions {
  /** Wait for ovs-vswitchd by default (true). */
  wait?: boolean;
  waitTimeoutMs?: number;
  /** Combine concurrent helper calls on the same client into one transaction (default true). */
  groupCommit?: boolean;
}

export class Vswitch {
  constructor(
    readonly client: OvsdbClient,
    readonly opts: VswitchOptions = {},
  ) {}

  // ---- reads ----

  private async selectOne(table: string, where: Parameters<typeof select>[1], columns?: string[]): Promise<Record<string, Value> | undefined> {
    const [r] = await this.client.transact(OPEN_VSWITCH_DB, [select(table, where, columns)] as const);
    return r.rows[0];
  }

  /** Open_vSwitch.ovs_version (set by ovs-vswitchd / the startup scripts), if present. */
  async getOvsVersion(): Promise<string | undefined> {
    const r = await this.selectOne('Open_vSwitch', [], ['ovs_version']);
    const v = r?.ovs_version;
    return Array.isArray(v) ? (v[0] as string | undefined) : typeof v === 'string' ? v : undefined;
  }

  /** Datapath types ovs-vswitchd supports (Open_vSwitch.datapath_types, e.g. `netdev`, `system`). */
  async getDatapathTypes(): Promise<string[]> {
    const r = await this.selectOne('Open_vSwitch', [], ['datapath_types']);
    const v = r?.datapath_types;
    return (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(String).sort();
  }

  async listBridges(): Promise<string[]> {
    const [r] = await this.client.transact(OPEN_VSWITCH_DB, [select('Bridge', [], ['name'])] as const);
    return r.rows.map((x) => String(x.name)).sort();
  }

  async bridgeExists(name: string): Promise<boolean> {
    return (await this.selectOne('Bridge', [eq('name', name)], ['name'])) !== undefined;
  }

  /** Port names on a bridge (excluding the bridge's own internal port, as `ovs-vsctl list-ports`). */
  async listPorts(bridge: string): Promise<string[]> {
    const b = await this.selectOne('Bridge', [eq('name', bridge)], ['ports']);
    if (!b) throw new NoSuchBridgeError(bridge);
    const ports = (Array.isArray(b.ports) ? b.ports : [b.ports]) as Uuid[];
    if (ports.length === 0) return [];
    const [r] = await this.client.transact(OPEN_VSWITCH_DB, [select('Port', [], ['_uuid', 'name'])] as const);
    const mine = new Set(ports.map((u) => u.uuid));
    return r.rows.filter((p) => mine.has((p._uuid as Uuid).uuid) && p.name !== bridge).map((p) => String(p.name)).sort();
  }

  /** The Interface row of `name` (all columns), or undefined. */
  getInterface(name: string): Promise<Record<string, Value> | undefined> {
    return this.selectOne('Interface', [eq('name', name)]);
  }

  // ---- the commit-and-wait core ----

  /**
   * Runs `ops` plus `next_cfg += 1` as one transaction; with wait, then blocks until ovs-vswitchd's
   * `cur_cfg` reaches the new `next_cfg`. `requireBridges`/`require` become leading wait ops whose failure
   * means "missing row" (mapped to NoSuchBridgeError). With group commit (the default), calls made on the
   * same OVSDB client in the same tick, or while an earlier group is in flight, share one transaction and
   * one wait for vswitchd (see GroupCommit below); each call still gets its own results or error.
   */
  async apply(ops: readonly Operation[], o: ApplyOptions & { requireBridges?: readonly string[]; require?: readonly { table: string; name: string }[] } = {}): Promise<unknown[]> {
    const required = [...(o.requireBridges ?? []).map((name) => ({ table: 'Bridge', name })), ...(o.require ?? [])];
    const req: CommitRequest = { ops, required, wait: o.wait ?? this.opts.wait ?? true, timeoutMs: this.opts.waitTimeoutMs ?? 30_000 };
    if (this.opts.groupCommit === false) {
      const c = await commitAlone(this.client, req);
      if (req.wait) await waitApplied(this.client, c.nextCfg, req.timeoutMs);
      return c.results;
    }
    return groupCommitFor(this.client).submit(req);
  }

  /** Blocks until ovs-vswitchd reports `cur_cfg >= nextCfg` (a server-side wait; no polling). */
  waitApplied(nextCfg: number, timeoutMs = this.opts.waitTimeoutMs ?? 30_000): Promise<void> {
    return waitApplied(this.client, nextCfg, timeoutMs);
  }

  // ---- bridges ----

  /** Creates a bridge with its internal port, like `ovs-vsctl add-br` plus `set bridge …`. */
  async addBridge(name: string, o: BridgeOptions = {}): Promise<Uuid | undefined> {
    if (o.mayExist) {
      const cur = await this.selectOne('Bridge', [eq('name', name)], ['_uuid']);
      if (cur) return cur._uuid as Uuid;
    }
    const id = ++seq;
    const ops: Operation[] = [
      insert('Interface', { name, type: 'internal' }, `i${id}`),
      insert('Port', { name, interfaces: [namedUuid(`i${id}`)] }, `p${id}`),
    ];
    const ctl = (o.controller ?? []).map((target, k) => {
      ops.push(insert('Controller', { target }, `c${id}_${k}`));
      return namedUuid(`c${id}_${k}`);
    });
    ops.push(
      insert(
        'Bridge',
        {
          name,
          ports: [namedUuid(`p${id}`)],
          fail_mode: o.failMode ? [o.failMode] : undefined,
          protocols: o.protocols ? [...o.protocols] : undefined,
          datapath_type: o.datapathType,
          controller: ctl.length ? ctl : undefined,
          other_config: o.otherConfig ? toMap(o.otherConfig) : undefined,
          external_ids: o.externalIds ? toMap(o.externalIds) : undefined,
        },
        `b${id}`,
      ),
      mutate('Open_vSwitch', [], [mutation('bridges', 'insert', [namedUuid(`b${id}`)])]),
    );
    const res = await this.apply(ops, o);
    return (res[ctl.length + 2] as { uuid: Uuid }).uuid;
  }

  /** Deletes a bridge and its ports (`ovs-vsctl del-br`). */
  async delBridge(name: string, o: ApplyOptions & { ifExists?: boolean } = {}): Promise<void> {
    const b = await this.selectOne('Bridge', [eq('name', name)], ['_uuid']);
    if (!b) {
      if (o.ifExists) return;
      throw new NoSuchBridgeError(name);
    }
    const u = b._uuid as Uuid;
    await this.apply([mutate('Open_vSwitch', [], [mutation('bridges', 'delete', [u])]), del('Bridge', [byUuid(u)])], o);
  }

  /** Sets columns of an existing bridge; only the given fields change. `failMode: null` clears it. */
  async setBridge(name: string, o: Omit<BridgeOptions, 'mayExist' | 'controller' | 'failMode'> & { failMode?: FailMode | null } = {}): Promise<void> {
    const row: Record<string, Value | undefined> = {
      fail_mode: o.failMode === null ? [] : o.failMode ? [o.failMode] : undefined,
      protocols: o.protocols ? [...o.protocols] : undefined,
      datapath_type: o.datapathType,
      other_config: o.otherConfig ? toMap(o.otherConfig) : undefined,
      external_ids: o.externalIds ? toMap(o.externalIds) : undefined,
    };
    await this.apply([update('Bridge', [eq('name', name)], row)], { ...o, requireBridges: [name] });
  }

  setFailMode(bridge: string, mode: FailMode | null, o: ApplyOptions = {}): Promise<void> {
    return this.setBridge(bridge, { ...o, failMode: mode });
  }

  setProtocols(bridge: string, protocols: readonly OpenFlowVersion[], o: ApplyOptions = {}): Promise<void> {
    return this.setBridge(bridge, { ...o, protocols });
  }

  /** Replaces the bridge's controllers (`ovs-vsctl set-controller`); an empty list removes them. */
  async setController(bridge: string, targets: readonly string[], o: ApplyOptions & { inactivityProbeMs?: number; maxBackoffMs?: number } = {}): Promise<void> {
    const id = ++seq;
    const ops: Operation[] = targets.map((target, k) =>
      insert('Controller', { target, inactivity_probe: o.inactivityProbeMs === undefined ? undefined : [o.inactivityProbeMs], max_backoff: o.maxBackoffMs === undefined ? undefined : [o.maxBackoffMs] }, `c${id}_${k}`),
    );
    ops.push(update('Bridge', [eq('name', bridge)], { controller: targets.map((_, k) => namedUuid(`c${id}_${k}`)) }));
    await this.apply(ops, { ...o, requireBridges: [bridge] });
  }

  delController(bridge: string, o: ApplyOptions = {}): Promise<void> {
    return this.setController(bridge, [], o);
  }

  /** Merges keys into a map column (other_config / external_ids / options) of the row named `name`. */
  async setMapKeys(table: 'Bridge' | 'Port' | 'Interface' | 'Open_vSwitch', name: string | undefined, column: string, kv: StringMap, o: ApplyOptions = {}): Promise<void> {
    const m = toMap(kv);
    const where = name === undefined ? [] : [eq('name', name)];
    // Map "insert" does not replace existing keys: delete the keys first, then insert.
    await this.apply([mutate(table, where, [mutation(column, 'delete', [...m.keys()]), mutation(column, 'insert', m)])], { ...o, require: name === undefined ? [] : [{ table, name }] });
  }

  async removeMapKeys(table: 'Bridge' | 'Port' | 'Interface' | 'Open_vSwitch', name: string | undefined, column: string, keys: readonly string[], o: ApplyOptions = {}): Promise<void> {
    const where = name === undefined ? [] : [eq('name', name)];
    await this.apply([mutate(table, where, [mutation(column, 'delete', [...keys])])], o);
  }

  // ---- ports ----

  private portOps(bridge: string, p: PortSpec, id: string): Operation[] {
    if (!p.name) throw new InvalidArgumentError('a port needs a name');
    return [
      insert(
        'Interface',
        {
          name: p.name,
          type: p.type ?? '',
          options: p.options ? toMap(p.options) : undefined,
          ofport_request: p.ofportRequest === undefined ? undefined : [p.ofportRequest],
          mtu_request: p.mtuRequest === undefined ? undefined : [p.mtuRequest],
          external_ids: p.ifaceExternalIds ? toMap(p.ifaceExternalIds) : undefined,
        },
        `i${id}`,
      ),
      insert('Port', { name: p.name, interfaces: [namedUuid(`i${id}`)], tag: p.tag === undefined ? undefined : [p.tag], external_ids: p.externalIds ? toMap(p.externalIds) : undefined }, `p${id}`),
      mutate('Bridge', [eq('name', bridge)], [mutation('ports', 'insert', [namedUuid(`p${id}`)])]),
    ];
  }

  /** Adds ports to a bridge in ONE transaction (e.g. 1,000 internal ports). */
  async addPorts(bridge: string, ports: readonly PortSpec[], o: ApplyOptions = {}): Promise<PortResult[]> {
    const base = ++seq;
    const ops = ports.flatMap((p, k) => this.portOps(bridge, p, `${base}_${k}`));
    const res = await this.apply(ops, { ...o, requireBridges: [bridge] });
    const out: PortResult[] = ports.map((p, k) => ({ name: p.name, iface: (res[3 * k] as { uuid: Uuid }).uuid, port: (res[3 * k + 1] as { uuid: Uuid }).uuid, ofport: undefined, error: undefined }));
    if (o.wait ?? this.opts.wait ?? true) await this.fillApplied(out);
    return out;
  }

  /** Adds one port (`ovs-vsctl add-port BR NAME -- set interface NAME type=… options:…`). */
  async addPort(bridge: string, name: string, o: PortOptions = {}): Promise<PortResult> {
    if (o.mayExist) {
      const cur = await this.selectOne('Port', [eq('name', name)], ['_uuid', 'interfaces']);
      if (cur) {
        const ifs = (Array.isArray(cur.interfaces) ? cur.interfaces : [cur.interfaces]) as Uuid[];
        const r: PortResult = { name, port: cur._uuid as Uuid, iface: ifs[0], ofport: undefined, error: undefined };
        await this.fillApplied([r]);
        return r;
      }
    }
    const [r] = await this.addPorts(bridge, [{ ...o, name }], o);
    return r;
  }

  addInternalPort(bridge: string, name: string, o: Omit<PortOptions, 'type'> = {}): Promise<PortResult> {
    return this.addPort(bridge, name, { ...o, type: 'internal' });
  }

  /** One end of a patch pair (`options:peer`); add the other end on the other bridge. */
  addPatchPort(bridge: string, name: string, peer: string, o: Omit<PortOptions, 'type'> = {}): Promise<PortResult> {
    return this.addPort(bridge, name, { ...o, type: 'patch', options: { ...Object.fromEntries(toMap(o.options)), peer } as Record<string, string> });
  }

  /** A vxlan/gre/geneve tunnel port; `key: 'flow'` lets flows pick the tunnel id (ovs-facts §4). */
  addTunnelPort(bridge: string, name: string, o: TunnelOptions): Promise<PortResult> {
    const options: Record<string, string> = { ...(Object.fromEntries(toMap(o.options)) as Record<string, string>), remote_ip: o.remoteIp };
    if (o.localIp) options.local_ip = o.localIp;
    if (o.key !== undefined) options.key = String(o.key);
    if (o.dstPort !== undefined) options.dst_port = String(o.dstPort);
    return this.addPort(bridge, name, { ...o, type: o.type, options });
  }

  /** Deletes a port (`ovs-vsctl del-port [BR] NAME`). */
  async delPort(name: string, o: ApplyOptions & { bridge?: string; ifExists?: boolean } = {}): Promise<void> {
    const p = await this.selectOne('Port', [eq('name', name)], ['_uuid']);
    if (!p) {
      if (o.ifExists) return;
      throw new LorisError('LORIS_OVSDB_NO_SUCH_PORT', `port ${name} does not exist; check the name (listPorts) or pass ifExists`);
    }
    const u = p._uuid as Uuid;
    const where = o.bridge ? [eq('name', o.bridge)] : [includes('ports', [u])];
    await this.apply([mutate('Bridge', where, [mutation('ports', 'delete', [u])])], { ...o, requireBridges: o.bridge ? [o.bridge] : [] });
  }

  private async fillApplied(out: PortResult[]): Promise<void> {
    if (out.length === 0) return;
    const ops = out.map((p) => select('Interface', [byUuid(p.iface)], ['_uuid', 'ofport', 'error']));
    const res = (await (this.opts.groupCommit === false ? this.client.transact(OPEN_VSWITCH_DB, ops) : groupCommitFor(this.client).read(ops))) as { rows: Record<string, Value>[] }[];
    const byId = new Map(res.flatMap((r) => r.rows).map((x) => [(x._uuid as Uuid).uuid, x]));
    for (const p of out) {
      const row = byId.get(p.iface.uuid);
      const ofport = row?.ofport;
      const n = Array.isArray(ofport) ? ofport[0] : ofport;
      p.ofport = typeof n === 'number' && n > 0 ? n : undefined;
      const err = row?.error;
      const e = Array.isArray(err) ? err[0] : err;
      p.error = typeof e === 'string' && e !== '' ? e : undefined;
    }
  }
}

// ---- group commit ----

interface CommitRequest {
  ops: readonly Operation[];
  required: readonly { table: string; name: string }[];
  wait: boolean;
  timeoutMs: number;
}

interface Queued extends CommitRequest {
  resolve: (results: unknown[]) => void;
  reject: (e: unknown) => void;
}

const checksOf = (r: CommitRequest): Operation[] => r.required.map((x) => mustExist(x.table, x.name));
const bumpCfg = (): Operation[] => [mutate('Open_vSwitch', [], [mutation('next_cfg', '+=', 1)]), select('Open_vSwitch', [], ['next_cfg'])];
const nextCfgOf = (res: unknown[]): number => Number((res[res.length - 1] as { rows: Record<string, Value>[] }).rows[0]?.next_cfg);

/** A failed `require` check (a wait op with timeout 0) as the typed error the caller expects. */
function missingRow(r: CommitRequest, e: unknown): unknown {
  if (!(e instanceof OvsdbError) || e.error !== 'timed out' || e.opIndex === undefined || e.opIndex >= r.required.length) return e;
  const m = r.required[e.opIndex];
  return m.table === 'Bridge' ? new NoSuchBridgeError(m.name) : new LorisError('LORIS_OVSDB_NO_SUCH_ROW', `${m.table} ${m.name} does not exist; create it first`);
}

/** One request as its own transaction (checks, ops, next_cfg += 1); no wait. */
async function commitAlone(client: OvsdbClient, r: CommitRequest): Promise<{ nextCfg: number; results: unknown[] }> {
  const checks = checksOf(r);
  try {
    const res = await client.transact(OPEN_VSWITCH_DB, [...checks, ...r.ops, ...bumpCfg()]);
    return { nextCfg: nextCfgOf(res), results: res.slice(checks.length, checks.length + r.ops.length) };
  } catch (e) {
    throw missingRow(r, e);
  }
}

async function waitApplied(client: OvsdbClient, nextCfg: number, timeoutMs: number): Promise<void> {
  try {
    await client.transact(OPEN_VSWITCH_DB, [wait('Open_vSwitch', [['cur_cfg', '>=', nextCfg]], ['cur_cfg'], [], { until: '!=', timeout: timeoutMs })] as const, {
      timeoutMs: timeoutMs + 5000,
    });
  } catch (e) {
    if (e instanceof OvsdbError && e.error === 'timed out') throw new TimeoutError(`ovs-vswitchd applying configuration ${nextCfg} (is ovs-vswitchd running?)`, timeoutMs);
    throw e;
  }
}

const uuidNames = (ops: readonly Operation[]): string[] => ops.flatMap((op) => (op.op === 'insert' && op.uuidName !== undefined ? [op.uuidName] : []));

/**
 * Group commit: ovs-vswitchd reconfigures once per applied `next_cfg`, walking every port, so N separate
 * transactions cost ~N reconfigurations. Requests queue per client; one group is in flight at a time (its
 * transaction and, if any member waits, its wait for `cur_cfg`). A lone request runs exactly as before.
 * A group of several is ONE transaction: each member's checks and ops in submission order, then one
 * `next_cfg += 1`. If that transaction fails (one bad member aborts it all), every member is committed on
 * its own, in order, so only the bad ones fail; the survivors then share one wait.
 */
class GroupCommit {
  private queue: Queued[] = [];
  private busy = false;
  private scheduled = false;
  private reads: { ops: readonly Operation[]; resolve: (r: unknown[]) => void; reject: (e: unknown) => void }[] = [];
  constructor(private readonly client: OvsdbClient) {}

  /**
   * Read-only operations (selects) issued in the same tick share one transaction — the members of a group
   * resolve together and each reads its ports back. A failure retries each read on its own.
   */
  read(ops: readonly Operation[]): Promise<unknown[]> {
    return new Promise((resolve, reject) => {
      if (this.reads.push({ ops, resolve, reject }) > 1) return;
      queueMicrotask(() => {
        const batch = this.reads;
        this.reads = [];
        const alone = (r: (typeof batch)[number]): void => void this.client.transact(OPEN_VSWITCH_DB, r.ops).then(r.resolve, r.reject);
        if (batch.length === 1) return alone(batch[0]);
        this.client.transact(OPEN_VSWITCH_DB, batch.flatMap((r) => r.ops)).then(
          (res) => {
            let at = 0;
            for (const r of batch) r.resolve(res.slice(at, (at += r.ops.length)));
          },
          () => batch.forEach(alone),
        );
      });
    });
  }

  submit(r: CommitRequest): Promise<unknown[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ ...r, resolve, reject });
      this.kick();
    });
  }

  private kick(): void {
    if (this.busy || this.scheduled || this.queue.length === 0) return;
    this.scheduled = true;
    // A microtask: calls made in the same tick join the group; a lone call is not delayed.
    queueMicrotask(() => {
      this.scheduled = false;
      if (this.busy) return;
      this.busy = true;
      void this.run(this.take()).finally(() => {
        this.busy = false;
        this.kick();
      });
    });
  }

  /** The queued requests whose named uuids don't clash (callers of apply() may pick their own names). */
  private take(): Queued[] {
    const names = new Set<string>();
    const group: Queued[] = [];
    const rest: Queued[] = [];
    for (const q of this.queue) {
      const mine = uuidNames(q.ops);
      if (group.length > 0 && mine.some((n) => names.has(n))) {
        rest.push(q);
        continue;
      }
      for (const n of mine) names.add(n);
      group.push(q);
    }
    this.queue = rest;
    return group;
  }

  private async run(group: Queued[]): Promise<void> {
    let committed: { q: Queued; results: unknown[] }[];
    let nextCfg: number;
    try {
      ({ committed, nextCfg } = group.length === 1 ? await this.one(group[0]) : await this.combined(group));
    } catch (e) {
      for (const q of group) q.reject(e);
      return;
    }
    for (const c of committed) if (!c.q.wait) c.q.resolve(c.results);
    const waiting = committed.filter((c) => c.q.wait);
    if (waiting.length === 0) return;
    try {
      await waitApplied(this.client, nextCfg, Math.max(...waiting.map((c) => c.q.timeoutMs)));
      for (const c of waiting) c.q.resolve(c.results);
    } catch (e) {
      for (const c of waiting) c.q.reject(e);
    }
  }

  private async one(q: Queued): Promise<{ committed: { q: Queued; results: unknown[] }[]; nextCfg: number }> {
    const r = await commitAlone(this.client, q);
    return { committed: [{ q, results: r.results }], nextCfg: r.nextCfg };
  }

  private async combined(group: Queued[]): Promise<{ committed: { q: Queued; results: unknown[] }[]; nextCfg: number }> {
    const all: Operation[] = [];
    const at: { start: number; checks: number }[] = [];
    for (const q of group) {
      const checks = checksOf(q);
      at.push({ start: all.length, checks: checks.length });
      all.push(...checks, ...q.ops);
    }
    try {
      const res = await this.client.transact(OPEN_VSWITCH_DB, [...all, ...bumpCfg()]);
      return { committed: group.map((q, k) => ({ q, results: res.slice(at[k].start + at[k].checks, at[k].start + at[k].checks + q.ops.length) })), nextCfg: nextCfgOf(res) };
    } catch (e) {
      // Only a transaction the server refused is known not to have committed; anything else (disconnect,
      // timeout) fails the whole group.
      if (!(e instanceof OvsdbError)) throw e;
    }
    // Each on its own, pipelined in submission order on the one connection.
    const each = await Promise.allSettled(group.map((q) => commitAlone(this.client, q)));
    const committed: { q: Queued; results: unknown[] }[] = [];
    let nextCfg = 0;
    each.forEach((s, k) => {
      if (s.status === 'rejected') group[k].reject(s.reason);
      else {
        committed.push({ q: group[k], results: s.value.results });
        nextCfg = Math.max(nextCfg, s.value.nextCfg);
      }
    });
    return { committed, nextCfg };
  }
}

const groups = new WeakMap<OvsdbClient, GroupCommit>();
function groupCommitFor(client: OvsdbClient): GroupCommit {
  let g = groups.get(client);
  if (!g) groups.set(client, (g = new GroupCommit(client)));
  return g;
}
