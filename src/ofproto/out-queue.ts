import { Writer } from './bytes.js';
import type { OfSocket } from './transport.js';

/** Encoded messages are written to the socket in chunks of about this size (or on the next turn of the loop). */
export const FLUSH_AT = 64 * 1024;

/**
 * The write side of a connection: messages are encoded into one batch buffer, written in FLUSH_AT chunks, and
 * writers wait for 'drain' while the socket holds more than `highWaterMark` bytes (back-pressure, never drops).
 */
export class OutQueue {
  /** Peak bytes held in the socket's queue, for back-pressure checks. */
  peakBuffered = 0;
  private readonly out = new Writer(FLUSH_AT * 2);
  private flushScheduled = false;
  private drainWaiters: (() => void)[] = [];
  private closed = false;

  constructor(
    private readonly socket: OfSocket,
    private readonly highWaterMark: number,
  ) {
    socket.on('drain', () => this.onDrain());
  }

  /**
   * Appends what `encode` writes. If it throws (a message that cannot be encoded), nothing of it stays in the
   * batch and the error propagates.
   */
  append(encode: (w: Writer) => void): void {
    const before = this.out.offset;
    try {
      encode(this.out);
    } catch (e) {
      this.out.offset = before;
      throw e;
    }
    if (this.out.offset >= FLUSH_AT) this.flush();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  flush(): void {
    this.flushScheduled = false;
    if (this.out.offset === 0 || this.closed) return;
    const chunk = this.out.finish();
    this.out.reset();
    this.socket.write(chunk);
    const held = this.socket.writableLength;
    if (held > this.peakBuffered) this.peakBuffered = held;
  }

  /** True when a writer should await `ready()` before writing more. */
  mustWait(): boolean {
    return this.socket.writableLength + this.out.offset > this.highWaterMark;
  }

  /** Resolves at once, or once the socket queue is back under the high-water mark (or the queue closed). */
  ready(): Promise<void> {
    if (!this.mustWait() || this.closed) return Promise.resolve();
    if (this.out.offset > 0) this.flush();
    if (this.socket.writableLength <= this.highWaterMark) return Promise.resolve();
    return new Promise((res) => this.drainWaiters.push(res));
  }

  private onDrain(): void {
    if (this.socket.writableLength > this.highWaterMark) return;
    this.release();
  }

  private release(): void {
    const w = this.drainWaiters;
    this.drainWaiters = [];
    for (const f of w) f();
  }

  /** Drops what is not written yet and lets every waiting writer go (its next write sees the closed connection). */
  close(): void {
    this.closed = true;
    this.release();
  }
}
