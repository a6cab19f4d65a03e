import { existsSync } from 'node:fs';
import type { OvsdbClient } from '../ovsdb/client.js';
import { Uuid, namedUuid, uuid, type Atom, type Row, type Value } from '../ovsdb/notation.js';
import { del, insert, mutate, select, update, type Operation } from '../ovsdb/operations.js';
import { LorisError } from '../errors.js';
import { fnv1a32 } from './pipeline.js';

/**
 * The controller's OVSDB side (database Open_vSwitch): the integration bridge and one tunnel port per remote
 * host. Everything is one transaction per change, tagged with `external_ids:loris-*` so loris only ever edits
 * rows it created.
 */

export const VSWITCH_DB = 'Open_vSwitch';
export type TunnelType = 'vxlan' | 'gre';

export interface TunnelSpec {
  /** Port and interface name (≤ 15 characters). */
  name: string;
  type: TunnelType;
  remoteIp: string;
  localIp?: string;
  /** The remote host's name, kept in external_ids:loris-host. */
  host: string;
}

export class BridgeConfigError extends LorisError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('LORIS_CONTROLLER_BRIDGE', message, options);
  }
}

/** `system` when the kernel has the openvswitch module, else `netdev` (userspace datapath). */
export function autoDatapathType(): 'system' | 'netdev' {
  return existsSync('/sys/module/openvswitch') ? 'system' : 'netdev';
}

const str = (v: Value | undefined): string => (typeof v === 'string' ? v : '');
function mapOf(v: Value | undefined): Map<string, string> {
  const m = new Map<string, string>();
  if (v instanceof Map) for (const [k, x] of v) m.set(String(k), String(x));
  return m;
}
function uuids(v: Value | undefined): Uuid[] {
  if (v instanceof Uuid) return [v];
  return Array.isArray(v) ? v.filter((a): a is Uuid => a instanceof Uuid) : [];
}
const uuidOf = (r: Row): Uuid => {
  const u = r._uuid;
  if (!(u instanceof Uuid)) throw new BridgeConfigError('ovsdb returned a row without _uuid; is this an Open_vSwitch database?');
  return u;
};

/**
 * Creates the integration bridge when missing, and otherwise enforces what loris needs of it:
 * fail_mode=secure, protocols=OpenFlow13, in-band control off. The datapath type is only set on creation
 * (changing it re-creates the datapath).
 */
export async function ensureIntegrationBridge(db: OvsdbClient, bridge: string, datapathType: string = autoDatapathType()): Promise<void> {
  const settings = {
    fail_mode: 'secure',
    protocols: ['OpenFlow13'] as Atom[],
    other_config: new Map<Atom, Atom>([['disable-in-band', 'true']]),
  };
  const [found] = await db.transact(VSWITCH_DB, [select('Bridge', [['name', '==', bridge]], ['_uuid', 'fail_mode', 'protocols', 'other_config'])]);
  if (found.rows.length > 0) {
    const row = found.rows[0];
    const other = mapOf(row.other_config);
    other.set('disable-in-band', 'true');
    await db.transact(VSWITCH_DB, [update('Bridge', [['_uuid', '==', uuidOf(row)]], { ...settings, other_config: new Map<Atom, Atom>(other) })]);
    return;
  }
  const [ovs] = await db.transact(VSWITCH_DB, [select('Open_vSwitch', [], ['_uuid'])]);
  if (ovs.rows.length !== 1) throw new BridgeConfigError(`the Open_vSwitch table has ${ovs.rows.length} rows; initialise the database first (ovs-vsctl init)`);
  await db.transact(VSWITCH_DB, [
    insert('Interface', { name: bridge, type: 'internal' }, 'iface'),
    insert('Port', { name: bridge, interfaces: namedUuid('iface') }, 'port'),
    insert('Bridge', { name: bridge, ports: namedUuid('port'), datapath_type: datapathType, external_ids: new Map<Atom, Atom>([['loris', 'integration']]), ...settings }, 'br'),
    mutate('Open_vSwitch', [['_uuid', '==', uuidOf(ovs.rows[0])]], [['bridges', 'insert', namedUuid('br')]]),
  ]);
}

/**
 * Makes the bridge's loris tunnel ports exactly `tunnels` (add missing, fix changed, remove the rest) in one
 * transaction. Returns how many ports were added, changed and removed.
 */
