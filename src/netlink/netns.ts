import { closeSync, constants as fsc, existsSync, fstatSync, mkdirSync, openSync, statSync, unlinkSync } from 'node:fs';
import { lastErrno, libc } from './libc.js';
import { InvalidArgumentError, LorisError } from '../errors.js';
import { NetnsError } from './errors.js';

/** Where `ip netns` keeps named namespaces. */
export const NETNS_RUN_DIR = '/var/run/netns';
const CLONE_NEWNET = 0x40000000;

/** How to find a network namespace: by `ip netns` name, by a process's pid, or by a path to an nsfs file. */
export type NetnsSpec = { readonly name: string } | { readonly pid: number } | { readonly path: string };

const MS_BIND = 0x1000;
const MS_REC = 0x4000;
const MS_SHARED = 1 << 20;
const MNT_DETACH = 2;

const c = libc;

function setns(fd: number, label: string): void {
  if (c().setns(fd, CLONE_NEWNET) !== 0) {
    const name = lastErrno();
    throw new NetnsError(label, `setns failed: ${name}${name === 'EPERM' ? ' (needs CAP_SYS_ADMIN: run as root)' : name === 'EINVAL' ? ' (not a network namespace file)' : ''}`);
  }
}

/** Identity of a namespace: nsfs device and inode (equal for two handles on the same namespace). */
export interface NetnsId {
  readonly dev: number;
  readonly ino: number;
}

let nsfsDev: number | undefined;
function nsfsDevice(): number {
  nsfsDev ??= statSync('/proc/thread-self/ns/net').dev;
  return nsfsDev;
}

/**
 * An open network namespace: a file descriptor on its nsfs file. Keeps the namespace alive while open,
 * even if its process exits or its name is deleted. Close it with `close()` (or `using`).
 */
export class Netns {
  readonly fd: number;
  readonly label: string;
  readonly id: NetnsId;
  private open = true;

