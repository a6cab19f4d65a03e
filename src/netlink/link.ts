import { InvalidArgumentError } from '../errors.js';
import { NlReader, NlWriter, attr, readAttrs, type NlAttr } from './bytes.js';
import {
  AF_UNSPEC, IFF_LOWER_UP, IFF_UP, IFINFOMSG_SIZE, IFLA_ADDRESS, IFLA_GROUP, IFLA_IFALIAS, IFLA_IFNAME, IFLA_INFO_DATA,
  IFLA_INFO_KIND, IFLA_LINK, IFLA_LINKINFO, IFLA_LINK_NETNSID, IFLA_MASTER, IFLA_MTU, IFLA_NET_NS_FD, IFLA_OPERSTATE,
  IFLA_TXQLEN, IFLA_VXLAN_GROUP, IFLA_VXLAN_GROUP6, IFLA_VXLAN_ID, IFLA_VXLAN_LINK, IFLA_VXLAN_LOCAL, IFLA_VXLAN_LOCAL6,
  IFLA_VXLAN_PORT, IFNAMSIZ, OPERSTATES, VETH_INFO_PEER,
} from './constants.js';
import { formatIp } from './ip.js';

/** Attributes every link has, whatever its kind. */
export interface LinkCommon {
  readonly index: number;
  readonly name: string;
  /** Raw IFF_* flags. */
  readonly flags: number;
  /** Administratively up (IFF_UP). */
  readonly up: boolean;
  /** Carrier present (IFF_LOWER_UP). */
  readonly lowerUp: boolean;
  /** RFC 2863 state as `ip` prints it: UP, DOWN, LOWERLAYERDOWN, UNKNOWN, … */
  readonly operstate: (typeof OPERSTATES)[number];
  readonly mtu: number;
  /** Link-layer address `aa:bb:cc:dd:ee:ff`, absent for links without one. */
  readonly mac?: string;
  readonly group: number;
  readonly master?: number;
  readonly txqlen?: number;
  readonly alias?: string;
  /** IFLA_LINK: the lower/peer device index (for a veth: the peer's index, in `linkNetnsId`'s namespace if set). */
  readonly parentIndex?: number;
  /** IFLA_LINK_NETNSID: the namespace id (as this namespace numbers it) where the peer/lower device lives. */
  readonly linkNetnsId?: number;
}

export interface VethLink extends LinkCommon {
  readonly kind: 'veth';
  /** The other end: its index, and its namespace id when it lives in another namespace. */
  readonly peer: { readonly index?: number; readonly netnsId?: number };
}
export interface VxlanLink extends LinkCommon {
  readonly kind: 'vxlan';
  readonly vni: number;
  readonly local?: string;
  readonly remote?: string;
  readonly port?: number;
  readonly underlayIndex?: number;
}
export interface BridgeLink extends LinkCommon {
  readonly kind: 'bridge';
}
export interface OvsLink extends LinkCommon {
  readonly kind: 'openvswitch';
}
export interface TunLink extends LinkCommon {
  readonly kind: 'tun';
}
/** A link with no IFLA_LINKINFO kind: loopback, physical NICs. */
export interface DeviceLink extends LinkCommon {
  readonly kind: 'device';
}
/** Any other kind (`dummy`, `gre`, `geneve`, …): `infoKind` is the kernel's name for it. */
export interface OtherLink extends LinkCommon {
  readonly kind: 'other';
  readonly infoKind: string;
}
export type Link = VethLink | VxlanLink | BridgeLink | OvsLink | TunLink | DeviceLink | OtherLink;
export type LinkKind = Link['kind'];

/* ------------------------------------------------------------------ MAC addresses */

const MAC_RE = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

export function parseMac(mac: string): Buffer {
  if (!MAC_RE.test(mac)) throw new InvalidArgumentError(`bad MAC address ${JSON.stringify(mac)}: expected six hex bytes like 02:00:0a:00:00:05`);
  return Buffer.from(mac.split(':').map((h) => parseInt(h, 16)));
}

