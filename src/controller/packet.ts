import { Reader, Writer } from '../ofproto/bytes.js';

/**
 * Pure Ethernet / 802.1Q / IPv4 / UDP codecs for the frames the controller handles itself (DHCP through
 * packet-in/packet-out). Decoders bounds-check everything through `Reader` and throw only `ProtocolError`.
 */

export const ETH_HEADER_SIZE = 14;
export const VLAN_TAG_SIZE = 4;
export const IPV4_HEADER_SIZE = 20;
export const UDP_HEADER_SIZE = 8;

export const ETH_TYPE_IPV4 = 0x0800;
export const ETH_TYPE_ARP = 0x0806;
export const ETH_TYPE_VLAN = 0x8100;
export const IPPROTO_UDP = 17;

export const BROADCAST_MAC = 'ff:ff:ff:ff:ff:ff';

export interface EthernetFrame {
  dst: string;
  src: string;
  /** 802.1Q VLAN id when the frame carries a tag. */
  vlan?: number;
  ethType: number;
  payload: Buffer;
}

export interface Ipv4Packet {
  src: string;
  dst: string;
  protocol: number;
  ttl: number;
  id: number;
  tos: number;
  payload: Buffer;
}

export interface UdpDatagram {
  srcPort: number;
  dstPort: number;
  payload: Buffer;
}

export function macToBytes(mac: string): Buffer {
  const parts = mac.split(':');
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{2}$/.test(p))) throw new TypeError(`bad MAC address ${JSON.stringify(mac)}: expected six hex octets like 02:00:00:00:00:01`);
  return Buffer.from(parts.map((p) => parseInt(p, 16)));
}

export function bytesToMac(b: Uint8Array): string {
  return Array.from(b.subarray(0, 6), (x) => x.toString(16).padStart(2, '0')).join(':');
}

export function ipv4ToNumber(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) throw new TypeError(`bad IPv4 address ${JSON.stringify(ip)}: expected dotted quad like 10.0.0.1`);
  return ((Number(parts[0]) << 24) | (Number(parts[1]) << 16) | (Number(parts[2]) << 8) | Number(parts[3])) >>> 0;
}

export function numberToIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].join('.');
}

/** The dotted-quad netmask of a prefix length (24 → 255.255.255.0). */
export function prefixToNetmask(prefix: number): string {
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 32) throw new TypeError(`bad prefix length ${prefix}: expected 0..32`);
  return numberToIpv4(prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);
}

