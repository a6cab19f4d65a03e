import { OFPP_CONTROLLER, OFPP_IN_PORT, OFPCML_NO_BUFFER, type Action } from '../ofproto/actions.js';
import type { Instruction } from '../ofproto/instructions.js';
import type { FlowMod } from '../ofproto/flow-mod.js';
import type { Match } from '../ofproto/match.js';

/**
 * The loris pipeline as a pure function of plain state (see docs/pipeline.md for the design and the diagram).
 * `desiredFlows(state)` is the whole table; `ownerFlows(state, index, owner)` the flows of one owner (a pod, a
 * local or a remote endpoint, or the base table-miss flows), which the controller uses for incremental updates.
 * Both are linear in the number of endpoints.
 */

export const T_CLASSIFY = 0;
export const T_PORT_SECURITY = 1;
export const T_ARP_RESPONDER = 2;
export const T_L2_FORWARD = 3;
export const T_FLOOD = 4;
export const TABLES = [T_CLASSIFY, T_PORT_SECURITY, T_ARP_RESPONDER, T_L2_FORWARD, T_FLOOD] as const;

export const META_POD_MASK = 0xffffffn;
export const META_FROM_TUNNEL = 1n << 24n;
export const META_MASK = META_POD_MASK | META_FROM_TUNNEL;

/** Top byte of every loris cookie; reconciliation only deletes flows carrying it. */
export const COOKIE_MAGIC = 0x4cn;
export const COOKIE_MAGIC_MASK = 0xff00000000000000n;
export const COOKIE_OWNER_MASK = 0xffffffffffffffn;
export const ROLE_BASE = 1;
export const ROLE_POD = 2;
export const ROLE_LOCAL_ENDPOINT = 3;
export const ROLE_REMOTE_ENDPOINT = 4;
/** Flows the switch learned (learn mode): reconciliation leaves them to their idle timeout. */
export const ROLE_LEARNED = 5;
export const LEARN_IDLE_TIMEOUT = 300;
export const PRIO_LEARNED = 90;
export const PRIO_UNKNOWN_UNICAST = 10;

export const PRIO_DHCP = 110;
/** The meter loris installs to rate-limit DHCP packet-ins. */
export const DHCP_METER_ID = 1;
export const PRIO_HIGH = 100;
export const PRIO_MULTICAST = 50;
export const PRIO_MISS = 0;

/** OXM vlan_vid value meaning "no 802.1Q tag" (OFPVID_NONE). */
const VLAN_NONE = 0;
const ETH_IPV4 = 0x0800;
const ETH_ARP = 0x0806;
const ARP_REQUEST = 1;
const ARP_REPLY = 2;
const IPPROTO_UDP = 17;
const MULTICAST = { value: '01:00:00:00:00:00', mask: '01:00:00:00:00:00' };

export interface PipelineEndpoint {
  /** Stable id (the store's row uuid). */
  id: string;
  /** Pod number (= tunnel key), 1..2^24-1. */
  pod: number;
  /** Name of the host the endpoint lives on. */
  host: string;
  mac: string;
  /** IPv4 address without prefix; absent while unknown (then only DHCP is allowed). */
  ip?: string;
  /** OpenFlow port on this host's bridge; only for local endpoints, absent until the port exists. */
  ofport?: number;
}

export interface DhcpServerIdentity {
  ip: string;
  mac: string;
}

export const DEFAULT_DHCP_SERVER: DhcpServerIdentity = { ip: '169.254.169.254', mac: '0a:58:a9:fe:a9:fe' };

export interface PipelineState {
  /** Name of the host this pipeline is for. */
  host: string;
  endpoints: Iterable<PipelineEndpoint>;
  /** OpenFlow port of the tunnel to each remote host, by host name. */
  tunnels: ReadonlyMap<string, number>;
  /** The DHCP server identity answered for in every pod (omit to disable DHCP). */
  dhcp?: DhcpServerIdentity;
  /** Answer ARP requests for known addresses in the switch (default true); when false ARP floods in the pod. */
  arpResponder?: boolean;
  /**
   * Learn remote endpoints instead of knowing them (hosts that do not share a store): every pod here accepts its key
   * from every peer, floods to every peer, and a `learn` action in T1 installs T3 flows for the source MACs seen
   * on tunnels (idle timeout `LEARN_IDLE_TIMEOUT`). Remote source MACs can then not be checked (see pipeline.md).
   */
  learnRemote?: boolean;
  /** OpenFlow meter that rate-limits DHCP packet-ins (`meter:N` before the output to the controller); none if absent. */
  dhcpMeter?: number;
}

export type Owner = { kind: 'base' } | { kind: 'pod'; pod: number } | { kind: 'endpoint'; id: string };

