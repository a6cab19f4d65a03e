import { ProtocolError } from '../errors.js';
import { OFP_HEADER_SIZE } from './header.js';

/**
 * Turns a byte stream into whole OpenFlow frames (length at offset 2). Keeps order; a frame split
 * over any number of chunks is reassembled. Frames it returns are copies the caller owns.
 * A length below the 8-byte header is a ProtocolError; after one the framer stays failed.
 */
export class OfFramer {
  private buf: Buffer = Buffer.alloc(0);
  /** Absolute stream offset of buf[0], for error messages. */
  private base = 0;
  private failed: ProtocolError | undefined;

  /** Appends a chunk and returns the frames it completed (possibly none). */
  push(chunk: Buffer): Buffer[] {
    if (this.failed) throw this.failed;
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: Buffer[] = [];
    let pos = 0;
    while (this.buf.length - pos >= 4) {
      const len = this.buf.readUInt16BE(pos + 2);
      if (len < OFP_HEADER_SIZE) {
        this.failed = new ProtocolError('openflow', `frame length ${len} is below the ${OFP_HEADER_SIZE}-byte header; the stream is out of sync, close the connection`, this.base + pos + 2);
        throw this.failed;
      }
      if (this.buf.length - pos < len) break;
      out.push(Buffer.from(this.buf.subarray(pos, pos + len)));
      pos += len;
    }
    this.base += pos;
    this.buf = pos === this.buf.length ? Buffer.alloc(0) : Buffer.from(this.buf.subarray(pos));
    return out;
  }

  /** Bytes held for an incomplete frame. */
  get pending(): number {
    return this.buf.length;
  }
}