/** RFC 1071 ones'-complement sum of `b`, folded to 16 bits, starting from `initial`. */
export function onesComplementSum(b: Uint8Array, initial = 0): number {
  let sum = initial;
  const n = b.length & ~1;
  for (let i = 0; i < n; i += 2) sum += (b[i] << 8) | b[i + 1];
  if (b.length & 1) sum += b[b.length - 1] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

export function internetChecksum(b: Uint8Array, initial = 0): number {
  return ~onesComplementSum(b, initial) & 0xffff;
}

export function decodeEthernet(buf: Buffer): EthernetFrame {
  const r = new Reader(buf, 0, buf.length, 'ethernet');
  const dst = bytesToMac(r.bytes(6, 'destination MAC'));
  const src = bytesToMac(r.bytes(6, 'source MAC'));
  let ethType = r.u16();
  let vlan: number | undefined;
  if (ethType === ETH_TYPE_VLAN) {
    vlan = r.u16() & 0x0fff;
    ethType = r.u16();
  }
  const payload = r.bytes(r.remaining, 'payload');
  return vlan === undefined ? { dst, src, ethType, payload } : { dst, src, vlan, ethType, payload };
}

export function encodeEthernet(f: EthernetFrame): Buffer {
  const w = new Writer(ETH_HEADER_SIZE + VLAN_TAG_SIZE + f.payload.length);
  w.bytes(macToBytes(f.dst)).bytes(macToBytes(f.src));
  if (f.vlan !== undefined) w.u16(ETH_TYPE_VLAN).u16(f.vlan & 0x0fff);
  w.u16(f.ethType).bytes(f.payload);
  return w.finish();
}

/** Decodes an IPv4 header (options skipped) and its payload, checking version, lengths and the header checksum. */
export function decodeIpv4(buf: Buffer): Ipv4Packet {
  const r = new Reader(buf, 0, buf.length, 'ipv4');
  const vihl = r.u8();
  if (vihl >> 4 !== 4) r.fail(`version ${vihl >> 4} is not 4`, 0);
  const ihl = (vihl & 0xf) * 4;
  if (ihl < IPV4_HEADER_SIZE) r.fail(`header length ${ihl} below ${IPV4_HEADER_SIZE}`, 0);
  const tos = r.u8();
  const total = r.u16();
  if (total < ihl || total > buf.length) r.fail(`total length ${total} outside ${ihl}..${buf.length}`, 2);
  const id = r.u16();
  r.skip(2, 'flags/fragment');
  const ttl = r.u8();
  const protocol = r.u8();
  r.skip(2, 'checksum');
  const src = numberToIpv4(r.u32());
  const dst = numberToIpv4(r.u32());
  r.skip(ihl - IPV4_HEADER_SIZE, 'options');
  if (internetChecksum(buf.subarray(0, ihl)) !== 0) r.fail('bad header checksum', 10);
  const payload = r.bytes(total - ihl, 'payload');
  return { src, dst, protocol, ttl, id, tos, payload };
}

export function encodeIpv4(p: Ipv4Packet): Buffer {
  const w = new Writer(IPV4_HEADER_SIZE + p.payload.length);
  w.u8(0x45).u8(p.tos).u16(IPV4_HEADER_SIZE + p.payload.length).u16(p.id).u16(0).u8(p.ttl).u8(p.protocol).u16(0);
  w.u32(ipv4ToNumber(p.src)).u32(ipv4ToNumber(p.dst));
  w.patchU16(10, internetChecksum(w.buf.subarray(0, IPV4_HEADER_SIZE)));
  w.bytes(p.payload);
  return w.finish();
}

function udpPseudoHeaderSum(src: string, dst: string, length: number): number {
  const ph = Buffer.alloc(12);
  ph.writeUInt32BE(ipv4ToNumber(src), 0);
  ph.writeUInt32BE(ipv4ToNumber(dst), 4);
  ph[9] = IPPROTO_UDP;
  ph.writeUInt16BE(length, 10);
  return onesComplementSum(ph);
}

/** Decodes a UDP datagram; verifies the checksum (unless zero, i.e. not computed) against the IPv4 pseudo-header. */
export function decodeUdp(buf: Buffer, ip: { src: string; dst: string }): UdpDatagram {
  const r = new Reader(buf, 0, buf.length, 'udp');
  const srcPort = r.u16();
  const dstPort = r.u16();
  const length = r.u16();
  const checksum = r.u16();
  if (length < UDP_HEADER_SIZE || length > buf.length) r.fail(`length ${length} outside ${UDP_HEADER_SIZE}..${buf.length}`, 4);
  if (checksum !== 0 && internetChecksum(buf.subarray(0, length), udpPseudoHeaderSum(ip.src, ip.dst, length)) !== 0) r.fail('bad checksum', 6);
  const payload = r.bytes(length - UDP_HEADER_SIZE, 'payload');
  return { srcPort, dstPort, payload };
}

export function encodeUdp(d: UdpDatagram, ip: { src: string; dst: string }): Buffer {
  const length = UDP_HEADER_SIZE + d.payload.length;
  const w = new Writer(length);
  w.u16(d.srcPort).u16(d.dstPort).u16(length).u16(0).bytes(d.payload);
  const sum = internetChecksum(w.buf.subarray(0, length), udpPseudoHeaderSum(ip.src, ip.dst, length));
  w.patchU16(6, sum === 0 ? 0xffff : sum);
  return w.finish();
}
