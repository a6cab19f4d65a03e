import { endianness } from 'node:os';
import { Reader, Writer } from '../ofproto/bytes.js';

/*
 * Netlink is host-endian (with a few big-endian fields such as ports and VNIs called out by the
 * attribute codecs). loris only runs on little-endian Linux (x86-64, arm64); refuse to load elsewhere
 * rather than send garbage to the kernel.
 */
if (endianness() !== 'LE') throw new Error('loris netlink codec supports little-endian hosts only');

/** Attributes are aligned to 4 bytes (NLA_ALIGNTO), messages too (NLMSG_ALIGNTO). */
export const NLA_ALIGNTO = 4;
export const NLA_HDRLEN = 4;
/** Nested-attribute bit and byte-order bit of nla_type; the type proper is the low 14 bits. */
export const NLA_F_NESTED = 0x8000;
export const NLA_F_NET_BYTEORDER = 0x4000;
export const NLA_TYPE_MASK = 0x3fff;

export const align4 = (n: number): number => (n + 3) & ~3;

/**
 * Host-endian, bounds-checked reader for netlink: the shared `Reader` with little-endian integers.
 * Every failure is a `ProtocolError('netlink', …)` with the byte offset, never a RangeError.
 */
export class NlReader extends Reader {
  constructor(buf: Buffer, start = 0, end = buf.length) {
    super(buf, start, end, 'netlink');
  }

  override u16(): number {
    this.need(2);
    const v = this.buf.readUInt16LE(this.pos);
    this.pos += 2;
    return v;
  }
  override u32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }
  override u64(): bigint {
    this.need(8);
    const v = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    return v;
  }
  s32(): number {
    this.need(4);
    const v = this.buf.readInt32LE(this.pos);
    this.pos += 4;
    return v;
  }
  override sub(n: number, what = 'element'): NlReader {
    this.need(n, what);
    const r = new NlReader(this.buf, this.pos, this.pos + n);
    this.pos += n;
    return r;
  }
}

/** One decoded attribute: its type (flags stripped), whether it was marked nested, and a reader over its payload. */
export interface NlAttr {
  readonly type: number;
  readonly nested: boolean;
  /** Absolute offset of the payload in the underlying buffer (for error messages). */
  readonly at: number;
  readonly len: number;
  reader(): NlReader;
}

/**
 * Splits a reader's remaining bytes into attributes. Each header's length must cover the header and
 * stay inside the window; padding to 4 bytes is skipped (the last attribute may omit it).
 */
export function readAttrs(r: NlReader): NlAttr[] {
  const out: NlAttr[] = [];
  while (r.remaining > 0) {
    const start = r.pos;
    if (r.remaining < NLA_HDRLEN) r.fail(`trailing ${r.remaining} bytes, shorter than an attribute header`);
    const len = r.u16();
    const rawType = r.u16();
    if (len < NLA_HDRLEN) r.fail(`attribute length ${len} below the 4-byte header`, start);
    const plen = len - NLA_HDRLEN;
    r.need(plen, `attribute ${rawType & NLA_TYPE_MASK}`);
    const at = r.pos;
    const buf = r.buf;
    out.push({ type: rawType & NLA_TYPE_MASK, nested: (rawType & NLA_F_NESTED) !== 0, at, len: plen, reader: () => new NlReader(buf, at, at + plen) });
    r.pos = at + plen;
    const pad = Math.min(align4(len) - len, r.remaining);
    r.pos += pad;
  }
  return out;
}

/** Attribute payload decoders shared by the message codecs. All are bounds-checked. */
export const attr = {
  u8: (a: NlAttr): number => {
    const r = a.reader();
    return r.u8();
  },
  u16: (a: NlAttr): number => a.reader().u16(),
  u32: (a: NlAttr): number => a.reader().u32(),
  s32: (a: NlAttr): number => a.reader().s32(),
  /** Big-endian u16 (ports). */
  be16: (a: NlAttr): number => {
    const r = a.reader();
    r.need(2);
    return r.buf.readUInt16BE(r.pos);
  },
  bytes: (a: NlAttr): Buffer => a.reader().bytes(a.len),
  /** A NUL-terminated string (the terminator is optional on input). */
  str: (a: NlAttr): string => {
    const b = a.reader().bytes(a.len);
    const z = b.indexOf(0);
    return b.subarray(0, z < 0 ? b.length : z).toString('utf8');
  },
};

/**
 * Host-endian growable writer with back-filled lengths: the shared `Writer` with little-endian
 * integers, plus `attr`/`nest` (`w.nest(IFLA_LINKINFO, () => …)` writes the header, runs the body and
 * patches the length) and 4-byte alignment.
 */
export class NlWriter extends Writer {
  override u16(v: number): this {
    this.zeros(2).buf.writeUInt16LE(v & 0xffff, this.offset - 2);
    return this;
  }
  override u32(v: number): this {
    this.zeros(4).buf.writeUInt32LE(v >>> 0, this.offset - 4);
    return this;
  }
  override u64(v: bigint): this {
    this.zeros(8).buf.writeBigUInt64LE(BigInt.asUintN(64, v), this.offset - 8);
    return this;
  }
  s32(v: number): this {
    this.zeros(4).buf.writeInt32LE(v | 0, this.offset - 4);
    return this;
  }
  be16(v: number): this {
    this.zeros(2).buf.writeUInt16BE(v & 0xffff, this.offset - 2);
    return this;
  }
  align(): this {
    const pad = align4(this.offset) - this.offset;
    return pad ? this.zeros(pad) : this;
  }
  override patchU16(at: number, v: number): this {
    this.buf.writeUInt16LE(v & 0xffff, at);
    return this;
  }
  override patchU32(at: number, v: number): this {
    this.buf.writeUInt32LE(v >>> 0, at);
    return this;
  }

  /** An attribute whose payload `body` writes; the length is back-filled and the end padded to 4. */
  attr(type: number, body: (w: this) => void): this {
    const at = this.offset;
    this.u16(0).u16(type);
    body(this);
    this.patchU16(at, this.offset - at);
    return this.align();
  }
  /**
   * A nested attribute. Like iproute2 it leaves NLA_F_NESTED clear: rtnetlink's link policies parse
   * nests in the lenient mode and VETH_INFO_PEER is not a plain attribute nest (ifinfomsg first).
   */
  nest(type: number, body: (w: this) => void): this {
    return this.attr(type, body);
  }
  attrU8(type: number, v: number): this {
    return this.attr(type, (w) => w.u8(v));
  }
  attrU16(type: number, v: number): this {
    return this.attr(type, (w) => w.u16(v));
  }
  attrBe16(type: number, v: number): this {
    return this.attr(type, (w) => w.be16(v));
  }
  attrU32(type: number, v: number): this {
    return this.attr(type, (w) => w.u32(v));
  }
  attrS32(type: number, v: number): this {
    return this.attr(type, (w) => w.s32(v));
  }
  attrBytes(type: number, b: Uint8Array): this {
    return this.attr(type, (w) => w.bytes(b));
  }
  /** A string attribute, NUL-terminated unless `nul` is false (iproute2 sends IFLA_INFO_KIND without it). */
  attrStr(type: number, s: string, nul = true): this {
    return this.attr(type, (w) => w.bytes(Buffer.from(nul ? s + '\0' : s, 'utf8')));
  }

}
