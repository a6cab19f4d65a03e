import { Reader, Writer } from '../ofproto/bytes.js';
import {
  BROADCAST_MAC,
  ETH_TYPE_IPV4,
  IPPROTO_UDP,
  bytesToMac,
  decodeEthernet,
  decodeIpv4,
  decodeUdp,
  encodeEthernet,
  encodeIpv4,
  encodeUdp,
  macToBytes,
  numberToIpv4,
  ipv4ToNumber,
  prefixToNetmask,
} from './packet.js';

/**
 * Pure DHCP/BOOTP (RFC 2131/2132) codec and the server's decision function. The controller gets client
 * frames as packet-ins, calls `dhcpReply`, and sends the answer back as a packet-out on the client's port.
 * loris's pod networks are private: no router (option 3) and no DNS are handed out.
 */

export const BOOTP_FIXED_SIZE = 236;
export const DHCP_MAGIC_COOKIE = 0x63825363;
/** BOOTP messages are padded to at least this size (RFC 1542 §3.2; busybox pads the same way). */
export const BOOTP_MIN_SIZE = 300;
export const DHCP_SERVER_PORT = 67;
export const DHCP_CLIENT_PORT = 68;
export const BOOTREQUEST = 1;
export const BOOTREPLY = 2;
export const BOOTP_FLAG_BROADCAST = 0x8000;

/** Option codes (RFC 2132), spelled like the RFC. */
export const DHO_PAD = 0;
export const DHO_SUBNET_MASK = 1;
export const DHO_ROUTERS = 3;
export const DHO_HOST_NAME = 12;
export const DHO_INTERFACE_MTU = 26;
export const DHO_DHCP_REQUESTED_ADDRESS = 50;
export const DHO_DHCP_LEASE_TIME = 51;
export const DHO_DHCP_MESSAGE_TYPE = 53;
export const DHO_DHCP_SERVER_IDENTIFIER = 54;
export const DHO_DHCP_PARAMETER_REQUEST_LIST = 55;
export const DHO_DHCP_RENEWAL_TIME = 58;
export const DHO_DHCP_REBINDING_TIME = 59;
export const DHO_DHCP_CLIENT_IDENTIFIER = 61;
export const DHO_END = 255;

export type DhcpMessageType = 'discover' | 'offer' | 'request' | 'decline' | 'ack' | 'nak' | 'release' | 'inform';
const MESSAGE_TYPES: readonly DhcpMessageType[] = ['discover', 'offer', 'request', 'decline', 'ack', 'nak', 'release', 'inform'];

/** Decoded options. Known options get typed fields; every option also stays in `raw` in wire order. */
export interface DhcpOptions {
  messageType?: DhcpMessageType;
  subnetMask?: string;
  routers?: string[];
  hostName?: string;
  mtu?: number;
  requestedAddress?: string;
  leaseTime?: number;
  serverId?: string;
  parameterRequestList?: number[];
  renewalTime?: number;
  rebindingTime?: number;
  clientId?: Buffer;
  raw: { code: number; data: Buffer }[];
}

export interface DhcpMessage {
  op: number;
  htype: number;
  hlen: number;
  hops: number;
  xid: number;
  secs: number;
  flags: number;
  ciaddr: string;
  yiaddr: string;
  siaddr: string;
  giaddr: string;
  /** Client hardware address (the first `hlen` bytes of the 16-byte chaddr field, as a MAC when hlen is 6). */
  chaddr: string;
  sname: string;
  file: string;
  options: DhcpOptions;
}

type OptionCodec = { decode(o: DhcpOptions, r: Reader, len: number): void };
const ip = (r: Reader): string => numberToIpv4(r.u32());
function fixed(len: number, set: (o: DhcpOptions, r: Reader) => void): OptionCodec {
  return {
    decode(o, r, l) {
      if (l !== len) r.fail(`option length ${l}, expected ${len}`);
      set(o, r);
    },
  };
}

