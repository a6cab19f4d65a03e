import { EventEmitter } from 'node:events';
import { TimeoutError } from '../errors.js';
import { OfConnection, type OfConnectionOptions } from './connection.js';
import { listenSocket, type SocketListener } from './transport.js';

/** Accepts switches on `ptcp:`, `pssl:` or `punix:` (bridges configured with set-controller). */
export class OfListener extends EventEmitter<{ connection: [OfConnection]; handshake_error: [Error] }> {
  private readonly waiting: ((c: OfConnection) => void)[] = [];
  private readonly ready: OfConnection[] = [];
  private constructor(
    private readonly listener: SocketListener,
    readonly remote: string,
  ) {
    super();
  }

  static async listen(remote: string, o: OfConnectionOptions = {}): Promise<OfListener> {
    const holder: { self?: OfListener } = {};
    const l = await listenSocket(
      remote,
      (sock) => {
        const name = `${remote}#${sock.remoteAddress ?? 'unix'}:${sock.remotePort ?? ''}`;
        OfConnection.open(sock, o.name ?? name, o).then(
          (c) => holder.self?.accepted(c),
          (e: Error) => holder.self?.emit('handshake_error', e),
        );
      },
      { tls: o.tls },
    );
    holder.self = new OfListener(l, remote);
    return holder.self;
  }

  private accepted(c: OfConnection): void {
    this.emit('connection', c);
    const w = this.waiting.shift();
    if (w) w(c);
    else this.ready.push(c);
  }

  /** The next connection that completed its handshake. */
  accept(timeoutMs = 30_000): Promise<OfConnection> {
    const c = this.ready.shift();
    if (c) return Promise.resolve(c);
    return new Promise((res, rej) => {
      const t = setTimeout(() => {
        const i = this.waiting.indexOf(done);
        if (i >= 0) this.waiting.splice(i, 1);
        rej(new TimeoutError(`a switch connecting to ${this.remote}`, timeoutMs));
      }, timeoutMs);
      const done = (conn: OfConnection): void => {
        clearTimeout(t);
        res(conn);
      };
      this.waiting.push(done);
    });
  }

  /** The bound TCP port (for ptcp:0 / pssl:0). */
  get port(): number | undefined {
    return this.listener.port;
  }

  close(): Promise<void> {
    return this.listener.close();
  }
}

