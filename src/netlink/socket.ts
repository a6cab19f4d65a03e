import { RawNetlinkSocket, type RawNetlinkSocketOptions } from 'netlink';
import { NotConnectedError, ProtocolError } from '../errors.js';
import { NlWriter } from './bytes.js';
import { NETLINK_ROUTE, NLMSG_DONE, NLMSG_ERROR, NLMSG_NOOP, NLMSG_OVERRUN, NLM_F_ACK, NLM_F_DUMP, NLM_F_DUMP_INTR, NLM_F_REQUEST } from './constants.js';
import { NetlinkError, NetlinkSocketError } from './errors.js';
import { decodeError, decodeMessages, encodeMessage, type NlMessage } from './message.js';
import { enableExtAck, nextFreeFd } from './sockopt.js';

interface Pending {
  readonly op: string;
  readonly dump: boolean;
  readonly parts: NlMessage[];
  readonly resolve: (m: NlMessage[]) => void;
  readonly reject: (e: Error) => void;
}

/** One request of a batch: message type, extra flags, body writer, and a description for errors. */
export interface NlRequest {
  readonly type: number;
  readonly flags?: number;
  readonly body: (w: NlWriter) => void;
  readonly op: string;
  /** A dump: completes on NLMSG_DONE and returns every part. */
  readonly dump?: boolean;
}

const EINTR = 4;
const SOCKET_OPTIONS: RawNetlinkSocketOptions = { recvBufferSize: 4 << 20, sendBufferSize: 1 << 20 };

/**
 * Request/response transport over one NETLINK_ROUTE socket. Every request carries NLM_F_ACK and its own
 * sequence number; replies are matched by sequence, so requests may be pipelined (`batch`) and complete
 * in order. Messages with no pending sequence (multicast notifications) go to `onNotification`.
 * The socket lives in the namespace that was current when it was created.
 */
export class RtnlSocket {
  private readonly raw: RawNetlinkSocket;
  private readonly pending = new Map<number, Pending>();
  private readonly w = new NlWriter(512);
  private seq = 1;
  private closed = false;
  private listening = false;
  onNotification: ((m: NlMessage) => void) | undefined;
  onError: ((e: Error) => void) | undefined;
  readonly label: string;
  /** Whether the kernel adds its error text to refusals (NETLINK_EXT_ACK could be set). */
  readonly extAck: boolean;

  /** Creates the socket in the calling thread's current namespace (call inside `withNetns` to target another). */
  constructor(label: string) {
    this.label = label;
    const predicted = nextFreeFd();
    this.raw = new RawNetlinkSocket(NETLINK_ROUTE, SOCKET_OPTIONS);
    this.extAck = enableExtAck(this.raw.address().port, predicted);
    this.raw.unref();
    this.raw.on('message', (buf) => this.receive(buf));
    this.raw.on('truncatedMessage', () => this.fail(new NetlinkSocketError(`${label}: receive`, new Error('truncated datagram'))));
    this.raw.on('error', (e) => {
      // A subscriber that fell behind: the kernel dropped notifications (ENOBUFS) but the socket still works.
      if (this.listening && e.code === 'ENOBUFS') this.onError?.(new NetlinkSocketError(`${label}: events`, new Error('receive buffer overrun (ENOBUFS), notifications were lost; list again')));
      else this.fail(new NetlinkSocketError(`${label}: socket`, e));
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Joins a multicast group (RTNLGRP_*); notifications then arrive on `onNotification`. Keeps the process alive until close. */
  join(group: number): void {
    this.check();
    this.raw.addMembership(group);
    this.listening = true;
    this.raw.ref();
  }

  /**
   * Sends one request and resolves with its reply messages (empty for a plain ACK). A dump that a
   * concurrent change interrupted (NLM_F_DUMP_INTR) is retried up to 3 times.
   */
  async request(req: NlRequest): Promise<NlMessage[]> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.batch([req])[0];
      } catch (e) {
        if (!(req.dump && e instanceof NetlinkError && e.errno === EINTR && attempt < 3)) throw e;
      }
    }
  }

  /**
   * Sends several requests in one datagram write each, without waiting between them, and returns one
   * promise per request. The kernel handles them in order; a failure of one does not stop the next.
   */
  batch(reqs: readonly NlRequest[]): Promise<NlMessage[]>[] {
    this.check();
    const w = this.w.reset();
    const promises = reqs.map((req) => {
      const seq = this.nextSeq();
      encodeMessage(w, req.type, NLM_F_REQUEST | NLM_F_ACK | (req.dump ? NLM_F_DUMP : 0) | (req.flags ?? 0), seq, req.body);
      return new Promise<NlMessage[]>((resolve, reject) => {
        this.pending.set(seq, { op: req.op, dump: !!req.dump, parts: [], resolve, reject });
      });
    });
    if (!this.listening) this.raw.ref();
    // One sendmsg per request: the kernel processes a multi-message datagram but stops at the first error.
    const all = w.finish();
    let off = 0;
    while (off < all.length) {
      const len = all.readUInt32LE(off);
      const msg = all.subarray(off, off + len);
      off += (len + 3) & ~3;
      this.raw.send(msg, {}, (e) => {
        if (e) this.fail(new NetlinkSocketError(`${this.label}: send`, e));
      });
    }
    return promises;
  }

  private nextSeq(): number {
    let s = this.seq;
    while (this.pending.has(s) || s === 0) s = (s % 0xffffffff) + 1;
    this.seq = (s % 0xffffffff) + 1;
    return s;
  }

  private check(): void {
    if (this.closed) throw new NotConnectedError(`rtnetlink handle ${this.label} (closed)`);
  }

  private receive(buf: Buffer): void {
    let msgs: NlMessage[];
    try {
      msgs = decodeMessages(buf);
    } catch (e) {
      this.fail(e instanceof ProtocolError ? e : new NetlinkSocketError(`${this.label}: decode`, e));
      return;
    }
    for (const m of msgs) {
      const p = m.seq !== 0 ? this.pending.get(m.seq) : undefined;
      if (!p) {
        if (m.type !== NLMSG_NOOP && m.type !== NLMSG_ERROR && m.type !== NLMSG_DONE) this.onNotification?.(m);
        if (m.type === NLMSG_OVERRUN) this.onError?.(new NetlinkSocketError(`${this.label}: events`, new Error('overrun, notifications were lost')));
        continue;
      }
      if (m.type === NLMSG_ERROR) {
        const { errno, extMsg } = decodeError(m);
        this.settle(m.seq);
        if (errno === 0) p.resolve(p.parts);
        else p.reject(new NetlinkError(errno, p.op, extMsg));
      } else if (m.type === NLMSG_DONE) {
        this.settle(m.seq);
        if (m.flags & NLM_F_DUMP_INTR || p.parts.some((x) => x.flags & NLM_F_DUMP_INTR)) p.reject(new NetlinkError(EINTR, `${p.op} (dump interrupted by a concurrent change; retry)`));
        else p.resolve(p.parts);
      } else if (m.type !== NLMSG_NOOP) {
        p.parts.push(m);
      }
    }
  }

  private settle(seq: number): void {
    this.pending.delete(seq);
    if (!this.pending.size && !this.listening && !this.closed) this.raw.unref();
  }

  private fail(e: Error): void {
    if (this.closed) return;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
    this.onError?.(e);
    this.close();
  }

  /** Closes the socket; pending requests reject with NotConnectedError. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const err = new NotConnectedError(`rtnetlink handle ${this.label} (closed while a request was pending)`);
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    this.raw.close();
  }
}