/** Typed decoders by option code (a table, not a switch). */
const OPTION_DECODERS: Record<number, OptionCodec> = {
  [DHO_SUBNET_MASK]: fixed(4, (o, r) => (o.subnetMask = ip(r))),
  [DHO_ROUTERS]: {
    decode(o, r, l) {
      if (l % 4 !== 0 || l === 0) r.fail(`router option length ${l} is not a multiple of 4`);
      o.routers = Array.from({ length: l / 4 }, () => ip(r));
    },
  },
  [DHO_HOST_NAME]: { decode: (o, r, l) => (o.hostName = r.str(l)) },
  [DHO_INTERFACE_MTU]: fixed(2, (o, r) => (o.mtu = r.u16())),
  [DHO_DHCP_REQUESTED_ADDRESS]: fixed(4, (o, r) => (o.requestedAddress = ip(r))),
  [DHO_DHCP_LEASE_TIME]: fixed(4, (o, r) => (o.leaseTime = r.u32())),
  [DHO_DHCP_MESSAGE_TYPE]: fixed(1, (o, r) => {
    const t = r.u8();
    const name = MESSAGE_TYPES[t - 1];
    if (!name) r.fail(`unknown DHCP message type ${t}`);
    o.messageType = name;
  }),
  [DHO_DHCP_SERVER_IDENTIFIER]: fixed(4, (o, r) => (o.serverId = ip(r))),
  [DHO_DHCP_PARAMETER_REQUEST_LIST]: { decode: (o, r, l) => (o.parameterRequestList = Array.from(r.bytes(l))) },
  [DHO_DHCP_RENEWAL_TIME]: fixed(4, (o, r) => (o.renewalTime = r.u32())),
  [DHO_DHCP_REBINDING_TIME]: fixed(4, (o, r) => (o.rebindingTime = r.u32())),
  [DHO_DHCP_CLIENT_IDENTIFIER]: { decode: (o, r, l) => (o.clientId = r.bytes(l)) },
};

/** Decodes a BOOTP/DHCP message (the UDP payload). Throws `ProtocolError` on malformed input. */
export function decodeDhcp(buf: Buffer): DhcpMessage {
  const r = new Reader(buf, 0, buf.length, 'dhcp');
  const op = r.u8();
  const htype = r.u8();
  const hlen = r.u8();
  if (hlen > 16) r.fail(`hlen ${hlen} exceeds 16`, 2);
  const hops = r.u8();
  const xid = r.u32();
  const secs = r.u16();
  const flags = r.u16();
  const ciaddr = ip(r);
  const yiaddr = ip(r);
  const siaddr = ip(r);
  const giaddr = ip(r);
  const ch = r.bytes(16, 'chaddr');
  const chaddr = hlen === 6 ? bytesToMac(ch) : ch.subarray(0, hlen).toString('hex');
  const sname = r.str(64);
  const file = r.str(128);
  if (r.u32() !== DHCP_MAGIC_COOKIE) r.fail('missing DHCP magic cookie', BOOTP_FIXED_SIZE);
  const options: DhcpOptions = { raw: [] };
  while (r.remaining > 0) {
    const code = r.u8();
    if (code === DHO_PAD) continue;
    if (code === DHO_END) break;
    const len = r.u8();
    const sub = r.sub(len, `option ${code}`);
    options.raw.push({ code, data: Buffer.from(buf.subarray(sub.pos, sub.end)) });
    const dec = OPTION_DECODERS[code];
    if (dec) {
      dec.decode(options, sub, len);
      if (sub.remaining !== 0) sub.fail(`option ${code} has ${sub.remaining} trailing bytes`);
    }
  }
  return { op, htype, hlen, hops, xid, secs, flags, ciaddr, yiaddr, siaddr, giaddr, chaddr, sname, file, options };
}

function writeOption(w: Writer, code: number, data: Uint8Array): void {
  if (data.length > 255) throw new RangeError(`DHCP option ${code} is ${data.length} bytes; at most 255 fit`);
  w.u8(code).u8(data.length).bytes(data);
}

const u32b = (v: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0);
  return b;
};
const ipb = (a: string): Buffer => u32b(ipv4ToNumber(a));

