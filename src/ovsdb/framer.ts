import { ProtocolError } from '../errors.js';

/*
 * Streaming framer for JSON-RPC as OVSDB (RFC 7047) and unixctl speak it: JSON values written back to back,
 * with no delimiter. The framer finds value boundaries incrementally: it keeps a small scanner state
 * (nesting depth, inside-string, after-backslash) across chunks, so each byte is looked at once, however the
 * stream is split. A value that spans chunks is kept as a list of chunk pieces and joined once when it ends,
 * so a 50 MB reply costs O(50 MB), never a re-scan from the start.
 *
 * Only the structural bytes `{ } [ ] " \` matter; they are ASCII and never occur inside a multi-byte UTF-8
 * sequence, so scanning bytes is safe and a chunk may end in the middle of a character.
 */

const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

export interface JsonFramerOptions {
  /** Largest accepted value in bytes (default 512 MiB); a larger one is a ProtocolError. */
  maxBytes?: number;
  /** Protocol name used in errors (default `ovsdb`). */
  protocol?: string;
}

/** Splits a byte stream of concatenated JSON objects/arrays into parsed values. */
export class JsonFramer {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private pieces: Buffer[] = [];
  private pendingBytes = 0;
  private consumed = 0;
  private readonly maxBytes: number;
  private readonly protocol: string;

  constructor(opts: JsonFramerOptions = {}) {
    this.maxBytes = opts.maxBytes ?? 512 * 1024 * 1024;
    this.protocol = opts.protocol ?? 'ovsdb';
  }

  /** Bytes of an unfinished value currently buffered. */
  get buffered(): number {
    return this.pendingBytes;
  }

  /** Feeds a chunk; returns the values it completed, in stream order. */
  push(chunk: Buffer): unknown[] {
    const out: unknown[] = [];
    let start = this.depth > 0 ? 0 : -1; // start of the current value within this chunk
    const n = chunk.length;
    let i = 0;
    let q = -2; // next quote at or after i (-1: none left in this chunk; -2: not looked up yet)
    let bs = -2; // next backslash, same encoding
    while (i < n) {
      if (this.depth === 0) {
        // Between values: skip whitespace, then expect an object or an array.
        const b = chunk[i];
        if (isSpace(b)) {
          i++;
          continue;
        }
        if (b !== LBRACE && b !== LBRACKET) {
          throw new ProtocolError(this.protocol, `expected '{' or '[' to start a JSON-RPC message, got byte 0x${b.toString(16)}`, this.consumed + i);
        }
        this.depth = 1;
        start = i;
        i++;
        continue;
      }
      if (this.inString) {
        // Fast path inside strings: jump to the next quote or backslash.
        if (this.escaped) {
          this.escaped = false;
          i++;
          continue;
        }
        // Cache the next quote/backslash positions so a string full of escapes is still scanned once.
        if (q !== -1 && q < i) q = chunk.indexOf(QUOTE, i);
        if (bs !== -1 && bs < i) bs = chunk.indexOf(BACKSLASH, i);
        if (q < 0 && bs < 0) break; // the string continues in the next chunk
        if (bs >= 0 && (q < 0 || bs < q)) {
          this.escaped = true;
          i = bs + 1;
          continue;
        }
        this.inString = false;
        i = q + 1;
        continue;
      }
      const b = chunk[i];
      if (b === QUOTE) this.inString = true;
      else if (b === LBRACE || b === LBRACKET) this.depth++;
      else if (b === RBRACE || b === RBRACKET) {
        this.depth--;
        if (this.depth === 0) {
          const piece = chunk.subarray(start, i + 1);
          out.push(this.finish(piece, this.consumed + i));
          start = -1;
        }
      }
      i++;
    }
    if (this.depth > 0 && start >= 0) {
      // Keep an owned copy: the caller may reuse the chunk's memory.
      const piece = Buffer.from(chunk.subarray(start));
      this.pieces.push(piece);
      this.pendingBytes += piece.length;
      if (this.pendingBytes > this.maxBytes) {
        throw new ProtocolError(this.protocol, `message larger than ${this.maxBytes} bytes; raise maxBytes if this is expected`, this.consumed + n);
      }
    }
    this.consumed += n;
    return out;
  }

  private finish(last: Buffer, offset: number): unknown {
    let bytes: Buffer;
    if (this.pieces.length === 0) bytes = last;
    else {
      this.pieces.push(last);
      bytes = Buffer.concat(this.pieces, this.pendingBytes + last.length);
      this.pieces = [];
      this.pendingBytes = 0;
    }
    if (bytes.length > this.maxBytes) {
      throw new ProtocolError(this.protocol, `message larger than ${this.maxBytes} bytes; raise maxBytes if this is expected`, offset);
    }
    try {
      return JSON.parse(bytes.toString('utf8'));
    } catch (e) {
      throw new ProtocolError(this.protocol, `invalid JSON in message: ${(e as Error).message}`, offset);
    }
  }

  /** Drops any partial value (after a reconnect). */
  reset(): void {
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.pieces = [];
    this.pendingBytes = 0;
    this.consumed = 0;
  }
}
