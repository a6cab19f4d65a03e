import { EventEmitter } from 'node:events';
import { LorisError, NotConnectedError, ProtocolError, TimeoutError } from '../errors.js';
import { ASYNC_ALL, type AsyncConfig, type GetAsyncReply } from './async.js';
import { OFPBCT, OFPBF, type BundleControl } from './bundle.js';
import { Reader } from './bytes.js';
import type { GetConfigReply } from './config.js';
import { OfpError, type ErrorMsg } from './error.js';
import type { FeaturesReply } from './features.js';
import { OfFramer } from './framer.js';
import { OFP_VERSION } from './header.js';
import { OFPMPF_MORE, type MultipartReplyBody, type MultipartRequestBody } from './multipart.js';
import { decodeFrom, encodeBundleAddInto, encodeMessageInto, replyTypeOf, type MessageOf, type OfMessage, type OfMessageType, type ReplyTo } from './message.js';
import type { RoleReply } from './role.js';
import { EchoTimeoutError, OfVersionError, type OfConnectionEvents, type OfConnectionOptions } from './connection-types.js';
import { OutQueue } from './out-queue.js';
import { connectSocket, type OfSocket } from './transport.js';

export { EchoTimeoutError, OfVersionError, type OfConnectionEvents, type OfConnectionOptions } from './connection-types.js';

type Pending =
  | { kind: 'reply'; what: string; replyType: OfMessageType; resolve(m: OfMessage): void; reject(e: Error): void; timer?: NodeJS.Timeout }
  | { kind: 'multipart'; what: string; part(m: MessageOf<'multipart_reply'>): void; reject(e: Error): void; timer?: NodeJS.Timeout }
  | { kind: 'ack'; what: string; seq: number; resolve(): void; reject(e: Error): void }
  | { kind: 'collect'; what: string; errors: OfpError[] };

function describe(m: OfMessage): string {
  return m.type === 'multipart_request' ? `multipart_request(${m.body.kind})` : m.type;
}

/**
 * One OpenFlow 1.3 channel to a switch (controller side), over any transport. Open it with
 * `OfConnection.connect('unix:/…/br-int.mgmt')`, or accept switches with `OfListener.listen('ptcp:6653')`.
 */
export class OfConnection extends EventEmitter<OfConnectionEvents> {
  readonly name: string;
  /** FEATURES_REPLY from the open handshake (unless `features: false`). */
  features: FeaturesReply | undefined;
  private readonly socket: OfSocket;
  private readonly opts: Required<Omit<OfConnectionOptions, 'tls' | 'name'>>;
  private readonly framer = new OfFramer();
  private readonly pending = new Map<number, Pending>();
  private readonly out: OutQueue;
  private xid = 0;
  private seq = 0;
  private barrierSeq = new Map<number, number>();
  private ackWaiting = 0;
  private barrierScheduled = false;
  private closed = false;
  private closeError: LorisError | undefined;
  private lastHeard = Date.now();
  private echoTimer: NodeJS.Timeout | undefined;
  private echoSentAt = 0;
  private paused = false;
  private readonly helloWaiter: { resolve(m: MessageOf<'hello'>): void; reject(e: Error): void; promise: Promise<MessageOf<'hello'>> };
  private nextBundleId = 1;

