import { InvalidArgumentError } from '../errors.js';
import { encodeAddress, encodeAddressDump, decodeAddress, type Address } from './address.js';
import type { NlWriter } from './bytes.js';
import {
  AF_INET, AF_INET6, AF_UNSPEC, IFLA_EXT_MASK, IFLA_GROUP, IFLA_IFNAME, NLM_F_CREATE, NLM_F_ECHO, NLM_F_EXCL,
  RTM_DELADDR, RTM_DELLINK, RTM_DELROUTE, RTM_GETADDR, RTM_GETLINK, RTM_GETROUTE, RTM_NEWADDR, RTM_NEWLINK, RTM_NEWROUTE,
  RTNLGRP_LINK,
} from './constants.js';
import { NetlinkError } from './errors.js';
import { checkIfname, decodeLink, encodeIfInfoMsg, encodeLinkChange, encodeLinkDelete, encodeSimpleCreate, encodeVethCreate, type Link, type LinkChange, type SimpleLinkSpec } from './link.js';
import { Netns, openNetns, withNetns, type NetnsSpec } from './netns.js';
import { decodeRoute, encodeRoute, encodeRouteDump, type Route, type RouteSpec } from './route.js';
import { RtnlSocket, type NlRequest } from './socket.js';
import type { NlMessage } from './message.js';

/** Selects a link by index (fast, unambiguous) or by name. */
export type LinkRef = number | string;

const ENODEV = 19;
/** RTEXT_FILTER_VF and friends are not wanted; SKIP_STATS keeps dumps small. */
const RTEXT_FILTER_SKIP_STATS = 1 << 3;

function sel(ref: LinkRef): { index?: number; name?: string } {
  if (typeof ref === 'number') {
    if (!Number.isInteger(ref) || ref <= 0) throw new InvalidArgumentError(`bad interface index ${ref}: expected a positive integer`);
    return { index: ref };
  }
  checkIfname(ref);
  return { name: ref };
}

function desc(ref: LinkRef): string {
  return typeof ref === 'number' ? `link #${ref}` : `link ${ref}`;
}

export interface VethCreate {
  /** Name of the end created in this handle's namespace. */
  name: string;
  mtu?: number;
  mac?: string;
  group?: number;
  /** Bring this end up in the create message. */
  up?: boolean;
  peer: {
    name: string;
    mtu?: number;
    mac?: string;
    group?: number;
    /** Namespace the peer is born in (default: this handle's). */
    netns?: Netns;
  };
}

/** A link appeared/changed (`new`) or disappeared (`del`). */
export interface LinkEvent {
  readonly type: 'new' | 'del';
  readonly link: Link;
}

/** A subscription to link events; `close()` (or `await using`) ends it. */
export interface LinkWatch {
  close(): void;
  [Symbol.dispose](): void;
}

export interface OpenRtnlOptions {
  /** The namespace this handle works in: an open handle (not closed by the Rtnl) or a spec (opened and owned). */
  netns: Netns | NetnsSpec;
}

/**
 * An rtnetlink handle bound to one network namespace. Create with `openRtnl({ netns })`; there is no
 * global default. Every method sends requests over the handle's socket, created inside the namespace,
 * so it configures that namespace whatever namespace the caller is in.
 */
export class Rtnl {
  readonly netns: Netns;
  private readonly sock: RtnlSocket;
  private readonly ownsNetns: boolean;

  constructor(netns: Netns, ownsNetns: boolean) {
    this.netns = netns;
    this.ownsNetns = ownsNetns;
    this.sock = withNetns(netns, () => new RtnlSocket(netns.label));
  }

  get isClosed(): boolean {
    return this.sock.isClosed;
  }

  /** Sends requests pipelined (one round trip for all) and returns one promise per request. */
  batch(reqs: readonly NlRequest[]): Promise<NlMessage[]>[] {
    return this.sock.batch(reqs);
  }

  /* ------------------------------------------------------------- links */

