import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { InvalidArgumentError, NotConnectedError, TimeoutError } from '../errors.js';

/*
 * Remote strings as OVS writes them (ovsdb-server(1) "Active Database Connection Methods"):
 * `tcp:HOST[:PORT]`, `ssl:HOST[:PORT]` (IPv6 as `[addr]`, default port 6640), `unix:PATH`, and a
 * comma-separated list of those for a cluster.
 */

export type Remote =
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number }
  | { readonly kind: 'ssl'; readonly host: string; readonly port: number }
  | { readonly kind: 'unix'; readonly path: string };

export const OVSDB_DEFAULT_PORT = 6640;

/** TLS material for `ssl:` remotes (PEM strings or buffers), as `ovsdb-client --private-key/--certificate/--ca-cert`. */
export interface SslOptions {
  key?: string | Buffer;
  cert?: string | Buffer;
  ca?: string | Buffer;
  /** Check the server certificate against `ca` (default true). */
  rejectUnauthorized?: boolean;
}

export function parseRemote(s: string): Remote {
  const t = s.trim();
  const colon = t.indexOf(':');
  const method = colon < 0 ? '' : t.slice(0, colon);
  const rest = colon < 0 ? '' : t.slice(colon + 1);
  if (method === 'unix') {
    if (!rest) throw new InvalidArgumentError(`remote "${s}" has no socket path; write unix:/path/to/db.sock`);
    return { kind: 'unix', path: rest };
  }
  if (method === 'tcp' || method === 'ssl') {
    let host: string;
    let portStr: string | undefined;
    if (rest.startsWith('[')) {
      const end = rest.indexOf(']');
      if (end < 0) throw new InvalidArgumentError(`remote "${s}" has an unclosed '[' around an IPv6 address; write tcp:[::1]:6640`);
      host = rest.slice(1, end);
      const after = rest.slice(end + 1);
      if (after && !after.startsWith(':')) throw new InvalidArgumentError(`remote "${s}": expected ':PORT' after the IPv6 address`);
      portStr = after ? after.slice(1) : undefined;
    } else {
      const parts = rest.split(':');
      if (parts.length > 2) throw new InvalidArgumentError(`remote "${s}": put an IPv6 address in brackets, e.g. ${method}:[::1]:6640`);
      host = parts[0];
      portStr = parts[1];
    }
    if (!host) throw new InvalidArgumentError(`remote "${s}" has no host; write ${method}:HOST:PORT`);
    const port = portStr === undefined || portStr === '' ? OVSDB_DEFAULT_PORT : Number(portStr);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InvalidArgumentError(`remote "${s}" has an invalid port "${portStr}"; use 1-65535`);
    return { kind: method, host, port };
  }
  throw new InvalidArgumentError(`remote "${s}" is not tcp:HOST:PORT, ssl:HOST:PORT or unix:PATH; passive remotes (ptcp:, punix:) are for servers`);
}

/** A comma-separated remote list (or an array of them) → remotes. */
export function parseRemotes(s: string | readonly string[]): Remote[] {
  const list = (typeof s === 'string' ? [s] : s).flatMap((x) => x.split(',')).map((x) => x.trim()).filter((x) => x !== '');
  if (list.length === 0) throw new InvalidArgumentError('no OVSDB remote given; pass e.g. unix:/var/run/openvswitch/db.sock');
  return list.map(parseRemote);
}

export function formatRemote(r: Remote): string {
  if (r.kind === 'unix') return `unix:${r.path}`;
  return `${r.kind}:${r.host.includes(':') ? `[${r.host}]` : r.host}:${r.port}`;
}

/** Opens a stream socket to a remote; resolves once connected (TLS: after the handshake). */
export function openStream(r: Remote, o: { timeoutMs?: number; ssl?: SslOptions } = {}): Promise<Socket> {
  const timeoutMs = o.timeoutMs ?? 5000;
  return new Promise<Socket>((resolve, reject) => {
    let sock: Socket;
    const event = r.kind === 'ssl' ? 'secureConnect' : 'connect';
    if (r.kind === 'unix') sock = netConnect({ path: r.path });
    else if (r.kind === 'tcp') sock = netConnect({ host: r.host, port: r.port });
    else {
      const tlsOpts: ConnectionOptions = { host: r.host, port: r.port, key: o.ssl?.key, cert: o.ssl?.cert, ca: o.ssl?.ca, rejectUnauthorized: o.ssl?.rejectUnauthorized ?? true };
      sock = tlsConnect(tlsOpts);
    }
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new TimeoutError(`connecting to ${formatRemote(r)}`, timeoutMs));
    }, timeoutMs);
    sock.once(event, () => {
      clearTimeout(timer);
      sock.removeAllListeners('error');
      resolve(sock);
    });
    sock.once('error', (e) => {
      clearTimeout(timer);
      sock.destroy();
      reject(new NotConnectedError(`OVSDB remote ${formatRemote(r)} (${e.message})`));
    });
  });
}