  constructor(fd: number, label: string, id: NetnsId) {
    this.fd = fd;
    this.label = label;
    this.id = id;
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** True when both handles name the same namespace. */
  sameAs(o: Netns): boolean {
    return this.id.ino === o.id.ino && this.id.dev === o.id.dev;
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    closeSync(this.fd);
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

function labelOf(spec: NetnsSpec): string {
  if ('name' in spec) return `netns:${spec.name}`;
  if ('pid' in spec) return `pid:${spec.pid}`;
  return spec.path;
}

function pathOf(spec: NetnsSpec): string {
  if ('name' in spec) {
    if (!/^[^/\0]+$/.test(spec.name) || spec.name === '.' || spec.name === '..') throw new InvalidArgumentError(`bad namespace name ${JSON.stringify(spec.name)}`);
    return `${NETNS_RUN_DIR}/${spec.name}`;
  }
  if ('pid' in spec) {
    if (!Number.isInteger(spec.pid) || spec.pid <= 0) throw new InvalidArgumentError(`bad pid ${spec.pid}: expected a positive integer`);
    return `/proc/${spec.pid}/ns/net`;
  }
  return spec.path;
}

/**
 * Opens a network namespace. Throws NetnsError when the file is missing (process gone, name deleted)
 * or is not a mounted namespace (a leftover empty file under /var/run/netns).
 */
export function openNetns(spec: NetnsSpec): Netns {
  const label = labelOf(spec);
  const path = pathOf(spec);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' || code === 'ESRCH' ? 'does not exist (the process exited or the namespace was deleted)' : `cannot be opened (${code})`;
    throw new NetnsError(label, `${path} ${why}`, { cause: e });
  }
  const st = fstatSync(fd);
  if (st.dev !== nsfsDevice()) {
    closeSync(fd);
    throw new NetnsError(label, `${path} is not a namespace file (not mounted, or the namespace was deleted)`);
  }
  return new Netns(fd, label, { dev: st.dev, ino: st.ino });
}

/** The namespace this process started in (its main thread's), opened once and kept open. */
let home: Netns | undefined;
export function homeNetns(): Netns {
  if (!home) {
    const ns = openNetns({ path: '/proc/thread-self/ns/net' });
    home = new Netns(ns.fd, 'host namespace', ns.id);
  }
  return home;
}

/** A new handle on the namespace the calling thread is in now (the caller closes it). */
export function currentNetns(): Netns {
  return openNetns({ path: '/proc/thread-self/ns/net' });
}

/**
 * Runs `fn` with the main thread switched into `ns`, and switches back before returning, even on a
 * throw. `fn` must be synchronous: sockets created in it stay bound to `ns` after the switch back.
 * Never await inside: other code would run in the wrong namespace.
 */
export function withNetns<T>(ns: Netns, fn: () => T): T {
  if (!ns.isOpen) throw new NetnsError(ns.label, 'handle is closed');
  const h = homeNetns();
  if (ns.sameAs(h)) return fn();
  setns(ns.fd, ns.label);
  try {
    const r = fn();
    if (r instanceof Promise) throw new LorisError('LORIS_INTERNAL', 'withNetns callback must be synchronous');
    return r;
  } finally {
    setns(h.fd, 'home');
  }
}

/** Makes /var/run/netns a shared mount (bind-mounting it on itself first if needed), as `ip netns add` does. */
function ensureNetnsRunDir(): void {
  mkdirSync(NETNS_RUN_DIR, { recursive: true, mode: 0o755 });
  if (c().mount('', NETNS_RUN_DIR, 'none', MS_SHARED | MS_REC, null) === 0) return;
  if (lastErrno() !== 'EINVAL') throw new NetnsError(NETNS_RUN_DIR, `cannot make it a shared mount: ${lastErrno()}`);
  if (c().mount(NETNS_RUN_DIR, NETNS_RUN_DIR, 'none', MS_BIND | MS_REC, null) !== 0) throw new NetnsError(NETNS_RUN_DIR, `cannot bind-mount it: ${lastErrno()}`);
  if (c().mount('', NETNS_RUN_DIR, 'none', MS_SHARED | MS_REC, null) !== 0) throw new NetnsError(NETNS_RUN_DIR, `cannot make it a shared mount: ${lastErrno()}`);
}

/**
 * Creates a named network namespace like `ip netns add NAME`: a new namespace bind-mounted on
 * /var/run/netns/NAME (so it outlives this process), with `lo` left down. Synchronous: the main thread
 * enters the new namespace for the bind mount only and returns home before this returns.
 * Throws NetnsError (EEXIST-like) when the name is taken.
 */
export function createNamedNetns(name: string): void {
  const path = pathOf({ name });
  ensureNetnsRunDir();
  let fd: number;
  try {
    fd = openSync(path, fsc.O_RDONLY | fsc.O_CREAT | fsc.O_EXCL, 0);
  } catch (e) {
    throw new NetnsError(`netns:${name}`, (e as NodeJS.ErrnoException).code === 'EEXIST' ? 'already exists; pick another name or delete it first' : `cannot create ${path}: ${(e as Error).message}`, { cause: e });
  }
  closeSync(fd);
  const home = homeNetns();
  let err: string | undefined;
  if (c().unshare(CLONE_NEWNET) !== 0) err = `unshare failed: ${lastErrno()}`;
  else {
    try {
      if (c().mount('/proc/thread-self/ns/net', path, 'none', MS_BIND, null) !== 0) err = `bind mount failed: ${lastErrno()}`;
    } finally {
      setns(home.fd, 'home');
    }
  }
  if (err) {
    unlinkSync(path);
    throw new NetnsError(`netns:${name}`, err);
  }
}

/**
 * Deletes a named namespace like `ip netns del NAME`: lazy unmount and unlink. The namespace itself
 * goes when its last user (process or open handle) does. Synchronous (usable in exit handlers).
 * Returns false when there was no such name.
 */
export function deleteNamedNetns(name: string): boolean {
  const path = pathOf({ name });
  if (!existsSync(path)) return false;
  if (c().umount2(path, MNT_DETACH) !== 0 && lastErrno() !== 'EINVAL') throw new NetnsError(`netns:${name}`, `cannot unmount ${path}: ${lastErrno()}`);
  try {
    unlinkSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new NetnsError(`netns:${name}`, `cannot remove ${path}: ${(e as Error).message}`, { cause: e });
  }
  return true;
}