/** Endpoints grouped by pod and by id, with a count of this host's endpoints per pod; maintained incrementally. */
export interface PipelineIndex {
  host: string;
  byId: Map<string, PipelineEndpoint>;
  byPod: Map<number, Map<string, PipelineEndpoint>>;
  localCount: Map<number, number>;
}

export function buildIndex(host: string, endpoints: Iterable<PipelineEndpoint>): PipelineIndex {
  const idx: PipelineIndex = { host, byId: new Map(), byPod: new Map(), localCount: new Map() };
  for (const ep of endpoints) indexAdd(idx, ep);
  return idx;
}

/** Adds or replaces an endpoint. */
export function indexAdd(idx: PipelineIndex, ep: PipelineEndpoint): void {
  indexRemove(idx, ep.id);
  idx.byId.set(ep.id, ep);
  let m = idx.byPod.get(ep.pod);
  if (!m) idx.byPod.set(ep.pod, (m = new Map()));
  m.set(ep.id, ep);
  if (ep.host === idx.host) idx.localCount.set(ep.pod, (idx.localCount.get(ep.pod) ?? 0) + 1);
}

export function indexRemove(idx: PipelineIndex, id: string): PipelineEndpoint | undefined {
  const old = idx.byId.get(id);
  if (!old) return undefined;
  idx.byId.delete(id);
  const m = idx.byPod.get(old.pod);
  m?.delete(id);
  if (m?.size === 0) idx.byPod.delete(old.pod);
  if (old.host === idx.host) {
    const n = (idx.localCount.get(old.pod) ?? 1) - 1;
    if (n > 0) idx.localCount.set(old.pod, n);
    else idx.localCount.delete(old.pod);
  }
  return old;
}

/** 32-bit FNV-1a of a string: the owner bits of an endpoint's cookie. */
export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function makeCookie(role: number, owner: number | bigint): bigint {
  return (COOKIE_MAGIC << 56n) | (BigInt(role) << 48n) | (BigInt(owner) & 0xffffffffffffn);
}

export function ownerCookie(owner: Owner, local = true): bigint {
  switch (owner.kind) {
    case 'base':
      return makeCookie(ROLE_BASE, 0);
    case 'pod':
      return makeCookie(ROLE_POD, owner.pod);
    case 'endpoint':
      return makeCookie(local ? ROLE_LOCAL_ENDPOINT : ROLE_REMOTE_ENDPOINT, fnv1a32(owner.id));
  }
}

export const isLorisCookie = (cookie: bigint): boolean => (cookie & COOKIE_MAGIC_MASK) === COOKIE_MAGIC << 56n;
/** Flows the controller manages: loris cookies except learned ones (those belong to the switch). */
export const isManagedCookie = (cookie: bigint): boolean => isLorisCookie(cookie) && Number((cookie >> 48n) & 0xffn) !== ROLE_LEARNED;

/** A stable string key for an owner (map key in the controller). */
export function ownerKey(o: Owner): string {
  return o.kind === 'base' ? 'base' : o.kind === 'pod' ? `pod:${o.pod}` : `ep:${o.id}`;
}

function fm(tableId: number, priority: number, cookie: bigint, match: Match, instructions: Instruction[]): FlowMod {
  return {
    type: 'flow_mod', cookie, cookieMask: 0n, tableId, command: 'add', idleTimeout: 0, hardTimeout: 0, priority,
    bufferId: 0xffffffff, outPort: 0xffffffff, outGroup: 0xffffffff, flags: 0, match, instructions,
  };
}

const apply = (...actions: Action[]): Instruction => ({ type: 'apply_actions', actions });
const goto = (tableId: number): Instruction => ({ type: 'goto_table', tableId });
const output = (port: number): Action => ({ type: 'output', port });
const setTunId = (pod: number): Action => ({ type: 'set_field', field: 'tunnelId', value: BigInt(pod) });
const meta = (pod: number, fromTunnel: boolean): bigint => BigInt(pod) | (fromTunnel ? META_FROM_TUNNEL : 0n);

/** Table-miss flows: drop in every table except the ARP responder, whose misses continue to forwarding. */
export function baseFlows(): FlowMod[] {
  const cookie = ownerCookie({ kind: 'base' });
  return TABLES.map((t) => fm(t, PRIO_MISS, cookie, {}, t === T_ARP_RESPONDER ? [goto(T_L2_FORWARD)] : []));
}

/** True when this host has at least one endpoint of `pod` (only then does the pod get flows here). */
export function podIsLocal(idx: PipelineIndex, pod: number): boolean {
  return (idx.localCount.get(pod) ?? 0) > 0;
}