  private constructor(socket: OfSocket, name: string, o: OfConnectionOptions) {
    super();
    this.socket = socket;
    this.name = name;
    this.opts = {
      echoIntervalMs: o.echoIntervalMs ?? 5000,
      echoTimeoutMs: o.echoTimeoutMs ?? 10_000,
      requestTimeoutMs: o.requestTimeoutMs ?? 60_000,
      handshakeTimeoutMs: o.handshakeTimeoutMs ?? 10_000,
      highWaterMark: o.highWaterMark ?? 1 << 20,
      features: o.features ?? true,
    };
    let resolve!: (m: MessageOf<'hello'>) => void;
    let reject!: (e: Error) => void;
    const promise = new Promise<MessageOf<'hello'>>((res, rej) => ((resolve = res), (reject = rej)));
    promise.catch(() => undefined);
    this.helloWaiter = { resolve, reject, promise };
    this.out = new OutQueue(socket, this.opts.highWaterMark);
    socket.setNoDelay?.(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e) => this.fail(new LorisError('LORIS_OF_TRANSPORT', `OpenFlow connection ${this.name} failed: ${e.message}; the switch may have restarted, reconnect`, { cause: e })));
    socket.on('close', () => this.fail(new NotConnectedError(`OpenFlow connection ${this.name} (closed by the peer)`)));
  }

  /** Connects to `tcp:`, `ssl:` or `unix:` and completes HELLO (OF1.3 only) and FEATURES. */
  static async connect(remote: string, o: OfConnectionOptions = {}): Promise<OfConnection> {
    const sock = await connectSocket(remote, { tls: o.tls, timeoutMs: o.handshakeTimeoutMs });
    return OfConnection.open(sock, o.name ?? remote, o);
  }

  /** Runs the handshake on an already connected socket (used by OfListener). */
  static async open(sock: OfSocket, name: string, o: OfConnectionOptions = {}): Promise<OfConnection> {
    const c = new OfConnection(sock, name, o);
    try {
      await c.handshake();
    } catch (e) {
      c.destroy(e instanceof LorisError ? e : new LorisError('LORIS_OF_HANDSHAKE', String(e)));
      throw e;
    }
    return c;
  }

  private async handshake(): Promise<void> {
    this.write({ type: 'hello', versions: [OFP_VERSION] }, this.nextXid());
    const t = this.opts.handshakeTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const hello = await Promise.race([
      this.helloWaiter.promise,
      new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new TimeoutError(`HELLO from ${this.name}`, t)), t))),
    ]).finally(() => clearTimeout(timer));
    const ok = hello.versions ? hello.versions.includes(OFP_VERSION) : (hello.version ?? OFP_VERSION) >= OFP_VERSION;
    if (!ok) {
      this.write({ type: 'error', errType: 0, code: 0, data: Buffer.from('loris speaks OpenFlow 1.3 only') }, hello.xid ?? 0);
      throw new OfVersionError(this.name, hello.versions ? `versions ${hello.versions.join(',')}` : `version ${hello.version}`);
    }
    if (this.opts.features) {
      const f = await this.request({ type: 'features_request' }, { timeoutMs: t });
      this.features = f;
    }
    this.startKeepalive();
  }

  /** Allocates the next transaction id of this connection (never 0). */
  nextXid(): number {
    this.xid = this.xid >= 0xffffffff ? 1 : this.xid + 1;
    return this.xid;
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  // ---- writing -------------------------------------------------------------------------------

  /** Encodes into the batch (see OutQueue); a message that cannot be encoded throws and leaves nothing behind. */
  private write(msg: OfMessage, xid: number, bundle?: { bundleId: number; flags: number }): void {
    if (this.closed) throw this.closeError ?? new NotConnectedError(`OpenFlow connection ${this.name}`);
    if (bundle) this.out.append((w) => encodeBundleAddInto(w, bundle.bundleId, bundle.flags, msg, xid));
    else this.out.append((w) => encodeMessageInto(w, msg, xid));
  }

  /** Waits while the socket holds more than the high-water mark; rejects once the connection is closed. */
  private async backpressure(): Promise<void> {
    await this.out.ready();
    if (this.closed) throw this.closeError ?? new NotConnectedError(`OpenFlow connection ${this.name}`);
  }

  /** Peak bytes held in the socket's queue (back-pressure keeps it near `highWaterMark`). */
  get peakBuffered(): number {
    return this.out.peakBuffered;
  }

  /**
   * Fire-and-forget: queues `msg` (with a fresh xid unless it has one) and resolves when the caller may
   * send more (back-pressure). Errors the switch sends for it arrive as 'ofp_error' events. Returns the xid.
   */
  async send(msg: OfMessage): Promise<number> {
    const xid = msg.xid ?? this.nextXid();
    this.write(msg, xid);
    await this.backpressure();
    return xid;
  }

  // ---- requests ------------------------------------------------------------------------------

  private timeout(p: Extract<Pending, { kind: 'reply' | 'multipart' }>, xid: number, ms: number): void {
    if (ms <= 0 || !Number.isFinite(ms)) return;
    p.timer = setTimeout(() => {
      this.pending.delete(xid);
      p.reject(new TimeoutError(`${p.what} to ${this.name}`, ms));
    }, ms);
    p.timer.unref?.();
  }

  /**
   * Sends `msg` and resolves with its reply. For a message without a reply (flow_mod, group_mod, packet_out…)
   * it resolves once a barrier confirms the switch processed it. An OFPT_ERROR for it rejects with OfpError.
   */
  request<M extends OfMessage>(msg: M, o?: { timeoutMs?: number }): Promise<ReplyTo<M['type']>>;
  request(msg: OfMessage, o: { timeoutMs?: number } = {}): Promise<OfMessage | void> {
    if (msg.type === 'multipart_request') return Promise.reject(new LorisError('LORIS_INVALID_ARGUMENT', 'use conn.multipart() for multipart requests'));
    const xid = msg.xid ?? this.nextXid();
    const replyType = replyTypeOf(msg.type);
    const what = describe(msg);
    return new Promise<OfMessage | void>((resolve, reject) => {
      if (this.closed) return reject(this.closeError ?? new NotConnectedError(`OpenFlow connection ${this.name}`));
      this.write(msg, xid); // throws (rejecting this promise) before anything is registered if msg cannot be encoded
      if (replyType) {
        const p: Pending = { kind: 'reply', what, replyType, resolve, reject };
        this.timeout(p, xid, o.timeoutMs ?? this.opts.requestTimeoutMs);
        this.pending.set(xid, p);
      } else {
        this.pending.set(xid, { kind: 'ack', what, seq: ++this.seq, resolve: () => resolve(), reject });
        this.ackWaiting++;
        this.scheduleBarrier();
      }
    });
  }

  private scheduleBarrier(): void {
    if (this.barrierScheduled) return;
    this.barrierScheduled = true;
    setImmediate(() => {
      this.barrierScheduled = false;
      if (this.ackWaiting > 0 && !this.closed) this.barrier().catch(() => undefined);
    });
  }

  /** Sends BARRIER_REQUEST; resolves when every message sent before it has been processed. */
  barrier(o: { timeoutMs?: number } = {}): Promise<void> {
    const xid = this.nextXid();
    this.barrierSeq.set(xid, ++this.seq);
    return this.request({ type: 'barrier_request', xid }, o).then(() => undefined);
  }

  /** Resolves acks sent before the barrier whose reply just came. */
  private settleAcks(barrierSeq: number): void {
    if (this.ackWaiting === 0) return;
    for (const [xid, p] of this.pending) {
      if (p.kind === 'ack' && p.seq < barrierSeq) {
        this.pending.delete(xid);
        this.ackWaiting--;
        p.resolve();
      }
    }
  }

  /**
   * Streams a multipart request's replies: yields each reply body (all parts of a long answer, in order)
   * and ends after the part without OFPMPF_REPLY_MORE. Reading pauses the socket while parts pile up.
   */
  multipart(body: MultipartRequestBody, o: { timeoutMs?: number } = {}): AsyncIterable<MultipartReplyBody> {
    return { [Symbol.asyncIterator]: () => this.multipartIterator(body, o) };
  }

  private multipartIterator(body: MultipartRequestBody, o: { timeoutMs?: number }): AsyncIterator<MultipartReplyBody> {
    const xid = this.nextXid();
    const queue: MultipartReplyBody[] = [];
    let done = false;
    let error: Error | undefined;
    let wake: (() => void) | undefined;
    const p: Extract<Pending, { kind: 'multipart' }> = {
      kind: 'multipart',
      what: `multipart_request(${body.kind})`,
      part: (m) => {
        queue.push(m.body);
        if (!(m.flags & OFPMPF_MORE)) {
          done = true;
          this.pending.delete(xid);
          if (p.timer) clearTimeout(p.timer);
        } else if (queue.length > 64 && !this.paused) {
          this.paused = true;
          this.socket.pause();
        }
        wake?.();
      },
      reject: (e) => {
        error = e;
        done = true;
        wake?.();
      },
    };
    let started = false;
    const start = (): void => {
      started = true;
      this.write({ type: 'multipart_request', flags: 0, body }, xid);
      this.timeout(p, xid, o.timeoutMs ?? this.opts.requestTimeoutMs);
      this.pending.set(xid, p);
    };
    const resume = (): void => {
      if (this.paused && queue.length <= 16) {
        this.paused = false;
        this.socket.resume();
      }
    };
    return {
      next: async (): Promise<IteratorResult<MultipartReplyBody>> => {
        if (!started) {
          if (this.closed) throw this.closeError ?? new NotConnectedError(`OpenFlow connection ${this.name}`);
          start();
        }
        while (queue.length === 0 && !done) await new Promise<void>((res) => (wake = res));
        wake = undefined;
        const v = queue.shift();
        resume();
        if (v !== undefined) return { done: false, value: v };
        if (error) throw error;
        return { done: true, value: undefined };
      },
      return: async (): Promise<IteratorResult<MultipartReplyBody>> => {
        // Stop early: forget the rest of the answer.
        done = true;
        if (p.timer) clearTimeout(p.timer);
        if (this.pending.get(xid) === p) this.pending.set(xid, { kind: 'collect', what: p.what, errors: [] });
        queue.length = 0;
        resume();
        return { done: true, value: undefined };
      },
    };
  }

  /** All reply bodies of a multipart request. */
  async multipartAll(body: MultipartRequestBody, o: { timeoutMs?: number } = {}): Promise<MultipartReplyBody[]> {
    const out: MultipartReplyBody[] = [];
    for await (const b of this.multipart(body, o)) out.push(b);
    return out;
  }

  /**
   * Applies `msgs` as one ONF bundle (open, add each, commit). With `atomic` (default) a failing message
   * leaves the switch unchanged and the promise rejects with that message's OfpError.
   */
  async bundle(msgs: Iterable<OfMessage>, o: { atomic?: boolean; ordered?: boolean; timeoutMs?: number } = {}): Promise<void> {
    const flags = (o.atomic !== false ? OFPBF.ATOMIC : 0) | (o.ordered ? OFPBF.ORDERED : 0);
    const bundleId = this.nextBundleId++;
    const ctl = (ctrlType: number): Promise<BundleControl> => this.request({ type: 'bundle_control', bundleId, ctrlType, flags }, o);
    await ctl(OFPBCT.OPEN_REQUEST);
    const inner: number[] = [];
    const errors: OfpError[] = [];
    try {
      try {
        const collect: Pending = { kind: 'collect', what: `a message in bundle ${bundleId}`, errors };
        const bundle = { bundleId, flags };
        for (const m of msgs) {
          const xid = m.xid ?? this.nextXid();
          this.write(m, xid, bundle);
          inner.push(xid);
          this.pending.set(xid, collect);
          if (this.out.mustWait()) await this.backpressure();
        }
      } catch (e) {
        // A message we could not encode (or a closed connection): nothing of the bundle is applied.
        if (!this.closed) await ctl(OFPBCT.DISCARD_REQUEST).catch(() => undefined);
        throw e;
      }
      try {
        await ctl(OFPBCT.COMMIT_REQUEST);
      } catch (e) {
        if (errors.length > 0) throw errors[0];
        throw e;
      }
      if (errors.length > 0) throw errors[0];
    } finally {
      for (const x of inner) this.pending.delete(x);
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** OFPT_SET_CONFIG. A mgmt connection gets async messages only while missSendLen ≠ 0 (ovs-facts §1). */
  setConfig(o: { flags?: number; missSendLen?: number } = {}): Promise<void> {
    return this.request({ type: 'set_config', flags: o.flags ?? 0, missSendLen: o.missSendLen ?? 0xffff });
  }

  getConfig(): Promise<GetConfigReply> {
    return this.request({ type: 'get_config_request' });
  }

  /** OFPT_SET_ASYNC (default: every reason, both roles); on a mgmt connection it also enables packet-ins. */
  setAsync(cfg: AsyncConfig = ASYNC_ALL): Promise<void> {
    return this.request({ type: 'set_async', ...cfg });
  }

  getAsync(): Promise<GetAsyncReply> {
    return this.request({ type: 'get_async_request' });
  }

  role(role: number, generationId = 0n): Promise<RoleReply> {
    return this.request({ type: 'role_request', role, generationId });
  }

  /** Round trip an ECHO_REQUEST; resolves with the time it took in ms. */
  async echo(data: Buffer = Buffer.alloc(0), o: { timeoutMs?: number } = {}): Promise<number> {
    const t0 = performance.now();
    await this.request({ type: 'echo_request', data }, o);
    return performance.now() - t0;
  }

  // ---- reading -------------------------------------------------------------------------------

  private onData(chunk: Buffer): void {
    this.lastHeard = Date.now();
    this.echoSentAt = 0;
    let frames: Buffer[];
    try {
      frames = this.framer.push(chunk);
    } catch (e) {
      this.destroy(e instanceof ProtocolError ? e : new ProtocolError('openflow', String(e), 0));
      return;
    }
    for (const f of frames) {
      if (this.closed) return;
      let msg: OfMessage;
      try {
        msg = decodeFrom(new Reader(f));
      } catch (e) {
        this.onUndecodable(f, e instanceof ProtocolError ? e : new ProtocolError('openflow', String(e), 0));
        continue;
      }
      this.dispatch(msg);
    }
  }

  private onUndecodable(frame: Buffer, err: ProtocolError): void {
    const xid = frame.readUInt32BE(4);
    const p = this.pending.get(xid);
    if (p && p.kind !== 'collect') {
      this.pending.delete(xid);
      if (p.kind === 'ack') this.ackWaiting--;
      p.reject(err);
    } else {
      this.emit('protocol_error', err);
    }
  }

  private dispatch(msg: OfMessage): void {
    if (msg.type === 'hello') return this.helloWaiter.resolve(msg);
    if (msg.type === 'echo_request') {
      this.write({ type: 'echo_reply', data: msg.data }, msg.xid ?? 0);
      return;
    }
    const xid = msg.xid ?? 0;
    const p = this.pending.get(xid);
    if (msg.type === 'error') return this.onError(msg, p);
    if (p) {
      if (p.kind === 'reply' && msg.type === p.replyType) {
        this.pending.delete(xid);
        if (p.timer) clearTimeout(p.timer);
        if (msg.type === 'barrier_reply') {
          const s = this.barrierSeq.get(xid);
          this.barrierSeq.delete(xid);
          if (s !== undefined) this.settleAcks(s);
        }
        return p.resolve(msg);
      }
      if (p.kind === 'multipart' && msg.type === 'multipart_reply') return p.part(msg);
      if (p.kind === 'collect' && msg.type === 'multipart_reply') {
        if (!(msg.flags & OFPMPF_MORE)) this.pending.delete(xid);
        return;
      }
    }
    this.emit('message', msg);
    if (msg.type === 'packet_in') this.emit('packet_in', msg);
    else if (msg.type === 'port_status') this.emit('port_status', msg);
    else if (msg.type === 'flow_removed') this.emit('flow_removed', msg);
  }

  private onError(msg: ErrorMsg, p: Pending | undefined): void {
    const err = new OfpError(msg, p?.what);
    if (!p) {
      this.emit('ofp_error', err);
      return;
    }
    const xid = msg.xid ?? 0;
    if (p.kind === 'collect') {
      p.errors.push(err);
      return;
    }
    this.pending.delete(xid);
    if (p.kind === 'ack') this.ackWaiting--;
    if (p.kind !== 'ack' && p.timer) clearTimeout(p.timer);
    this.barrierSeq.delete(xid);
    p.reject(err);
  }

  // ---- liveness and shutdown -------------------------------------------------------------------

  private startKeepalive(): void {
    const every = this.opts.echoIntervalMs;
    if (every <= 0) return;
    const tick = Math.max(10, Math.min(every, this.opts.echoTimeoutMs) / 4);
    this.echoTimer = setInterval(() => {
      const now = Date.now();
      if (this.echoSentAt && now - this.echoSentAt >= this.opts.echoTimeoutMs && this.lastHeard < this.echoSentAt) {
        this.destroy(new EchoTimeoutError(this.name, this.opts.echoTimeoutMs));
      } else if (!this.echoSentAt && now - this.lastHeard >= every) {
        this.echoSentAt = now;
        try {
          this.write({ type: 'echo_request', data: Buffer.alloc(0) }, this.nextXid());
        } catch {
          /* closed meanwhile */
        }
      }
    }, tick);
    this.echoTimer.unref?.();
  }

  private fail(err: LorisError): void {
    if (!this.closed) this.destroy(err);
  }

  /** Closes with an error: every pending request rejects with it and 'close' carries it. */
  destroy(err?: LorisError): void {
    if (this.closed) return;
    this.closed = true;
    this.closeError = err ?? new NotConnectedError(`OpenFlow connection ${this.name} (closed)`);
    if (this.echoTimer) clearInterval(this.echoTimer);
    this.helloWaiter.reject(this.closeError);
    for (const [, p] of this.pending) {
      if (p.kind === 'collect') continue;
      if (p.kind !== 'ack' && p.timer) clearTimeout(p.timer);
      p.reject(this.closeError);
    }
    this.pending.clear();
    this.out.close();
    this.socket.destroy();
    this.emit('close', err);
  }

  /** Flushes what is queued and closes the connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.out.flush();
    await new Promise<void>((res) => {
      this.socket.end(() => res());
      setTimeout(res, 1000).unref();
    });
    this.destroy();
  }
}
