import { readFileSync } from 'node:fs';
import { unlinkSync, existsSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { InvalidArgumentError, LorisError, TimeoutError } from '../errors.js';

/** Default OpenFlow port (IANA). */
export const OFP_TCP_PORT = 6653;

/** Where to connect (`tcp:`, `ssl:`, `unix:`) or listen (`ptcp:`, `pssl:`, `punix:`), as in ovs-vsctl set-controller. */
export type Remote =
  | { kind: 'tcp' | 'ssl'; host: string; port: number }
  | { kind: 'unix'; path: string }
  | { kind: 'ptcp' | 'pssl'; host: string; port: number }
  | { kind: 'punix'; path: string };

/** PEM material for `ssl:`/`pssl:`: strings or Buffers holding PEM, or file paths (`{file}`). */
export type Pem = string | Buffer | { file: string };
export interface TlsOptions {
  key: Pem;
  cert: Pem;
  /** CA certificate(s) the peer's certificate must chain to. */
  ca: Pem;
}

function pem(p: Pem): string | Buffer {
  return typeof p === 'object' && !Buffer.isBuffer(p) ? readFileSync(p.file) : p;
}

function badRemote(s: string, why: string): never {
  throw new InvalidArgumentError(
    `bad OpenFlow remote '${s}': ${why}; use tcp:HOST[:PORT], ssl:HOST[:PORT], unix:PATH, ptcp:[PORT][:HOST], pssl:[PORT][:HOST] or punix:PATH`,
  );
}

function parsePort(s: string, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535) badRemote(s, `port '${text}' is not a number 0-65535`);
  return n;
}

/** Parses an OVS-style remote string. */
export function parseRemote(s: string): Remote {
  const colon = s.indexOf(':');
  if (colon < 0) badRemote(s, 'no method');
  const method = s.slice(0, colon);
  const rest = s.slice(colon + 1);
  switch (method) {
    case 'unix':
    case 'punix':
      if (!rest) badRemote(s, 'empty path');
      return { kind: method, path: rest };
    case 'tcp':
    case 'ssl': {
      // HOST[:PORT], HOST may be [v6].
      const m = /^(\[[^\]]+\]|[^:]+)(?::(\d*))?$/.exec(rest);
      if (!m) badRemote(s, 'expected HOST[:PORT]');
      const host = m[1].replace(/^\[|\]$/g, '');
      return { kind: method, host, port: m[2] ? parsePort(s, m[2]) : OFP_TCP_PORT };
    }
    case 'ptcp':
    case 'pssl': {
      // [PORT][:HOST]
      const m = /^(\d*)(?::(.+))?$/.exec(rest);
      if (!m) badRemote(s, 'expected [PORT][:HOST]');
      return { kind: method, port: m[1] ? parsePort(s, m[1]) : OFP_TCP_PORT, host: (m[2] ?? '0.0.0.0').replace(/^\[|\]$/g, '') };
    }
    default:
      return badRemote(s, `unknown method '${method}'`);
  }
}

/** A transport-level failure (refused, unreachable, TLS handshake). */
export class TransportError extends LorisError {
  readonly remote: string;
  constructor(remote: string, message: string, cause?: unknown) {
    super('LORIS_OF_TRANSPORT', `OpenFlow remote ${remote}: ${message}; check that the peer listens there and the TLS files match`, { cause });
    this.remote = remote;
  }
}

export type OfSocket = net.Socket | tls.TLSSocket;

/** Opens an active connection and resolves once it is established (TLS: after the handshake). */
export function connectSocket(remote: string, o: { tls?: TlsOptions; timeoutMs?: number } = {}): Promise<OfSocket> {
  const r = parseRemote(remote);
  if (r.kind !== 'tcp' && r.kind !== 'ssl' && r.kind !== 'unix') throw new InvalidArgumentError(`'${remote}' is a listening remote; use OfListener.listen for ptcp:/pssl:/punix:`);
  if (r.kind === 'ssl' && !o.tls) throw new InvalidArgumentError(`'${remote}' needs TLS options (key, cert, ca)`);
  const timeoutMs = o.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    let sock: OfSocket;
    const ready = r.kind === 'ssl' ? 'secureConnect' : 'connect';
    if (r.kind === 'unix') sock = net.connect({ path: r.path });
    else if (r.kind === 'tcp') sock = net.connect({ host: r.host, port: r.port });
    else {
      const t = o.tls as TlsOptions;
      sock = tls.connect({ host: r.host, port: r.port, key: pem(t.key), cert: pem(t.cert), ca: pem(t.ca), checkServerIdentity: () => undefined });
    }
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new TimeoutError(`connecting to OpenFlow remote ${remote}`, timeoutMs));
    }, timeoutMs);
    sock.once(ready, () => {
      clearTimeout(timer);
      sock.removeAllListeners('error');
      resolve(sock);
    });
    sock.once('error', (e) => {
      clearTimeout(timer);
      reject(new TransportError(remote, e.message, e));
    });
  });
}

/** A listening socket for passive remotes. */
export interface SocketListener {
  readonly remote: Remote;
  /** The bound TCP port (useful with ptcp:0). */
  readonly port: number | undefined;
  close(): Promise<void>;
}

/** Listens on a passive remote; `onSocket` gets each accepted (TLS: handshaken) socket. */
export function listenSocket(remote: string, onSocket: (s: OfSocket) => void, o: { tls?: TlsOptions } = {}): Promise<SocketListener> {
  const r = parseRemote(remote);
  if (r.kind !== 'ptcp' && r.kind !== 'pssl' && r.kind !== 'punix') throw new InvalidArgumentError(`'${remote}' is an active remote; use OfConnection.connect for tcp:/ssl:/unix:`);
  let server: net.Server;
  if (r.kind === 'pssl') {
    if (!o.tls) throw new InvalidArgumentError(`'${remote}' needs TLS options (key, cert, ca)`);
    const t = o.tls;
    server = tls.createServer({ key: pem(t.key), cert: pem(t.cert), ca: pem(t.ca), requestCert: true, rejectUnauthorized: true }, onSocket);
  } else {
    server = net.createServer(onSocket);
  }
  return new Promise((resolve, reject) => {
    server.once('error', (e) => reject(new TransportError(remote, `cannot listen: ${e.message}`, e)));
    const done = (): void => {
      server.removeAllListeners('error');
      server.on('error', () => undefined);
      const addr = server.address();
      resolve({
        remote: r,
        port: typeof addr === 'object' && addr ? addr.port : undefined,
        close: () =>
          new Promise<void>((res) => {
            server.close(() => res());
            if (r.kind === 'punix' && existsSync(r.path)) unlinkSync(r.path);
          }),
      });
    };
    if (r.kind === 'punix') {
      if (existsSync(r.path)) unlinkSync(r.path);
      server.listen(r.path, done);
    } else {
      server.listen(r.port, r.host, done);
    }
  });
}
