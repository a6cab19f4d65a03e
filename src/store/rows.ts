import { Uuid, type Atom, type Row, type Value } from '../ovsdb/index.js';
import type { Assignment, ClusterConfig, Endpoint, Host, Pod, TunnelType } from './types.js';

/*
 * OVSDB rows of schema/loris.ovsschema → the Store's plain records. Accessors accept a value decoded
 * with or without the schema (an optional column is `[]`, `[x]` or a bare `x`).
 */

export const T_CLUSTER = 'Cluster';
export const T_HOST = 'Host';
export const T_POD = 'Pod';
export const T_ENDPOINT = 'Endpoint';

function one(v: Value | undefined): Atom | undefined {
  if (Array.isArray(v)) return v[0];
  if (v instanceof Map) return undefined;
  return v;
}

export function str(v: Value | undefined): string {
  const a = one(v);
  return a === undefined ? '' : a instanceof Uuid ? a.uuid : String(a);
}

export function optStr(v: Value | undefined): string | undefined {
  const a = one(v);
  return a === undefined ? undefined : str(a);
}

export function int(v: Value | undefined): number {
  const a = one(v);
  return typeof a === 'number' ? a : 0;
}

function optInt(v: Value | undefined): number | undefined {
  const a = one(v);
  return typeof a === 'number' ? a : undefined;
}

export function uuidOf(v: Value | undefined): string {
  const a = one(v);
  return a instanceof Uuid ? a.uuid : typeof a === 'string' ? a : '';
}

function strMap(v: Value | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (v instanceof Map) for (const [k, x] of v) out[str(k)] = str(x);
  return out;
}

export function toStrMap(r: Readonly<Record<string, string>> | undefined): Map<Atom, Atom> {
  return new Map(Object.entries(r ?? {}));
}

export function clusterOf(uuid: string, r: Row): ClusterConfig {
  return {
    uuid,
    tunnelType: str(r.tunnel_type) as TunnelType,
    podSubnetPool: optStr(r.pod_subnet_pool),
    podPrefixLen: int(r.pod_prefix_len),
    underlayMtu: int(r.underlay_mtu),
    externalIds: strMap(r.external_ids),
  };
}

export function hostOf(uuid: string, r: Row): Host {
  return {
    uuid,
    name: str(r.name),
    address: str(r.address),
    tunnelType: optStr(r.tunnel_type) as TunnelType | undefined,
    lastSeen: int(r.last_seen),
    agentVersion: str(r.agent_version),
    externalIds: strMap(r.external_ids),
  };
}

export function podOf(uuid: string, r: Row): Pod {
  const number = int(r.number);
  return { uuid, number, tunnelKey: number, subnet: optStr(r.subnet), mtu: optInt(r.mtu), externalIds: strMap(r.external_ids) };
}

/** `podNumber`/`hostName` resolve the references (the caller's view of Pod and Host rows). */
export function endpointOf(uuid: string, r: Row, podNumber: (podUuid: string) => number, hostName: (hostUuid: string) => string): Endpoint {
  const podUuid = uuidOf(r.pod);
  const hostUuid = uuidOf(r.host);
  return {
    uuid,
    pod: podNumber(podUuid),
    podUuid,
    host: hostName(hostUuid),
    hostUuid,
    containerId: str(r.container_id),
    containerName: str(r.container_name),
    ifname: str(r.ifname),
    portName: str(r.port_name),
    mac: str(r.mac),
    ip: str(r.ip),
    prefixLen: int(r.prefix_len),
    assignment: str(r.assignment) as Assignment,
    externalIds: strMap(r.external_ids),
  };
}
