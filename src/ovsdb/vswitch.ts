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
const mustExist = (table: string, name: string): Operation => wait(table, [eq('name', name)], ['name'], [{ name }], { timeout: 0 });

export class Vswitch {
  private seq = 0;
  constructor(
    readonly client: OvsdbClient,
    readonly opts: { wait?: boolean; waitTimeoutMs?: number } = {},
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
   * `cur_cfg` reaches the new `next_cfg`. `checks` are leading wait ops whose failure means
   * "missing bridge" (mapped to NoSuchBridgeError).
   */
  async apply(ops: readonly Operation[], o: ApplyOptions & { requireBridges?: readonly string[]; require?: readonly { table: string; name: string }[] } = {}): Promise<unknown[]> {
    const required = [...(o.requireBridges ?? []).map((name) => ({ table: 'Bridge', name })), ...(o.require ?? [])];
    const checks = required.map((r) => mustExist(r.table, r.name));
    const all: Operation[] = [...checks, ...ops, mutate('Open_vSwitch', [], [mutation('next_cfg', '+=', 1)]), select('Open_vSwitch', [], ['next_cfg'])];
    let res: unknown[];
    try {
      res = await this.client.transact(OPEN_VSWITCH_DB, all);
    } catch (e) {
      if (e instanceof OvsdbError && e.error === 'timed out' && e.opIndex !== undefined && e.opIndex < checks.length) {
        const r = required[e.opIndex];
        throw r.table === 'Bridge' ? new NoSuchBridgeError(r.name) : new LorisError('LORIS_OVSDB_NO_SUCH_ROW', `${r.table} ${r.name} does not exist; create it first`);
      }
      throw e;
    }
    const nextCfg = Number((res[res.length - 1] as { rows: Record<string, Value>[] }).rows[0]?.next_cfg);
    if (o.wait ?? this.opts.wait ?? true) await this.waitApplied(nextCfg);
    return res.slice(checks.length, checks.length + ops.length);
  }

  /** Blocks until ovs-vswitchd reports `cur_cfg >= nextCfg` (a server-side wait; no polling). */
  async waitApplied(nextCfg: number, timeoutMs = this.opts.waitTimeoutMs ?? 30_000): Promise<void> {
    try {
      await this.client.transact(OPEN_VSWITCH_DB, [wait('Open_vSwitch', [['cur_cfg', '>=', nextCfg]], ['cur_cfg'], [], { until: '!=', timeout: timeoutMs })] as const, {
        timeoutMs: timeoutMs + 5000,
      });
    } catch (e) {
      if (e instanceof OvsdbError && e.error === 'timed out') throw new TimeoutError(`ovs-vswitchd applying configuration ${nextCfg} (is ovs-vswitchd running?)`, timeoutMs);
      throw e;
    }
  }

  // ---- bridges ----

  /** Creates a bridge with its internal port, like `ovs-vsctl add-br` plus `set bridge …`. */
  async addBridge(name: string, o: BridgeOptions = {}): Promise<Uuid | undefined> {
    if (o.mayExist) {
      const cur = await this.selectOne('Bridge', [eq('name', name)], ['_uuid']);
      if (cur) return cur._uuid as Uuid;
    }
    const id = ++this.seq;
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
    const id = ++this.seq;
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
    const base = ++this.seq;
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
    const [r] = await this.client.transact(OPEN_VSWITCH_DB, [select('Interface', [], ['_uuid', 'ofport', 'error'])] as const);
    const byId = new Map(r.rows.map((x) => [(x._uuid as Uuid).uuid, x]));
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