export async function syncTunnels(db: OvsdbClient, bridge: string, tunnels: readonly TunnelSpec[]): Promise<{ added: number; changed: number; removed: number }> {
  const [brs, ports, ifaces] = await db.transact(VSWITCH_DB, [
    select('Bridge', [['name', '==', bridge]], ['_uuid', 'ports']),
    select('Port', [], ['_uuid', 'name', 'interfaces', 'external_ids']),
    select('Interface', [], ['_uuid', 'name', 'type', 'options']),
  ]);
  if (brs.rows.length === 0) throw new BridgeConfigError(`bridge ${bridge} does not exist; the controller creates it at start`);
  const br = brs.rows[0];
  const onBridge = new Set(uuids(br.ports).map((u) => u.uuid));
  const ifaceById = new Map(ifaces.rows.map((r) => [uuidOf(r).uuid, r]));
  const ours = new Map<string, { port: Row; iface: Row | undefined }>();
  for (const p of ports.rows) {
    if (!onBridge.has(uuidOf(p).uuid) || !mapOf(p.external_ids).has('loris-host')) continue;
    ours.set(str(p.name), { port: p, iface: ifaceById.get(uuids(p.interfaces)[0]?.uuid ?? '') });
  }
  const ops: Operation[] = [];
  const stats = { added: 0, changed: 0, removed: 0 };
  const want = new Map(tunnels.map((t) => [t.name, t]));
  const options = (t: TunnelSpec): Map<Atom, Atom> => new Map<Atom, Atom>([['remote_ip', t.remoteIp], ['key', 'flow'], ...(t.localIp ? ([['local_ip', t.localIp]] as [Atom, Atom][]) : [])]);
  let n = 0;
  for (const t of tunnels) {
    const have = ours.get(t.name);
    if (!have) {
      const i = `i${n}`;
      const p = `p${n++}`;
      ops.push(insert('Interface', { name: t.name, type: t.type, options: options(t) }, i));
      ops.push(insert('Port', { name: t.name, interfaces: namedUuid(i), external_ids: new Map<Atom, Atom>([['loris-host', t.host]]) }, p));
      ops.push(mutate('Bridge', [['_uuid', '==', uuidOf(br)]], [['ports', 'insert', namedUuid(p)]]));
      stats.added++;
      continue;
    }
    const opts = mapOf(have.iface?.options);
    const same = have.iface && str(have.iface.type) === t.type && opts.get('remote_ip') === t.remoteIp && opts.get('key') === 'flow' && (opts.get('local_ip') ?? '') === (t.localIp ?? '') && opts.size === (t.localIp ? 3 : 2);
    if (!same && have.iface) ops.push(update('Interface', [['_uuid', '==', uuidOf(have.iface)]], { type: t.type, options: options(t) }));
    // The peer was renamed (registered by address, then under its own name): same port, new tag.
    const ids = mapOf(have.port.external_ids);
    const renamed = ids.get('loris-host') !== t.host;
    if (renamed) ops.push(update('Port', [['_uuid', '==', uuidOf(have.port)]], { external_ids: new Map<Atom, Atom>([...ids, ['loris-host', t.host]]) }));
    if ((!same && have.iface) || renamed) stats.changed++;
  }
  for (const [name, have] of ours) {
    if (want.has(name)) continue;
    ops.push(mutate('Bridge', [['_uuid', '==', uuidOf(br)]], [['ports', 'delete', uuid(uuidOf(have.port).uuid)]]));
    ops.push(del('Port', [['_uuid', '==', uuidOf(have.port)]]));
    stats.removed++;
  }
  if (ops.length) await db.transact(VSWITCH_DB, ops);
  return stats;
}

/** Tunnel type between two hosts: their overrides when they agree (or one is set), else the cluster's. GRE wins a disagreement. */
export function pairTunnelType(cluster: TunnelType, a: TunnelType | undefined, b: TunnelType | undefined): TunnelType {
  if (a && b) return a === b ? a : 'gre';
  return a ?? b ?? cluster;
}

/**
 * A deterministic, IFNAMSIZ-safe tunnel port name for a remote host's underlay address: `lt` + 8 hex digits of
 * FNV-1a. Keyed by the address, not the host name: a peer registered by address and renamed when it registers
 * itself keeps its port (a new port with the same remote would fail in vswitchd with "File exists").
 */
export function tunnelPortName(address: string, fnv: (s: string) => number): string {
  return `lt${fnv(address).toString(16).padStart(8, '0')}`;
}

/**
 * The tunnel ports this host needs: one per other host address, typed per pair (see pairTunnelType). Two host rows
 * with one address (a store caught mid-rename) give one port, tagged with the later row's name.
 */
export function desiredTunnels(hosts: readonly { name: string; address: string; tunnelType: TunnelType | undefined }[], self: string, cluster: TunnelType): TunnelSpec[] {
  const me = hosts.find((h) => h.name === self);
  const out = new Map<string, TunnelSpec>();
  for (const h of hosts) {
    if (h.name === self || !h.address) continue;
    const spec: TunnelSpec = { name: tunnelPortName(h.address, fnv1a32), type: pairTunnelType(cluster, me?.tunnelType, h.tunnelType), remoteIp: h.address, host: h.name };
    if (me?.address) spec.localIp = me.address;
    out.set(spec.name, spec);
  }
  return [...out.values()];
}