export function formatMac(b: Buffer): string {
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/** Throws unless `name` is a valid interface name (1..15 bytes, no '/', ':' or whitespace, not . or ..). */
export function checkIfname(name: string): void {
  const n = Buffer.byteLength(name);
  if (n === 0 || n >= IFNAMSIZ || /[/:\s]/.test(name) || name === '.' || name === '..') {
    throw new InvalidArgumentError(`bad interface name ${JSON.stringify(name)}: it must be 1-15 bytes without '/', ':' or whitespace`);
  }
}

/* ------------------------------------------------------------------ ifinfomsg */

export interface IfInfoMsg {
  family?: number;
  type?: number;
  index?: number;
  flags?: number;
  change?: number;
}

export function encodeIfInfoMsg(w: NlWriter, m: IfInfoMsg): void {
  w.u8(m.family ?? AF_UNSPEC).u8(0).u16(m.type ?? 0).s32(m.index ?? 0).u32(m.flags ?? 0).u32(m.change ?? 0);
}

/** Settable link attributes shared by create and set requests. */
export interface LinkAttrsSpec {
  name?: string;
  mtu?: number;
  mac?: string;
  group?: number;
  /** Move the link into this namespace (an open namespace fd). */
  netnsFd?: number;
  /** Enslave to this bridge/bond index (0 releases it). */
  master?: number;
}

/**
 * Attributes in iproute2's order (options, then IFLA_IFNAME), so that a request encodes byte for byte
 * like the `ip` command with the same options (the golden vectors check it).
 */
export function encodeLinkAttrs(w: NlWriter, a: LinkAttrsSpec): void {
  if (a.mtu !== undefined) {
    if (!Number.isInteger(a.mtu) || a.mtu < 0 || a.mtu > 0xffffffff) throw new InvalidArgumentError(`bad MTU ${a.mtu}: expected an integer such as 1500`);
    w.attrU32(IFLA_MTU, a.mtu);
  }
  if (a.mac !== undefined) w.attrBytes(IFLA_ADDRESS, parseMac(a.mac));
  if (a.group !== undefined) w.attrU32(IFLA_GROUP, a.group);
  if (a.netnsFd !== undefined) w.attrU32(IFLA_NET_NS_FD, a.netnsFd);
  if (a.master !== undefined) w.attrU32(IFLA_MASTER, a.master);
  if (a.name !== undefined) {
    checkIfname(a.name);
    w.attrStr(IFLA_IFNAME, a.name);
  }
}

/** A link of a kind that needs no IFLA_INFO_DATA (`bridge`, `dummy`, …). */
export interface SimpleLinkSpec extends LinkAttrsSpec {
  name: string;
  kind: string;
  up?: boolean;
}

export function encodeSimpleCreate(w: NlWriter, l: SimpleLinkSpec): void {
  if (!/^[a-z0-9_]{1,15}$/.test(l.kind)) throw new InvalidArgumentError(`bad link kind ${JSON.stringify(l.kind)}: expected a kernel link kind such as bridge`);
  encodeIfInfoMsg(w, l.up ? { flags: IFF_UP, change: IFF_UP } : {});
  encodeLinkAttrs(w, l);
  w.nest(IFLA_LINKINFO, (w) => w.attrStr(IFLA_INFO_KIND, l.kind, false));
}

export interface VethSpec extends LinkAttrsSpec {
  name: string;
  /** Set the new end up in the same message (the peer can only be set up afterwards). */
  up?: boolean;
  peer: LinkAttrsSpec & { name: string };
}

/** RTM_NEWLINK body creating a veth pair; the peer is an ifinfomsg plus IFLA_* attributes inside VETH_INFO_PEER. */
export function encodeVethCreate(w: NlWriter, v: VethSpec): void {
  encodeIfInfoMsg(w, v.up ? { flags: IFF_UP, change: IFF_UP } : {});
  encodeLinkAttrs(w, v);
  w.nest(IFLA_LINKINFO, (w) => {
    w.attrStr(IFLA_INFO_KIND, 'veth', false);
    w.nest(IFLA_INFO_DATA, (w) => {
      w.nest(VETH_INFO_PEER, (w) => {
        encodeIfInfoMsg(w, {});
        encodeLinkAttrs(w, v.peer);
      });
    });
  });
}

/** Changes of an existing link (RTM_NEWLINK without CREATE). `index` or `name` selects it. */
export interface LinkChange extends LinkAttrsSpec {
  up?: boolean;
}

export function encodeLinkChange(w: NlWriter, sel: { index?: number; name?: string }, c: LinkChange): void {
  const flags = c.up ? IFF_UP : 0;
  const change = c.up === undefined ? 0 : IFF_UP;
  encodeIfInfoMsg(w, { index: sel.index ?? 0, flags, change });
  if (!sel.index && sel.name !== undefined) {
    if (c.name !== undefined && c.name !== sel.name) throw new InvalidArgumentError('a rename must select the link by index');
    checkIfname(sel.name);
    encodeLinkAttrs(w, { ...c, name: sel.name });
  } else {
    encodeLinkAttrs(w, c);
  }
}

/** RTM_DELLINK body: by index, or by name when no index is given. */
export function encodeLinkDelete(w: NlWriter, sel: { index?: number; name?: string }): void {
  encodeIfInfoMsg(w, { index: sel.index ?? 0 });
  if (!sel.index && sel.name !== undefined) {
    checkIfname(sel.name);
    w.attrStr(IFLA_IFNAME, sel.name);
  }
}

/* ------------------------------------------------------------------ decoding */

function decodeLinkInfo(a: NlAttr): { kind?: string; data?: NlAttr } {
  const out: { kind?: string; data?: NlAttr } = {};
  for (const x of readAttrs(a.reader())) {
    if (x.type === IFLA_INFO_KIND) out.kind = attr.str(x);
    else if (x.type === IFLA_INFO_DATA) out.data = x;
  }
  return out;
}

function decodeVxlan(data: NlAttr | undefined): Omit<VxlanLink, keyof LinkCommon | 'kind'> {
  let vni = 0;
  let local: string | undefined;
  let remote: string | undefined;
  let port: number | undefined;
  let underlayIndex: number | undefined;
  if (data) {
    for (const x of readAttrs(data.reader())) {
      switch (x.type) {
        case IFLA_VXLAN_ID: vni = attr.u32(x); break;
        case IFLA_VXLAN_GROUP: case IFLA_VXLAN_GROUP6: remote = formatIp(attr.bytes(x)); break;
        case IFLA_VXLAN_LOCAL: case IFLA_VXLAN_LOCAL6: local = formatIp(attr.bytes(x)); break;
        case IFLA_VXLAN_PORT: port = attr.be16(x); break;
        case IFLA_VXLAN_LINK: underlayIndex = attr.u32(x); break;
      }
    }
  }
  return { vni, ...(local !== undefined && { local }), ...(remote !== undefined && { remote }), ...(port !== undefined && { port }), ...(underlayIndex ? { underlayIndex } : {}) };
}

/** Decodes an RTM_NEWLINK/RTM_DELLINK payload (ifinfomsg + attributes). */
export function decodeLink(payload: Buffer): Link {
  const r = new NlReader(payload);
  r.need(IFINFOMSG_SIZE, 'ifinfomsg');
  r.skip(4); // family, pad, type
  const index = r.s32();
  const flags = r.u32();
  r.skip(4); // change
  let name = '';
  let mtu = 0;
  let mac: string | undefined;
  let group = 0;
  let master: number | undefined;
  let txqlen: number | undefined;
  let alias: string | undefined;
  let parentIndex: number | undefined;
  let linkNetnsId: number | undefined;
  let operstate: LinkCommon['operstate'] = 'UNKNOWN';
  let info: { kind?: string; data?: NlAttr } = {};
  for (const a of readAttrs(r)) {
    switch (a.type) {
      case IFLA_IFNAME: name = attr.str(a); break;
      case IFLA_MTU: mtu = attr.u32(a); break;
      case IFLA_ADDRESS: mac = formatMac(attr.bytes(a)); break;
      case IFLA_GROUP: group = attr.u32(a); break;
      case IFLA_MASTER: master = attr.u32(a); break;
      case IFLA_TXQLEN: txqlen = attr.u32(a); break;
      case IFLA_IFALIAS: alias = attr.str(a); break;
      case IFLA_LINK: parentIndex = attr.u32(a); break;
      case IFLA_LINK_NETNSID: linkNetnsId = attr.s32(a); break;
      case IFLA_OPERSTATE: operstate = OPERSTATES[attr.u8(a)] ?? 'UNKNOWN'; break;
      case IFLA_LINKINFO: info = decodeLinkInfo(a); break;
    }
  }
  const common: LinkCommon = {
    index, name, flags, up: (flags & IFF_UP) !== 0, lowerUp: (flags & IFF_LOWER_UP) !== 0, operstate, mtu, group,
    ...(mac !== undefined && { mac }), ...(master !== undefined && { master }), ...(txqlen !== undefined && { txqlen }),
    ...(alias !== undefined && { alias }), ...(parentIndex !== undefined && { parentIndex }), ...(linkNetnsId !== undefined && { linkNetnsId }),
  };
  switch (info.kind) {
    case undefined: return { ...common, kind: 'device' };
    case 'veth': return { ...common, kind: 'veth', peer: { ...(parentIndex !== undefined && { index: parentIndex }), ...(linkNetnsId !== undefined && { netnsId: linkNetnsId }) } };
    case 'vxlan': return { ...common, kind: 'vxlan', ...decodeVxlan(info.data) };
    case 'bridge': return { ...common, kind: 'bridge' };
    case 'openvswitch': return { ...common, kind: 'openvswitch' };
    case 'tun': return { ...common, kind: 'tun' };
    default: return { ...common, kind: 'other', infoKind: info.kind };
  }
}
