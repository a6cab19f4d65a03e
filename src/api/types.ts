import type { TunnelType } from './validate.js';

/** Where the `Loris` API finds Open vSwitch, the store and its own run-time files. */
export interface LorisOptions {
  /** OVSDB remote of this host's Open_vSwitch database (default `unix:/var/run/openvswitch/db.sock`). */
  db?: string;
  /** Store remotes, comma-separated (`tcp:A:6641,tcp:B:6641,…`); default: embedded in the `db` server. */
  store?: string;
  /** Embedded store's database file (default /etc/openvswitch/loris.db); ignored with `store`. */
  storeFile?: string;
  /** Directory for the agent's pidfile and log and the lab state (default `/var/run/loris`). */
  runDir?: string;
  /** Integration bridge (default `br-int`). */
  bridge?: string;
  /**
   * Docker Engine endpoint used to resolve container names and ids (`unix:///path`; default: the DOCKER_HOST of
   * this process, else /var/run/docker.sock). Each connect/disconnect may name its own (`ContainerOptions`).
   */
  dockerHost?: string;
  /** Called with a short line for each step of a long operation. */
  onProgress?: (msg: string) => void;
}

/** Per-call options of connect/disconnect. */
export interface ContainerOptions {
  /**
   * The Docker Engine endpoint to resolve this container argument with (`unix:///path`); '' for the default socket.
   * The CLI sends its own DOCKER_HOST with a request it hands to the agent, so the agent resolves names where the
   * command's user would.
   */
  dockerHost?: string;
}

export const DEFAULT_DB = 'unix:/var/run/openvswitch/db.sock';
export const DEFAULT_RUN_DIR = '/var/run/loris';
export const DEFAULT_BRIDGE = 'br-int';

export interface InitOptions {
  /** This host's name in the store (default: the system host name). Must be unique in a shared store. */
  name?: string;
  /** Underlay address of this host; detected over netlink when omitted. */
  localIp?: string;
  /** Tunnel type between hosts, `vxlan` (default) or `gre`; strings are validated. */
  tunnel?: TunnelType | string;
  /** Start `loris agent` in the background (default true). */
  agent?: boolean;
}

export interface AgentInfo {
  running: boolean;
  pid?: number;
  /** True when this call started it. */
  started?: boolean;
  log?: string;
  pidfile?: string;
}

export interface InitResult {
  changed: boolean;
  hostName: string;
  localIp: string;
  tunnel: TunnelType;
  ovsVersion: string;
  datapathType: string;
  bridge: string;
  agent: AgentInfo;
}

export interface ClusterResult {
  changed: boolean;
  added: string[];
  existing: string[];
}

/** A container's interface on a pod, as the store records it. */
export interface EndpointInfo {
  container: string;
  pod: number;
  /** Interface name inside the container (eth1, eth2, …). */
  interface: string;
  ip: string;
  prefix: number;
  mac: string;
  assignment: 'static' | 'dhcp';
  /** Store name of the host the container runs on. */
  host: string;
}

export interface ConnectResult extends EndpointInfo {
  /** False when the container was already connected to the pod exactly so: nothing changed. */
  changed: boolean;
  /** Host-side veth name (the OVS port). */
  hostInterface: string;
  ofport: number;
}

export interface DisconnectResult {
  changed: boolean;
  container: string;
  pod: number;
  interface?: string;
}

export interface CleanupResult {
  changed: boolean;
  ports: string[];
  bridges: string[];
  endpoints: number;
  agentStopped: boolean;
}

export interface TunnelInfo {
  remote: string;
  port: string;
  type: TunnelType;
  ofport?: number;
}

export interface StatusResult {
  initialised: boolean;
  hostName?: string;
  localIp?: string;
  ovsVersion?: string;
  bridge: string;
  tunnel?: TunnelType;
  agent: AgentInfo;
  tunnels: TunnelInfo[];
  endpoints: EndpointInfo[];
}

export interface PodInfo {
  pod: number;
  subnet?: string;
  tunnelKey: number;
  mtu?: number;
  endpoints: number;
}