/** Typed option encoders in the order servers usually send them; `raw` options not covered here are appended. */
const OPTION_ENCODERS: [number, (o: DhcpOptions) => Buffer | undefined][] = [
  [DHO_DHCP_MESSAGE_TYPE, (o) => (o.messageType ? Buffer.from([MESSAGE_TYPES.indexOf(o.messageType) + 1]) : undefined)],
  [DHO_DHCP_SERVER_IDENTIFIER, (o) => (o.serverId ? ipb(o.serverId) : undefined)],
  [DHO_DHCP_LEASE_TIME, (o) => (o.leaseTime !== undefined ? u32b(o.leaseTime) : undefined)],
  [DHO_DHCP_RENEWAL_TIME, (o) => (o.renewalTime !== undefined ? u32b(o.renewalTime) : undefined)],
  [DHO_DHCP_REBINDING_TIME, (o) => (o.rebindingTime !== undefined ? u32b(o.rebindingTime) : undefined)],
  [DHO_SUBNET_MASK, (o) => (o.subnetMask ? ipb(o.subnetMask) : undefined)],
  [DHO_ROUTERS, (o) => (o.routers?.length ? Buffer.concat(o.routers.map(ipb)) : undefined)],
  [DHO_INTERFACE_MTU, (o) => (o.mtu !== undefined ? Buffer.from([o.mtu >> 8, o.mtu & 0xff]) : undefined)],
  [DHO_DHCP_REQUESTED_ADDRESS, (o) => (o.requestedAddress ? ipb(o.requestedAddress) : undefined)],
  [DHO_HOST_NAME, (o) => (o.hostName ? Buffer.from(o.hostName, 'latin1') : undefined)],
  [DHO_DHCP_PARAMETER_REQUEST_LIST, (o) => (o.parameterRequestList ? Buffer.from(o.parameterRequestList) : undefined)],
  [DHO_DHCP_CLIENT_IDENTIFIER, (o) => o.clientId],
];
const ENCODER_BY_CODE = new Map(OPTION_ENCODERS);

/** Encodes a BOOTP/DHCP message, padded to `BOOTP_MIN_SIZE`. */
export function encodeDhcp(m: DhcpMessage): Buffer {
  const w = new Writer(BOOTP_MIN_SIZE + 64);
  w.u8(m.op).u8(m.htype).u8(m.hlen).u8(m.hops).u32(m.xid).u16(m.secs).u16(m.flags);
  for (const a of [m.ciaddr, m.yiaddr, m.siaddr, m.giaddr]) w.u32(ipv4ToNumber(a));
  const ch = Buffer.alloc(16);
  (m.hlen === 6 && m.chaddr.includes(':') ? macToBytes(m.chaddr) : Buffer.from(m.chaddr, 'hex')).copy(ch);
  w.bytes(ch).str(m.sname, 64).str(m.file, 128).u32(DHCP_MAGIC_COOKIE);
  // Options already in `raw` keep their wire order (typed fields win over raw bytes); typed options that are
  // not in `raw` follow in the usual server order.
  const done = new Set<number>();
  for (const { code, data } of m.options.raw) {
    const typed = ENCODER_BY_CODE.get(code);
    const out = typed ? typed(m.options) : data;
    if (out) writeOption(w, code, out);
    done.add(code);
  }
  for (const [code, enc] of OPTION_ENCODERS) {
    if (done.has(code)) continue;
    const data = enc(m.options);
    if (data) writeOption(w, code, data);
  }
  w.u8(DHO_END);
  if (w.offset < BOOTP_MIN_SIZE) w.zeros(BOOTP_MIN_SIZE - w.offset);
  return w.finish();
}

/** A client frame: the Ethernet/IP/UDP envelope around a DHCP request. */
export interface DhcpFrame {
  ethSrc: string;
  ethDst: string;
  vlan?: number;
  ipSrc: string;
  ipDst: string;
  srcPort: number;
  dstPort: number;
  dhcp: DhcpMessage;
}

/**
 * Decodes a whole Ethernet frame carrying DHCP. Returns `undefined` when the frame is well-formed but not
 * IPv4/UDP to a DHCP port; throws `ProtocolError` when it is malformed.
 */
export function decodeDhcpFrame(frame: Buffer): DhcpFrame | undefined {
  const eth = decodeEthernet(frame);
  if (eth.ethType !== ETH_TYPE_IPV4) return undefined;
  const ip4 = decodeIpv4(eth.payload);
  if (ip4.protocol !== IPPROTO_UDP) return undefined;
  const udp = decodeUdp(ip4.payload, ip4);
  if (udp.dstPort !== DHCP_SERVER_PORT && udp.dstPort !== DHCP_CLIENT_PORT) return undefined;
  const dhcp = decodeDhcp(udp.payload);
  const f: DhcpFrame = { ethSrc: eth.src, ethDst: eth.dst, ipSrc: ip4.src, ipDst: ip4.dst, srcPort: udp.srcPort, dstPort: udp.dstPort, dhcp };
  if (eth.vlan !== undefined) f.vlan = eth.vlan;
  return f;
}