/** Flows owned by a pod: tunnel ingress per remote host having the pod, flood (both origins), DHCP server ARP. */
export function podFlows(state: PipelineState, idx: PipelineIndex, pod: number): FlowMod[] {
  const members = idx.byPod.get(pod);
  if (!members || !podIsLocal(idx, pod)) return [];
  const cookie = ownerCookie({ kind: 'pod', pod });
  const localPorts: number[] = [];
  const remoteHosts = new Set<string>();
  for (const ep of members.values()) {
    if (ep.host === state.host) {
      if (ep.ofport !== undefined) localPorts.push(ep.ofport);
    } else if (state.tunnels.has(ep.host)) remoteHosts.add(ep.host);
  }
  if (state.learnRemote) for (const h of state.tunnels.keys()) remoteHosts.add(h);
  localPorts.sort((a, b) => a - b);
  const tunnelPorts = [...remoteHosts].sort().map((h) => state.tunnels.get(h) ?? 0);
  const flows: FlowMod[] = [];
  for (const port of tunnelPorts) {
    flows.push(fm(T_CLASSIFY, PRIO_HIGH, cookie, { inPort: port, tunnelId: BigInt(pod) }, [
      { type: 'write_metadata', metadata: meta(pod, true), mask: META_MASK },
      goto(T_PORT_SECURITY),
    ]));
  }
  const localOut = localPorts.map(output);
  const tunnelOut = tunnelPorts.length ? [setTunId(pod), ...tunnelPorts.map(output)] : [];
  flows.push(fm(T_FLOOD, PRIO_HIGH, cookie, { metadata: { value: meta(pod, false), mask: META_MASK } }, localOut.length + tunnelOut.length ? [apply(...localOut, ...tunnelOut)] : []));
  flows.push(fm(T_FLOOD, PRIO_HIGH, cookie, { metadata: { value: meta(pod, true), mask: META_MASK } }, localOut.length ? [apply(...localOut)] : []));
  if (state.dhcp && state.arpResponder !== false) flows.push(arpResponder(pod, state.dhcp.ip, state.dhcp.mac, cookie));
  if (state.learnRemote) flows.push(...learnFlows(pod, cookie));
  return flows;
}

/**
 * Learn mode, per pod: frames from a tunnel (any source MAC, untagged) teach T3 where that MAC lives — a flow
 * `metadata=K (local origin),dl_dst=<src> → set tun_id, output:<the tunnel it came in on>` — and go on to T3;
 * local frames to a MAC nobody taught yet are flooded (T4).
 */
function learnFlows(pod: number, cookie: bigint): FlowMod[] {
  const teach: Action = {
    type: 'learn', idleTimeout: LEARN_IDLE_TIMEOUT, hardTimeout: 0, priority: PRIO_LEARNED, cookie: makeCookie(ROLE_LEARNED, pod), flags: 0,
    tableId: T_L2_FORWARD, finIdleTimeout: 0, finHardTimeout: 0,
    specs: [
      { dst: 'match', nBits: 24, field: 'metadata', ofs: 0, src: { field: 'metadata', ofs: 0 } },
      { dst: 'match', nBits: 1, field: 'metadata', ofs: 24, src: { value: 0n } },
      { dst: 'match', nBits: 48, field: 'ethDst', ofs: 0, src: { field: 'ethSrc', ofs: 0 } },
      { dst: 'load', nBits: 64, field: 'tunnelId', ofs: 0, src: { field: 'tunnelId', ofs: 0 } },
      { dst: 'output', nBits: 16, src: { field: 'nxmInPort', ofs: 0 } },
    ],
  };
  return [
    fm(T_PORT_SECURITY, PRIO_MULTICAST, cookie, { metadata: { value: meta(pod, true), mask: META_MASK }, vlanVid: VLAN_NONE }, [apply(teach), goto(T_L2_FORWARD)]),
    fm(T_L2_FORWARD, PRIO_UNKNOWN_UNICAST, cookie, { metadata: { value: meta(pod, false), mask: META_MASK } }, [goto(T_FLOOD)]),
  ];
}

function arpResponder(pod: number, ip: string, mac: string, cookie: bigint): FlowMod {
  return fm(T_ARP_RESPONDER, PRIO_HIGH, cookie, { metadata: { value: meta(pod, false), mask: META_POD_MASK }, ethType: ETH_ARP, arpOp: ARP_REQUEST, arpTpa: ip }, [
    apply(
      { type: 'reg_move', src: 'ethSrc', srcOfs: 0, dst: 'ethDst', dstOfs: 0, nBits: 48 },
      { type: 'set_field', field: 'ethSrc', value: mac },
      { type: 'set_field', field: 'arpOp', value: ARP_REPLY },
      { type: 'reg_move', src: 'arpSha', srcOfs: 0, dst: 'arpTha', dstOfs: 0, nBits: 48 },
      { type: 'reg_move', src: 'arpSpa', srcOfs: 0, dst: 'arpTpa', dstOfs: 0, nBits: 32 },
      { type: 'set_field', field: 'arpSha', value: mac },
      { type: 'set_field', field: 'arpSpa', value: ip },
      output(OFPP_IN_PORT),
    ),
  ]);
}

