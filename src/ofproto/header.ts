import { InvalidArgumentError, ProtocolError } from '../errors.js';
import type { Reader, Writer } from './bytes.js';

/** OpenFlow 1.3 wire version. loris speaks only this version. */
export const OFP_VERSION = 0x04;
/** `struct ofp_header`: version u8, type u8, length u16, xid u32. */
export const OFP_HEADER_SIZE = 8;
/** Largest frame the 16-bit length field allows. */
export const OFP_MAX_MESSAGE_SIZE = 0xffff;

/** Message types (`enum ofp_type`), spelled as in the spec. */
export const OFPT = {
  HELLO: 0,
  ERROR: 1,
  ECHO_REQUEST: 2,
  ECHO_REPLY: 3,
  EXPERIMENTER: 4,
  FEATURES_REQUEST: 5,
  FEATURES_REPLY: 6,
  GET_CONFIG_REQUEST: 7,
  GET_CONFIG_REPLY: 8,
  SET_CONFIG: 9,
  PACKET_IN: 10,
  FLOW_REMOVED: 11,
  PORT_STATUS: 12,
  PACKET_OUT: 13,
  FLOW_MOD: 14,
  GROUP_MOD: 15,
  PORT_MOD: 16,
  TABLE_MOD: 17,
  MULTIPART_REQUEST: 18,
  MULTIPART_REPLY: 19,
  BARRIER_REQUEST: 20,
  BARRIER_REPLY: 21,
  QUEUE_GET_CONFIG_REQUEST: 22,
  QUEUE_GET_CONFIG_REPLY: 23,
  ROLE_REQUEST: 24,
  ROLE_REPLY: 25,
  GET_ASYNC_REQUEST: 26,
  GET_ASYNC_REPLY: 27,
  SET_ASYNC: 28,
  METER_MOD: 29,
} as const;

/** Reserved port numbers (`enum ofp_port_no`). */
export const OFPP = {
  MAX: 0xffffff00,
  IN_PORT: 0xfffffff8,
  TABLE: 0xfffffff9,
  NORMAL: 0xfffffffa,
  FLOOD: 0xfffffffb,
  ALL: 0xfffffffc,
  CONTROLLER: 0xfffffffd,
  LOCAL: 0xfffffffe,
  ANY: 0xffffffff,
} as const;
export const OFPG_ANY = 0xffffffff;
export const OFPG_ALL = 0xfffffffc;
export const OFP_NO_BUFFER = 0xffffffff;
export const OFPTT_ALL = 0xff;

export interface OfHeader {
  version: number;
  msgType: number;
  length: number;
  xid: number;
}

/** Reads and validates an ofp_header; the length must cover the header and fit the reader's window. */
export function readHeader(r: Reader): OfHeader {
  const at = r.pos;
  const version = r.u8();
  const msgType = r.u8();
  const length = r.u16();
  const xid = r.u32();
  if (length < OFP_HEADER_SIZE) throw new ProtocolError('openflow', `message length ${length} is below the ${OFP_HEADER_SIZE}-byte header`, at + 2);
  if (length - OFP_HEADER_SIZE > r.remaining) throw new ProtocolError('openflow', `message length ${length} exceeds the ${r.remaining + OFP_HEADER_SIZE} bytes available`, at + 2);
  return { version, msgType, length, xid };
}

/** Starts a message: writes a header with a zero length and returns its start offset for `endMessage`. */
export function beginMessage(w: Writer, msgType: number, xid: number, version = OFP_VERSION): number {
  const start = w.offset;
  w.u8(version).u8(msgType).u16(0).u32(xid);
  return start;
}

/** Back-fills the length of the message begun at `start`. */
export function endMessage(w: Writer, start: number): void {
  const len = w.offset - start;
  if (len > OFP_MAX_MESSAGE_SIZE) throw new ProtocolError('openflow', `encoded message is ${len} bytes; OpenFlow frames are at most 65535 (split the request)`, start);
  w.patchU16(start + 2, len);
}

/**
 * How one message type's body (the bytes after ofp_header) is written and read. `decode` gets a reader over
 * exactly the body and must consume it; message.ts writes the header, sets `xid` and checks leftovers.
 */
export interface BodyCodec<T extends { type: string }> {
  readonly type: T['type'];
  readonly ofpt: number;
  encode(w: Writer, m: T): void;
  decode(r: Reader): T;
}

/** Codec for a message whose body is empty (FEATURES_REQUEST, BARRIER_*, GET_CONFIG_REQUEST, ...). */
export function emptyBody<K extends string>(type: K, ofpt: number): BodyCodec<{ type: K; xid?: number }> {
  return { type, ofpt, encode: () => undefined, decode: () => ({ type }) };
}

/** Reads a 6-byte MAC as `aa:bb:cc:dd:ee:ff`. */
export function readMac(r: Reader): string {
  const b = r.bytes(6, 'MAC address');
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':');
}

/** Writes `aa:bb:cc:dd:ee:ff` as 6 bytes; throws InvalidArgumentError on another shape. */
export function writeMac(w: Writer, mac: string): void {
  const parts = mac.split(':');
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{1,2}$/.test(p))) throw new InvalidArgumentError(`bad MAC address '${mac}': write it as aa:bb:cc:dd:ee:ff`);
  for (const p of parts) w.u8(parseInt(p, 16));
}
