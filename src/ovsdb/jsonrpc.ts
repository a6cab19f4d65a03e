import type { Socket } from 'node:net';
import { TimeoutError } from '../errors.js';
import { JsonFramer } from './framer.js';
import type { Json } from './notation.js';

/*
 * JSON-RPC 1.0 as OVSDB and unixctl use it: requests `{method, params, id}`, replies `{result, error, id}`,
 * notifications with `id: null`. One instance per socket; the socket's bytes go through JsonFramer.
 * Messages are handled strictly in arrival order.
 */

export type RpcId = number | string;

export interface RpcHandlers {
  /** A notification (id null) or a request from the peer (id set: the handler must call `reply`). */
  onMessage(method: string, params: unknown[], id: RpcId | null): void;
  /** Builds the error a failed reply rejects with. */
  makeError(method: string, error: unknown, reply: Record<string, unknown>): Error;
  /** The socket closed (any reason). Pending requests are already rejected. */
  onClose(err: Error | undefined): void;
  /** Rejection for requests still pending when the socket closes. */
  closedError(method: string): Error;
  /** A notification/request handler threw. */
  onHandlerError?(err: Error): void;
  /** Protocol name for framer errors. */
  protocol?: string;
}

interface Pending {
  method: string;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout | undefined;
}

export class JsonRpcConnection {
  private readonly pending = new Map<RpcId, Pending>();
  private readonly framer: JsonFramer;
  private nextId = 1;
  private closed = false;
  /** Time of the last byte received (ms since epoch): keepalive uses it. */
  lastRx = Date.now();

  constructor(
    readonly socket: Socket,
    private readonly h: RpcHandlers,
  ) {
    this.framer = new JsonFramer({ protocol: h.protocol ?? 'ovsdb' });
    socket.setNoDelay?.(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e) => this.shutdown(e));
    socket.on('close', () => this.shutdown(undefined));
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  get inFlight(): number {
    return this.pending.size;
  }

  private onData(chunk: Buffer): void {
    this.lastRx = Date.now();
    let msgs: unknown[];
    try {
      msgs = this.framer.push(chunk);
    } catch (e) {
      this.shutdown(e as Error);
      this.socket.destroy();
      return;
    }
    for (const m of msgs) this.dispatch(m);
  }

  private dispatch(m: unknown): void {
    if (!m || typeof m !== 'object' || Array.isArray(m)) return;
    const msg = m as Record<string, unknown>;
    if (typeof msg.method === 'string') {
      const id = typeof msg.id === 'number' || typeof msg.id === 'string' ? msg.id : null;
      try {
        this.h.onMessage(msg.method, Array.isArray(msg.params) ? msg.params : [], id);
      } catch (e) {
        // A handler bug must not kill the socket's data handler (or the process); report it and go on.
        this.h.onHandlerError?.(e as Error);
      }
      return;
    }
    const id = msg.id;
    if (typeof id !== 'number' && typeof id !== 'string') return;
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    if (p.timer) clearTimeout(p.timer);
    if (msg.error !== null && msg.error !== undefined) p.reject(this.h.makeError(p.method, msg.error, msg));
    else p.resolve(msg.result);
  }

  /** Allocates the id the next request will use (so callers can cancel it). */
  allocId(): number {
    return this.nextId++;
  }

  request(method: string, params: Json[], o: { timeoutMs?: number; id?: RpcId } = {}): Promise<unknown> {
    if (this.closed) return Promise.reject(this.h.closedError(method));
    const id = o.id ?? this.allocId();
    return new Promise((resolve, reject) => {
      const p: Pending = { method, resolve, reject, timer: undefined };
      if (o.timeoutMs !== undefined && o.timeoutMs > 0) {
        p.timer = setTimeout(() => {
          this.pending.delete(id);
          reject(new TimeoutError(`${method} request`, o.timeoutMs ?? 0));
        }, o.timeoutMs);
      }
      this.pending.set(id, p);
      this.write({ method, params, id });
    });
  }

  /** Stops waiting for a reply to `id`, rejecting its promise with `err` (a late reply is ignored). */
  abandon(id: RpcId, err: Error): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    if (p.timer) clearTimeout(p.timer);
    p.reject(err);
  }

  notify(method: string, params: Json[]): void {
    if (!this.closed) this.write({ method, params, id: null });
  }

  reply(id: RpcId, result: Json, error: Json = null): void {
    if (!this.closed) this.write({ result, error, id });
  }

  private write(obj: Json): void {
    this.socket.write(JSON.stringify(obj));
  }

  close(): void {
    this.socket.destroy();
    this.shutdown(undefined);
  }

  private shutdown(err: Error | undefined): void {
    if (this.closed) return;
    this.closed = true;
    for (const [, p] of this.pending) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(this.h.closedError(p.method));
    }
    this.pending.clear();
    this.socket.destroy();
    this.h.onClose(err);
  }
}