/** Flows owned by an endpoint: port security, ARP responder and forwarding (local), or their remote counterparts. */
export function endpointFlows(state: PipelineState, idx: PipelineIndex, ep: PipelineEndpoint): FlowMod[] {
  if (!podIsLocal(idx, ep.pod)) return [];
  const local = ep.host === state.host;
  const cookie = ownerCookie({ kind: 'endpoint', id: ep.id }, local);
  const pod = ep.pod;
  const podMeta = { value: meta(pod, false), mask: META_POD_MASK };
  const flows: FlowMod[] = [];
  if (ep.ip && state.arpResponder !== false) flows.push(arpResponder(pod, ep.ip, ep.mac, cookie));
  if (local) {
    if (ep.ofport === undefined) return flows;
    const port = ep.ofport;
    flows.push(fm(T_CLASSIFY, PRIO_HIGH, cookie, { inPort: port }, [{ type: 'write_metadata', metadata: meta(pod, false), mask: META_MASK }, goto(T_PORT_SECURITY)]));
    const src = { inPort: port, ethSrc: ep.mac, vlanVid: VLAN_NONE };
    if (state.dhcp) {
      const toController = apply({ type: 'output', port: OFPP_CONTROLLER, maxLen: OFPCML_NO_BUFFER });
      flows.push(fm(T_PORT_SECURITY, PRIO_DHCP, cookie, { ...src, ethType: ETH_IPV4, ipProto: IPPROTO_UDP, udpSrc: 68, udpDst: 67 }, state.dhcpMeter !== undefined ? [{ type: 'meter', meterId: state.dhcpMeter }, toController] : [toController]));
    }
    if (ep.ip) {
      flows.push(fm(T_PORT_SECURITY, PRIO_HIGH, cookie, { ...src, ethType: ETH_IPV4, ipv4Src: ep.ip }, [goto(T_ARP_RESPONDER)]));
      flows.push(fm(T_PORT_SECURITY, PRIO_HIGH, cookie, { ...src, ethType: ETH_ARP, arpSpa: ep.ip, arpSha: ep.mac }, [goto(T_ARP_RESPONDER)]));
    }
    flows.push(fm(T_L2_FORWARD, PRIO_HIGH, cookie, { metadata: podMeta, ethDst: ep.mac }, [apply(output(port))]));
    return flows;
  }
  const tunnel = state.tunnels.get(ep.host);
  if (tunnel === undefined) return flows;
  flows.push(fm(T_PORT_SECURITY, PRIO_HIGH, cookie, { inPort: tunnel, metadata: { value: meta(pod, true), mask: META_MASK }, ethSrc: ep.mac, vlanVid: VLAN_NONE }, [goto(T_L2_FORWARD)]));
  flows.push(fm(T_L2_FORWARD, PRIO_HIGH, cookie, { metadata: { value: meta(pod, false), mask: META_MASK }, ethDst: ep.mac }, [apply(setTunId(pod), output(tunnel))]));
  return flows;
}

/** The multicast/broadcast → flood flow is per pod but lives in T3; keep it with the pod's flows. */
function podMulticast(state: PipelineState, idx: PipelineIndex, pod: number): FlowMod[] {
  if (!podIsLocal(idx, pod)) return [];
  return [fm(T_L2_FORWARD, PRIO_MULTICAST, ownerCookie({ kind: 'pod', pod }), { metadata: { value: meta(pod, false), mask: META_POD_MASK }, ethDst: MULTICAST }, [goto(T_FLOOD)])];
}

/** Flows of one owner. */
export function ownerFlows(state: PipelineState, idx: PipelineIndex, owner: Owner): FlowMod[] {
  switch (owner.kind) {
    case 'base':
      return baseFlows();
    case 'pod':
      return [...podFlows(state, idx, owner.pod), ...podMulticast(state, idx, owner.pod)];
    case 'endpoint': {
      const ep = idx.byId.get(owner.id);
      return ep ? endpointFlows(state, idx, ep) : [];
    }
  }
}

/** Every owner present in the state. */
export function owners(idx: PipelineIndex): Owner[] {
  const out: Owner[] = [{ kind: 'base' }];
  for (const pod of idx.byPod.keys()) out.push({ kind: 'pod', pod });
  for (const id of idx.byId.keys()) out.push({ kind: 'endpoint', id });
  return out;
}

/** The whole desired flow table for `state`. */
export function desiredFlows(state: PipelineState, idx: PipelineIndex = buildIndex(state.host, state.endpoints)): FlowMod[] {
  const out: FlowMod[] = [];
  for (const o of owners(idx)) for (const f of ownerFlows(state, idx, o)) out.push(f);
  return out;
}
