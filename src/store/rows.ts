import { Uuid, type Atom, type Row, type Value } from '../ovsdb/index.js';
import type { Cluster as ClusterRow, Endpoint as EndpointRow, Host as HostRow, Pod as PodRow } from './schema-types.js';
import type { Assignment, ClusterConfig, Endpoint, Host, Pod, TunnelType } from './types.js';

/*
 * OVSDB rows of schema/loris.ovsschema → the Store's plain records. Column names are checked against the
 * interfaces generated from the schema (schema-types.ts, scripts/gen-ovsdb-types.ts), so a schema change
 * that renames or drops a column breaks the build here. Accessors accept a value decoded with or without
 * the schema (an optional column is `[]`, `[x]` or a bare `x`: select results are decoded without it).
 */

/** A column of a generated row type. */
type Col<T> = Exclude<keyof T, '_uuid'> & string;

/** Values to write into a row of table type `T` (column names checked against the schema). */
export type Columns<T> = { [K in Col<T>]?: Value };
export type ClusterColumns = Columns<ClusterRow>;
export type HostColumns = Columns<HostRow>;
export type PodColumns = Columns<PodRow>;
export type EndpointColumns = Columns<EndpointRow>;

/** Reads column `c` of a row of table type `T` (a raw Row: see above). */
function col<T>(r: Row, c: Col<T>): Value | undefined {
  return r[c];
}

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
    tunnelType: str(col<ClusterRow>(r, 'tunnel_type')) as TunnelType,
    podSubnetPool: optStr(col<ClusterRow>(r, 'pod_subnet_pool')),
    podPrefixLen: int(col<ClusterRow>(r, 'pod_prefix_len')),
    underlayMtu: int(col<ClusterRow>(r, 'underlay_mtu')),
    externalIds: strMap(col<ClusterRow>(r, 'external_ids')),
  };
}

export function hostOf(uuid: string, r: Row): Host {
  return {
    uuid,
    name: str(col<HostRow>(r, 'name')),
    address: str(col<HostRow>(r, 'address')),
    tunnelType: optStr(col<HostRow>(r, 'tunnel_type')) as TunnelType | undefined,
    lastSeen: int(col<HostRow>(r, 'last_seen')),
    agentVersion: str(col<HostRow>(r, 'agent_version')),
    externalIds: strMap(col<HostRow>(r, 'external_ids')),
  };
}

export function podOf(uuid: string, r: Row): Pod {
  const number = int(col<PodRow>(r, 'number'));
  return { uuid, number, tunnelKey: number, subnet: optStr(col<PodRow>(r, 'subnet')), mtu: optInt(col<PodRow>(r, 'mtu')), externalIds: strMap(col<PodRow>(r, 'external_ids')) };
}

/** `podNumber`/`hostName` resolve the references (the caller's view of Pod and Host rows). */
export function endpointOf(uuid: string, r: Row, podNumber: (podUuid: string) => number, hostName: (hostUuid: string) => string): Endpoint {
  const podUuid = uuidOf(col<EndpointRow>(r, 'pod'));
  const hostUuid = uuidOf(col<EndpointRow>(r, 'host'));
  return {
    uuid,
    pod: podNumber(podUuid),
    podUuid,
    host: hostName(hostUuid),
    hostUuid,
    containerId: str(col<EndpointRow>(r, 'container_id')),
    containerName: str(col<EndpointRow>(r, 'container_name')),
    ifname: str(col<EndpointRow>(r, 'ifname')),
    portName: str(col<EndpointRow>(r, 'port_name')),
    mac: str(col<EndpointRow>(r, 'mac')),
    ip: str(col<EndpointRow>(r, 'ip')),
    prefixLen: int(col<EndpointRow>(r, 'prefix_len')),
    assignment: str(col<EndpointRow>(r, 'assignment')) as Assignment,
    externalIds: strMap(col<EndpointRow>(r, 'external_ids')),
  };
}
