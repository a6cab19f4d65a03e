import { ProtocolError } from '../errors.js';

/**
 * Big-endian byte reader for OpenFlow. Every read is bounds-checked against the reader's window and
 * throws `ProtocolError` (with the absolute byte offset) on short or inconsistent input.
 * `sub(n)` returns a reader over the next n bytes and advances this one past them.
 */
export class Reader {
  readonly buf: Buffer;
  pos: number;
  readonly end: number;
  readonly protocol: string;

  constructor(buf: Buffer, start = 0, end = buf.length, protocol = 'openflow') {
    if (start < 0 || end > buf.length || start > end) throw new ProtocolError(protocol, `bad reader window ${start}..${end} of ${buf.length}`, start);
    this.buf = buf;
    this.pos = start;
    this.end = end;
    this.protocol = protocol;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  fail(message: string, at = this.pos): never {
    throw new ProtocolError(this.protocol, message, at);
  }

  need(n: number, what = 'field'): void {
    if (n < 0 || this.pos + n > this.end) this.fail(`truncated ${what}: need ${n} bytes, ${this.end - this.pos} left`);
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++];
  }
  u16(): number {
    this.need(2);
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 2;
    return (b[p] << 8) | b[p + 1];
  }
  u32(): number {
    this.need(4);
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 4;
    return b[p] * 0x1000000 + ((b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]);
  }
  u64(): bigint {
    this.need(8);
    const v = this.buf.readBigUInt64BE(this.pos);
    this.pos += 8;
    return v;
  }
  /** A copy of the next n bytes (decoded messages own their bytes). */
  bytes(n: number, what = 'bytes'): Buffer {
    this.need(n, what);
    const b = Buffer.from(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return b;
  }
  skip(n: number, what = 'padding'): void {
    this.need(n, what);
    this.pos += n;
  }
  /** Reads a NUL-padded fixed-width string. */
  str(n: number): string {
    this.need(n, 'string');
    const raw = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    const z = raw.indexOf(0);
    return raw.subarray(0, z < 0 ? n : z).toString('latin1');
  }
  /** A reader over the next n bytes; this reader moves past them. */
  sub(n: number, what = 'element'): Reader {
    this.need(n, what);
    const r = new Reader(this.buf, this.pos, this.pos + n, this.protocol);
    this.pos += n;
    return r;
  }
  peekU16(at = 0): number {
    const p = this.pos + at;
    if (p + 2 > this.end) this.fail('truncated field: need 2 bytes');
    return (this.buf[p] << 8) | this.buf[p + 1];
  }
  peekU32(at = 0): number {
    if (this.pos + at + 4 > this.end) this.fail('truncated field: need 4 bytes');
    return this.buf.readUInt32BE(this.pos + at);
  }
}

/**
 * Big-endian growable writer. Lengths are back-filled: `const at = w.offset; ...; w.patchU16(at + 2, w.offset - at)`.
 */
export class Writer {
  buf: Buffer;
  offset = 0;

  constructor(initial = 256) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  private grow(n: number): void {
    const need = this.offset + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const nb = Buffer.allocUnsafe(size);
    this.buf.copy(nb, 0, 0, this.offset);
    this.buf = nb;
  }

  u8(v: number): this {
    this.grow(1);
    this.buf[this.offset++] = v & 0xff;
    return this;
  }
  // u16/u32/zeros store bytes directly: the hot path of encoding 100k flow-mods (Buffer.write*/fill check
  // their arguments on every call, which cost more than the write itself).
  u16(v: number): this {
    this.grow(2);
    const b = this.buf;
    const o = this.offset;
    b[o] = (v >>> 8) & 0xff;
    b[o + 1] = v & 0xff;
    this.offset = o + 2;
    return this;
  }
  u32(v: number): this {
    this.grow(4);
    const b = this.buf;
    const o = this.offset;
    b[o] = (v >>> 24) & 0xff;
    b[o + 1] = (v >>> 16) & 0xff;
    b[o + 2] = (v >>> 8) & 0xff;
    b[o + 3] = v & 0xff;
    this.offset = o + 4;
    return this;
  }
  u64(v: bigint): this {
    this.grow(8);
    this.buf.writeBigUInt64BE(BigInt.asUintN(64, v), this.offset);
    this.offset += 8;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.grow(b.length);
    this.buf.set(b, this.offset);
    this.offset += b.length;
    return this;
  }
  zeros(n: number): this {
    this.grow(n);
    if (n <= 16) for (let i = 0; i < n; i++) this.buf[this.offset + i] = 0;
    else this.buf.fill(0, this.offset, this.offset + n);
    this.offset += n;
    return this;
  }
  /** A NUL-padded fixed-width string (truncated to n-1 bytes to keep the terminator). */
  str(s: string, n: number): this {
    this.grow(n);
    const written = this.buf.write(s.slice(0, n - 1), this.offset, n - 1, 'latin1');
    this.buf.fill(0, this.offset + written, this.offset + n);
    this.offset += n;
    return this;
  }
  /** Pads with zeros so that (offset - start) is a multiple of `align`. */
  padTo(start: number, align = 8): this {
    const rem = (this.offset - start) % align;
    return rem === 0 ? this : this.zeros(align - rem);
  }
  patchU16(at: number, v: number): this {
    this.buf.writeUInt16BE(v & 0xffff, at);
    return this;
  }
  patchU32(at: number, v: number): this {
    this.buf.writeUInt32BE(v >>> 0, at);
    return this;
  }
  /** A copy of what was written. */
  finish(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.offset));
  }
  reset(): this {
    this.offset = 0;
    return this;
  }
}
