import type { SslOptions } from '../ovsdb/transport.js';

/*
 * The plain data the Store hands out. Rows of schema/loris.ovsschema, with references resolved
 * (an endpoint names its pod by number and its host by name) and optional columns as `undefined`.
 */

export type TunnelType = 'vxlan' | 'gre';
export type Assignment = 'static' | 'dhcp';

/** Pod numbers are 24-bit tunnel keys (VXLAN VNI / GRE key); 0 is reserved (untagged tunnel traffic). */
export const MIN_POD = 1;
export const MAX_POD = 0xffffff;
/** The pod an endpoint joins when the user names none. */
export const GLOBAL_POD = 1;

/** Default interface name inside the container. */
export const DEFAULT_IFNAME = 'eth1';

/** Encapsulation overhead subtracted from the underlay MTU (outer IPv4, no options). */
export const TUNNEL_OVERHEAD: Record<TunnelType, number> = { vxlan: 50, gre: 42 };

export interface ClusterConfig {
  readonly uuid: string;
  readonly tunnelType: TunnelType;
  /** Pods without an explicit subnet get the pod-th /podPrefixLen block of this pool (see ipam.podSubnetFromPool). */
  readonly podSubnetPool: string | undefined;
  readonly podPrefixLen: number;
  readonly underlayMtu: number;
  readonly externalIds: Readonly<Record<string, string>>;
}

export interface Host {
  readonly uuid: string;
  readonly name: string;
  /** Underlay IPv4 address (tunnel endpoint), unique. */
  readonly address: string;
  /** Overrides the cluster's tunnel type towards this host. */
  readonly tunnelType: TunnelType | undefined;
  /** Milliseconds since the epoch of the last registerHost/heartbeat; 0 for hosts registered by a peer. */
  readonly lastSeen: number;
  readonly agentVersion: string;
  readonly externalIds: Readonly<Record<string, string>>;
}

export interface Pod {
  readonly uuid: string;
  readonly number: number;
  /** The tunnel key (VNI / GRE key) carrying the pod between hosts: the pod number. */
  readonly tunnelKey: number;
  /** Explicit subnet (CIDR) or the one carved from the cluster pool; undefined: static addresses only. */
  readonly subnet: string | undefined;
  /** Explicit MTU override; the effective MTU is `Store.effectiveMtu(pod)`. */
  readonly mtu: number | undefined;
  readonly externalIds: Readonly<Record<string, string>>;
}

export interface Endpoint {
  readonly uuid: string;
  readonly pod: number;
  readonly podUuid: string;
  /** Host name ('' while the replica hasn't seen the host row). */
  readonly host: string;
  readonly hostUuid: string;
  readonly containerId: string;
  readonly containerName: string;
  /** Interface name inside the container. */
  readonly ifname: string;
  /** OVS port name on the host's integration bridge ('' until attached). */
  readonly portName: string;
  readonly mac: string;
  readonly ip: string;
  readonly prefixLen: number;
  readonly assignment: Assignment;
  readonly externalIds: Readonly<Record<string, string>>;
}

export interface AllocateRequest {
  /** Pod number; GLOBAL_POD when omitted. */
  readonly pod?: number;
  readonly container: { readonly id: string; readonly name?: string };
  /** Interface name inside the container (default eth1). */
  readonly ifname?: string;
  /** `'dhcp'` (lowest free address of the pod's subnet) or a static address, with or without /prefix. */
  readonly ip: string;
  /** A MAC to use; loris derives one (pod + IP) when omitted. */
  readonly mac?: string;
  /** Host name; this store's host when omitted. */
  readonly host?: string;
  readonly portName?: string;
  readonly externalIds?: Readonly<Record<string, string>>;
}

export interface RegisterHostRequest {
  readonly name?: string;
  readonly address: string;
  readonly tunnelType?: TunnelType;
  readonly agentVersion?: string;
}

export type StoreEvent<T> =
  | { readonly type: 'insert'; readonly new: T }
  | { readonly type: 'update'; readonly old: T; readonly new: T }
  | { readonly type: 'delete'; readonly old: T };

export interface StoreEventMap {
  endpoint: [StoreEvent<Endpoint>];
  pod: [StoreEvent<Pod>];
  host: [StoreEvent<Host>];
  cluster: [StoreEvent<ClusterConfig>];
}

/** Where the embedded store lives: a database added to the host's own ovsdb-server. */
export interface EmbeddedOptions {
  /** ovsdb-server's unixctl socket; default: `<rundir>/ovsdb-server.<pid>.ctl` next to the unix remote. */
  readonly control?: string;
  /** The database file; created (empty Loris schema) when missing. Default `/etc/openvswitch/loris.db`. */
  readonly file?: string;
}

export interface StoreOptions {
  /** `unix:/path`, `tcp:IP:PORT`, `ssl:IP:PORT`, or a list / comma-separated list for a Raft cluster. */
  readonly remotes: string | readonly string[];
  /** This host's name: the default `host` of allocate(). */
  readonly host?: string;
  /** Key, certificate and CA (PEM) for `ssl:` remotes. */
  readonly tls?: SslOptions;
  /**
   * Embedded deployment: when the server has no Loris database, add one through its unixctl socket
   * (`ovsdb-server/add-db`). `true` uses the defaults. Ignored for clusters (the operator creates them).
   */
  readonly embedded?: boolean | EmbeddedOptions;
  /** Per-request timeout (default 10 s). */
  readonly timeoutMs?: number;
}