  async links(): Promise<Link[]> {
    const msgs = await this.sock.request({
      type: RTM_GETLINK, dump: true, op: `list links in ${this.netns.label}`,
      body: (w) => { encodeIfInfoMsg(w, {}); w.attrU32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS); },
    });
    return msgs.filter((m) => m.type === RTM_NEWLINK).map((m) => decodeLink(m.payload));
  }

  /** The link, or NetlinkError ENODEV. */
  async link(ref: LinkRef): Promise<Link> {
    const s = sel(ref);
    const msgs = await this.sock.request({ type: RTM_GETLINK, op: `get ${desc(ref)} in ${this.netns.label}`, body: (w) => this.encodeSel(w, s) });
    const m = msgs.find((x) => x.type === RTM_NEWLINK);
    if (!m) throw new NetlinkError(ENODEV, `get ${desc(ref)} in ${this.netns.label}`);
    return decodeLink(m.payload);
  }

  /** The link, or undefined when it does not exist. */
  async findLink(ref: LinkRef): Promise<Link | undefined> {
    try {
      return await this.link(ref);
    } catch (e) {
      if (e instanceof NetlinkError && e.errno === ENODEV) return undefined;
      throw e;
    }
  }

  private encodeSel(w: NlWriter, s: { index?: number; name?: string }): void {
    encodeIfInfoMsg(w, { index: s.index ?? 0 });
    if (!s.index && s.name !== undefined) w.attrStr(IFLA_IFNAME, s.name);
    w.attrU32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
  }

  /** The request creating a veth pair; `createVeth` sends it, `attach` pipelines it. */
  vethRequest(v: VethCreate): NlRequest {
    return {
      type: RTM_NEWLINK, flags: NLM_F_CREATE | NLM_F_EXCL | NLM_F_ECHO,
      op: `create veth ${v.name} (peer ${v.peer.name}${v.peer.netns ? ` in ${v.peer.netns.label}` : ''}) in ${this.netns.label}`,
      body: (w) => encodeVethCreate(w, { ...v, peer: { ...v.peer, netnsFd: v.peer.netns && !v.peer.netns.sameAs(this.netns) ? v.peer.netns.fd : undefined } }),
    };
  }

  /**
   * Creates a veth pair: `name` here, `peer.name` born directly in `peer.netns` with its MAC and MTU
   * (no move, no rename). Returns this end as the kernel reports it.
   */
  async createVeth(v: VethCreate): Promise<Link> {
    const msgs = await this.sock.request(this.vethRequest(v));
    const m = msgs.find((x) => x.type === RTM_NEWLINK);
    return m ? decodeLink(m.payload) : this.link(v.name);
  }

  /** Creates a link of a kind that takes no kind-specific attributes (`bridge`, `dummy`…). Returns it as the kernel reports it. */
  async createLink(l: SimpleLinkSpec): Promise<Link> {
    const msgs = await this.sock.request({ type: RTM_NEWLINK, flags: NLM_F_CREATE | NLM_F_EXCL | NLM_F_ECHO, op: `create ${l.kind} ${l.name} in ${this.netns.label}`, body: (w) => encodeSimpleCreate(w, l) });
    const m = msgs.find((x) => x.type === RTM_NEWLINK);
    return m ? decodeLink(m.payload) : this.link(l.name);
  }

  /** The request changing a link (up/down, name, MTU, MAC, group, namespace). */
  setLinkRequest(ref: LinkRef, c: LinkChange): NlRequest {
    const s = sel(ref);
    const what = Object.entries(c).filter(([, v]) => v !== undefined).map(([k, v]) => (k === 'up' ? (v ? 'up' : 'down') : `${k} ${v}`)).join(', ');
    return { type: RTM_NEWLINK, op: `set ${desc(ref)} ${what} in ${this.netns.label}`, body: (w) => encodeLinkChange(w, s, c) };
  }

  async setLink(ref: LinkRef, c: LinkChange): Promise<void> {
    await this.sock.request(this.setLinkRequest(ref, c));
  }
  setUp(ref: LinkRef): Promise<void> {
    return this.setLink(ref, { up: true });
  }
  setDown(ref: LinkRef): Promise<void> {
    return this.setLink(ref, { up: false });
  }
  /** Renames a link (the kernel refuses with EBUSY while it is up). */
  async rename(ref: LinkRef, name: string): Promise<void> {
    const index = typeof ref === 'number' ? ref : (await this.link(ref)).index;
    await this.setLink(index, { name });
  }
  setMtu(ref: LinkRef, mtu: number): Promise<void> {
    return this.setLink(ref, { mtu });
  }
  setMac(ref: LinkRef, mac: string): Promise<void> {
    return this.setLink(ref, { mac });
  }
  /** Moves a link into another namespace. */
  moveTo(ref: LinkRef, ns: Netns): Promise<void> {
    return this.setLink(ref, { netnsFd: ns.fd });
  }

  deleteLinkRequest(ref: LinkRef): NlRequest {
    const s = sel(ref);
    return { type: RTM_DELLINK, op: `delete ${desc(ref)} in ${this.netns.label}`, body: (w) => encodeLinkDelete(w, s) };
  }

  /** Deletes a link (for a veth, both ends go). */
  async deleteLink(ref: LinkRef): Promise<void> {
    await this.sock.request(this.deleteLinkRequest(ref));
  }

  /**
   * Deletes every link of an interface group in one request (the kernel removes them in one batch,
   * far faster than one by one). Group 0, the default group of every link, is refused.
   */
  async deleteGroup(group: number): Promise<void> {
    if (!Number.isInteger(group) || group <= 0 || group > 0xffffffff) throw new InvalidArgumentError(`bad link group ${group}: expected 1..4294967295 (group 0 holds every link)`);
    await this.sock.request({ type: RTM_DELLINK, op: `delete link group ${group} in ${this.netns.label}`, body: (w) => { encodeIfInfoMsg(w, {}); w.attrU32(IFLA_GROUP, group); } });
  }

  /* ------------------------------------------------------------- addresses */

  /** Addresses, all or of one family, optionally of one link. */
  async addresses(o: { index?: number; family?: 'inet' | 'inet6' } = {}): Promise<Address[]> {
    const fam = o.family === 'inet' ? AF_INET : o.family === 'inet6' ? AF_INET6 : AF_UNSPEC;
    const msgs = await this.sock.request({ type: RTM_GETADDR, dump: true, op: `list addresses in ${this.netns.label}`, body: (w) => encodeAddressDump(w, fam) });
    const all = msgs.filter((m) => m.type === RTM_NEWADDR).map((m) => decodeAddress(m.payload));
    return o.index === undefined ? all : all.filter((a) => a.index === o.index);
  }

  addAddressRequest(index: number, cidr: string): NlRequest {
    return { type: RTM_NEWADDR, flags: NLM_F_CREATE | NLM_F_EXCL, op: `add address ${cidr} to link #${index} in ${this.netns.label}`, body: (w) => encodeAddress(w, { index, cidr }) };
  }

  /** Adds `10.0.0.5/24` or `fd00::5/64` (IPv6 without DAD). EEXIST if present. */
  async addAddress(index: number, cidr: string): Promise<void> {
    await this.sock.request(this.addAddressRequest(index, cidr));
  }

  async delAddress(index: number, cidr: string): Promise<void> {
    await this.sock.request({ type: RTM_DELADDR, op: `delete address ${cidr} from link #${index} in ${this.netns.label}`, body: (w) => encodeAddress(w, { index, cidr }) });
  }

  /* ------------------------------------------------------------- routes */

  /** Routes of the main table (or `table`), optionally one family. */
  async routes(o: { family?: 'inet' | 'inet6'; table?: number } = {}): Promise<Route[]> {
    const fam = o.family === 'inet' ? AF_INET : o.family === 'inet6' ? AF_INET6 : AF_UNSPEC;
    const msgs = await this.sock.request({ type: RTM_GETROUTE, dump: true, op: `list routes in ${this.netns.label}`, body: (w) => encodeRouteDump(w, fam) });
    const table = o.table ?? 254;
    return msgs.filter((m) => m.type === RTM_NEWROUTE).map((m) => decodeRoute(m.payload)).filter((r) => r.table === table);
  }

  async addRoute(r: RouteSpec): Promise<void> {
    await this.sock.request({ type: RTM_NEWROUTE, flags: NLM_F_CREATE | NLM_F_EXCL, op: `add route ${r.dst}${r.gateway ? ` via ${r.gateway}` : ''} in ${this.netns.label}`, body: (w) => encodeRoute(w, r) });
  }

  async delRoute(r: RouteSpec): Promise<void> {
    await this.sock.request({ type: RTM_DELROUTE, op: `delete route ${r.dst} in ${this.netns.label}`, body: (w) => encodeRoute(w, r) });
  }

  /* ------------------------------------------------------------- events */

  /**
   * Subscribes to link events (RTNLGRP_LINK) of this namespace on a socket of its own. `onEvent` gets
   * every new/changed/deleted link; `onError` gets a socket failure or lost notifications (then re-list).
   */
  watchLinks(onEvent: (e: LinkEvent) => void, onError?: (e: Error) => void): LinkWatch {
    const s = withNetns(this.netns, () => new RtnlSocket(`${this.netns.label} link events`));
    s.onNotification = (m) => {
      if (m.type !== RTM_NEWLINK && m.type !== RTM_DELLINK) return;
      let link: Link;
      try {
        link = decodeLink(m.payload);
      } catch (e) {
        onError?.(e as Error);
        return;
      }
      onEvent({ type: m.type === RTM_NEWLINK ? 'new' : 'del', link });
    };
    s.onError = onError;
    s.join(RTNLGRP_LINK);
    return { close: () => s.close(), [Symbol.dispose]: () => s.close() };
  }

  /** Closes the socket (and the namespace handle when this Rtnl opened it). Idempotent. */
  close(): void {
    this.sock.close();
    if (this.ownsNetns) this.netns.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }
}

/** Opens an rtnetlink handle in a namespace: `openRtnl({ netns: openNetns({ name: 'h1' }) })` or `openRtnl({ netns: { pid } })`. */
export function openRtnl(o: OpenRtnlOptions): Rtnl {
  if (o.netns instanceof Netns) return new Rtnl(o.netns, false);
  const ns = openNetns(o.netns);
  try {
    return new Rtnl(ns, true);
  } catch (e) {
    ns.close();
    throw e;
  }
}