/** Wraps a DHCP message in UDP/IPv4/Ethernet. */
export function encodeDhcpFrame(f: Omit<DhcpFrame, 'vlan'>): Buffer {
  const udp = encodeUdp({ srcPort: f.srcPort, dstPort: f.dstPort, payload: encodeDhcp(f.dhcp) }, { src: f.ipSrc, dst: f.ipDst });
  const ip4 = encodeIpv4({ src: f.ipSrc, dst: f.ipDst, protocol: IPPROTO_UDP, ttl: 64, id: 0, tos: 0x10, payload: udp });
  return encodeEthernet({ dst: f.ethDst, src: f.ethSrc, ethType: ETH_TYPE_IPV4, payload: ip4 });
}

/** What the server knows about the client on a port: its stored address and the pod's parameters. */
export interface DhcpLease {
  /** The client's MAC as stored; requests from another chaddr are not answered. */
  mac: string;
  ip: string;
  prefixLength: number;
  mtu: number;
  leaseTime: number;
  serverIp: string;
  serverMac: string;
}

export const DEFAULT_LEASE_TIME = 3600;

/**
 * The server's answer to a client frame, as a DHCP message plus its envelope, or `undefined` when nothing is to
 * be sent (not a BOOTREQUEST, unknown client, a REQUEST for another server, RELEASE/DECLINE).
 * DISCOVER → OFFER; REQUEST for the stored address → ACK; REQUEST for another address → NAK; INFORM → ACK
 * without a lease. Options: 53, 54, 51 (+58/59), 1, 26; never 3.
 */
export function dhcpReply(req: DhcpFrame, lease: DhcpLease): DhcpFrame | undefined {
  const m = req.dhcp;
  if (m.op !== BOOTREQUEST || m.hlen !== 6 || m.chaddr !== lease.mac.toLowerCase()) return undefined;
  const o = m.options;
  let type: DhcpMessageType;
  switch (o.messageType) {
    case 'discover':
      type = 'offer';
      break;
    case 'request': {
      if (o.serverId !== undefined && o.serverId !== lease.serverIp) return undefined; // the client chose another server
      const wanted = o.requestedAddress ?? (m.ciaddr !== '0.0.0.0' ? m.ciaddr : undefined);
      type = wanted === lease.ip ? 'ack' : 'nak';
      break;
    }
    case 'inform':
      type = 'ack';
      break;
    default:
      return undefined;
  }
  const options: DhcpOptions = { messageType: type, serverId: lease.serverIp, raw: [] };
  if (type !== 'nak') {
    options.subnetMask = prefixToNetmask(lease.prefixLength);
    options.mtu = lease.mtu;
    if (o.messageType !== 'inform') {
      options.leaseTime = lease.leaseTime;
      options.renewalTime = Math.floor(lease.leaseTime / 2);
      options.rebindingTime = Math.floor((lease.leaseTime * 7) / 8);
    }
  }
  const yiaddr = type === 'nak' || o.messageType === 'inform' ? '0.0.0.0' : lease.ip;
  const reply: DhcpMessage = {
    op: BOOTREPLY, htype: m.htype, hlen: m.hlen, hops: 0, xid: m.xid, secs: 0, flags: m.flags,
    ciaddr: o.messageType === 'inform' ? m.ciaddr : '0.0.0.0', yiaddr, siaddr: '0.0.0.0', giaddr: m.giaddr,
    chaddr: m.chaddr, sname: '', file: '', options,
  };
  // RFC 2131 §4.1: NAKs and replies to clients that asked for broadcast go to the broadcast address; otherwise
  // unicast to chaddr/yiaddr (the client accepts unicast before it has configured its address).
  const broadcast = type === 'nak' || (m.flags & BOOTP_FLAG_BROADCAST) !== 0;
  const unicastIp = o.messageType === 'inform' ? m.ciaddr : yiaddr;
  return {
    ethSrc: lease.serverMac,
    ethDst: broadcast ? BROADCAST_MAC : m.chaddr,
    ipSrc: lease.serverIp,
    ipDst: broadcast ? '255.255.255.255' : unicastIp,
    srcPort: DHCP_SERVER_PORT,
    dstPort: DHCP_CLIENT_PORT,
    dhcp: reply,
  };
}
