import { request } from 'node:http';
import { statSync } from 'node:fs';
import { InvalidArgumentError, LorisError } from '../errors.js';
import { ContainerNotFoundError, ContainerNotRunningError, NetnsError } from './errors.js';
import { NETNS_RUN_DIR, openNetns, type Netns } from './netns.js';

/** A container resolved to its network namespace (held open by `netns` until `close()`). */
export interface ResolvedContainer {
  /** Docker's full id, or the argument for pid/netns/path targets. */
  readonly id: string;
  /** Docker's name without the leading '/', or the argument. */
  readonly name: string;
  readonly source: 'docker' | 'pid' | 'netns' | 'path';
  readonly pid?: number;
  /** The namespace file the handle was opened from. */
  readonly nsPath: string;
  readonly netns: Netns;
  /** True while the namespace file still names the namespace we hold (the process did not exit or get replaced). */
  stillRunning(): boolean;
  close(): void;
}

export interface ResolveOptions {
  /** Docker endpoint: `unix:///path` (default: DOCKER_HOST when it is unix://, else /var/run/docker.sock). */
  dockerHost?: string;
  timeoutMs?: number;
}

/** The Docker Engine unix socket to use, or undefined when DOCKER_HOST names a non-unix endpoint. */
export function dockerSocket(dockerHost = process.env.DOCKER_HOST): string | undefined {
  if (!dockerHost) return '/var/run/docker.sock';
  if (dockerHost.startsWith('unix://')) return dockerHost.slice('unix://'.length);
  return undefined;
}

interface DockerInspect {
  Id: string;
  Name: string;
  State: { Running: boolean; Pid: number; Status?: string; ExitCode?: number };
}

function isInspect(x: unknown): x is DockerInspect {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as Record<string, unknown>;
  const st = o.State as Record<string, unknown> | undefined;
  return typeof o.Id === 'string' && typeof o.Name === 'string' && typeof st === 'object' && st !== null && typeof st.Running === 'boolean' && typeof st.Pid === 'number';
}

/** GET /containers/{id}/json over the engine's unix socket (Node http, no docker CLI). */
export function inspectDockerContainer(socketPath: string, idOrName: string, timeoutMs = 5000): Promise<DockerInspect | undefined> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path: `/containers/${encodeURIComponent(idOrName)}/json`, method: 'GET', timeout: timeoutMs, headers: { Host: 'docker' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode === 404) return resolve(undefined);
        if (res.statusCode !== 200) return reject(new LorisError('LORIS_DOCKER', `Docker Engine at ${socketPath} answered ${res.statusCode} for container ${idOrName}: ${body.trim()}`));
        try {
          const j: unknown = JSON.parse(body);
          if (!isInspect(j)) throw new Error('missing Id/Name/State');
          resolve(j);
        } catch (e) {
          reject(new LorisError('LORIS_DOCKER', `Docker Engine at ${socketPath} sent an unexpected answer for ${idOrName}: ${(e as Error).message}`));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e) => reject(new LorisError('LORIS_DOCKER', `cannot reach the Docker Engine at ${socketPath}: ${e.message}; is dockerd running (or set DOCKER_HOST=unix://…)?`, { cause: e })));
    req.end();
  });
}

function inode(path: string): number | undefined {
  try {
    return statSync(path).ino;
  } catch {
    return undefined;
  }
}

function resolved(o: Omit<ResolvedContainer, 'stillRunning' | 'close' | 'netns'>, notFound: (d: string) => Error): ResolvedContainer {
  let netns: Netns;
  try {
    netns = openNetns({ path: o.nsPath });
  } catch (e) {
    if (e instanceof NetnsError) throw notFound(e.message);
    throw e;
  }
  const ino = netns.id.ino;
  return { ...o, netns, stillRunning: () => netns.isOpen && inode(o.nsPath) === ino, close: () => netns.close() };
}

/**
 * Resolves an argument to a container's network namespace: a Docker container id or name through the
 * Docker Engine API, or explicitly `pid:1234`, `netns:NAME` (/var/run/netns/NAME) or a path to a
 * namespace file (`/proc/1234/ns/net`). Throws ContainerNotFoundError / ContainerNotRunningError naming it.
 */
export async function resolveContainer(arg: string, opts: ResolveOptions = {}): Promise<ResolvedContainer> {
  if (!arg) throw new InvalidArgumentError('empty container argument: give a Docker id or name, pid:N, netns:NAME or a namespace path');
  if (arg.startsWith('pid:')) {
    const pid = Number(arg.slice(4));
    if (!Number.isInteger(pid) || pid <= 0) throw new InvalidArgumentError(`bad container argument ${arg}: pid:N needs a positive integer`);
    return resolved({ id: arg, name: arg, source: 'pid', pid, nsPath: `/proc/${pid}/ns/net` }, (d) => new ContainerNotRunningError(arg, `no process ${pid} (${d})`));
  }
  if (arg.startsWith('netns:')) {
    const name = arg.slice(6);
    if (!/^[^/\0]+$/.test(name)) throw new InvalidArgumentError(`bad container argument ${arg}: netns:NAME needs a name from ip netns list`);
    return resolved({ id: arg, name, source: 'netns', nsPath: `${NETNS_RUN_DIR}/${name}` }, (d) => new ContainerNotFoundError(arg, d));
  }
  if (arg.startsWith('/')) return resolved({ id: arg, name: arg, source: 'path', nsPath: arg }, (d) => new ContainerNotFoundError(arg, d));
  const sock = dockerSocket(opts.dockerHost);
  if (!sock) throw new ContainerNotFoundError(arg, `DOCKER_HOST=${opts.dockerHost ?? process.env.DOCKER_HOST} is not a unix:// socket, which is all loris speaks to`);
  const info = await inspectDockerContainer(sock, arg, opts.timeoutMs);
  if (!info) throw new ContainerNotFoundError(arg, `the Docker Engine at ${sock} has no such container`);
  const name = info.Name.replace(/^\//, '');
  if (!info.State.Running || info.State.Pid <= 0) throw new ContainerNotRunningError(`${name} (${info.Id.slice(0, 12)})`, `state ${info.State.Status ?? 'not running'}${info.State.ExitCode !== undefined ? `, exit code ${info.State.ExitCode}` : ''}`);
  return resolved({ id: info.Id, name, source: 'docker', pid: info.State.Pid, nsPath: `/proc/${info.State.Pid}/ns/net` }, (d) => new ContainerNotRunningError(`${name} (${info.Id.slice(0, 12)})`, `its process ${info.State.Pid} is gone (${d})`));
}
