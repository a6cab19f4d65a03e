import { createHash, randomBytes } from 'node:crypto';
import { InvalidArgumentError, LorisError } from '../errors.js';
import { ContainerNotRunningError, NetlinkError } from './errors.js';
import { checkIfname, formatMac, parseMac } from './link.js';
import { homeNetns, Netns, type NetnsSpec } from './netns.js';
import { openRtnl, Rtnl } from './rtnl.js';
import { parseCidr } from './ip.js';
import { AF_INET6 } from './constants.js';
import { readSysctl, writeSysctl } from './sysctl.js';

/** Every host-side interface loris creates starts with this prefix (then 13 hex digits). */
export const HOST_IFNAME_PREFIX = 'lo';
const HOST_IFNAME_RE = /^lo[0-9a-f]{13}$/;

/**
 * The host end's name for a container's interface on a pod: `lo` + 13 hex digits of
 * SHA-256(containerId NUL pod). Deterministic (a restarted controller finds its links again), 15
 * bytes (IFNAMSIZ - 1), and recognisable by `isHostIfname` for garbage collection after a crash.
 */
export function hostIfnameFor(containerId: string, pod: string): string {
  if (!containerId) throw new InvalidArgumentError('hostIfnameFor: empty container id');
  return HOST_IFNAME_PREFIX + createHash('sha256').update(containerId).update('\0').update(pod).digest('hex').slice(0, 13);
}

/** A random unicast, locally administered MAC (what the kernel picks for a veth without one). */
export function randomMac(): string {
  const b = randomBytes(6);
  b[0] = (b[0] & 0xfe) | 0x02;
  return formatMac(b);
}

/** True for names `hostIfnameFor` produces (and nothing else a system normally has, such as `lo`). */
export function isHostIfname(name: string): boolean {
  return HOST_IFNAME_RE.test(name);
}

/** The steps of `attach`, in order; a fault hook sees each one after it completed. */
export const ATTACH_STEPS = ['create', 'lookup', 'addresses', 'container-up', 'host-up', 'verify'] as const;
export type AttachStep = (typeof ATTACH_STEPS)[number];

export interface AttachOptions {
  /** The container's namespace: an open handle, a spec, or an rtnetlink handle already in it. */
  netns: Netns | NetnsSpec | Rtnl;
  /** Where the host end goes (OVS's namespace): an rtnetlink handle there. Default: this process's namespace. */
  host?: Rtnl;
  /** Interface name inside the container (default `eth1`). */
  ifname?: string;
  /** Host end's name, e.g. from `hostIfnameFor(containerId, pod)`. */
  hostIfname: string;
  /** Container side MAC (default: kernel-chosen random). */
  mac?: string;
  /** MTU of both ends (default: kernel default 1500). */
  mtu?: number;
  /** Addresses of the container side, e.g. `['10.0.0.5/24', 'fd00::5/64']`. No default route is ever added. */
  addresses?: readonly string[];
  /** Interface group of both ends (lets `detachGroup` remove many in one request). */
  group?: number;
  /** Called with `true` while the container still owns the namespace; false aborts with ContainerNotRunningError. */
  stillRunning?: () => boolean;
  /** Name of the container, for error messages. */
  container?: string;
  /** Test hook: runs after each completed step; throwing makes attach fail there (and undo). */
  faults?: (step: AttachStep) => void | Promise<void>;
}

export interface AttachResult {
  readonly hostIfname: string;
  readonly hostIfindex: number;
  readonly containerIfindex: number;
  readonly mac: string;
}

/**
 * Creates a veth pair with the host end in `host`'s namespace and the peer born in the container's
 * namespace under its final name, MAC and MTU; adds the addresses, brings both ends up. Requests
 * that do not depend on each other are pipelined. If any step fails, the pair is deleted before the
 * error is thrown (deleting either end removes both), so nothing is left behind.
 */
export async function attach(o: AttachOptions): Promise<AttachResult> {
  const ifname = o.ifname ?? 'eth1';
  checkIfname(ifname);
  checkIfname(o.hostIfname);
  if (o.mac !== undefined) parseMac(o.mac);
  const addrs = (o.addresses ?? []).map((a) => parseCidr(a));
  const host = o.host ?? openRtnl({ netns: homeNetns() });
  let ctr: Rtnl | undefined;
  let createdIndex: number | undefined;
  try {
    ctr = o.netns instanceof Rtnl ? o.netns : openRtnl({ netns: o.netns });
    const c = ctr;
    const step = async (s: AttachStep): Promise<void> => {
      if (o.faults) await o.faults(s);
    };
    // 1. The pair, peer born in the container namespace with its final name, MAC and MTU; host end up at once.
    //    The MAC is chosen here when not given (as the kernel would: random, locally administered), so it is known.
    const mac = o.mac ?? randomMac();
    const hostLink = await host.createVeth({
      name: o.hostIfname, mtu: o.mtu, group: o.group, up: true,
      peer: { name: ifname, mac, mtu: o.mtu, group: o.group, netns: c.netns },
    });
    createdIndex = hostLink.index;
    await step('create');
    // 2. The peer's index in the container: the kernel's echo of the host end carries it (IFLA_LINK, an index
    //    in the peer's namespace); ask the container only if it did not.
    const peerIndex = (hostLink.kind === 'veth' ? hostLink.peer.index : undefined) ?? (await c.link(ifname)).index;
    await step('lookup');
    // Docker disables IPv6 in containers without an IPv6 network (the new link inherits it): enable it
    // on this interface only when IPv6 addresses were asked for, or the kernel answers EACCES.
    const v6off = ['net', 'ipv6', 'conf', ifname, 'disable_ipv6'];
    if (addrs.some((a) => a.family === AF_INET6) && readSysctl(c.netns, v6off) === '1') writeSysctl(c.netns, v6off, '0');
    // 3+4. Addresses and link up, pipelined: one round trip.
    const reqs = [...addrs.map((a) => c.addAddressRequest(peerIndex, `${a.address}/${a.prefixLen}`)), c.setLinkRequest(peerIndex, { up: true })];
    const results = await Promise.allSettled(c.batch(reqs));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    await step('addresses');
    await step('container-up');
    // 5. The host end came up in the create message; the kernel does that for the new end only.
    if (!hostLink.up) await host.setUp(hostLink.index);
    await step('host-up');
    // 6. The container may have exited meanwhile: our open fd kept its namespace alive, so check.
    if (o.stillRunning && !o.stillRunning()) throw new ContainerNotRunningError(what(o, c), 'it exited during attach; its interface was removed');
    await step('verify');
    return { hostIfname: o.hostIfname, hostIfindex: hostLink.index, containerIfindex: peerIndex, mac: formatMac(parseMac(mac)) };
  } catch (e) {
    if (createdIndex !== undefined) await undo(host, createdIndex, o.hostIfname, e);
    if (e instanceof NetlinkError && o.stillRunning && !o.stillRunning()) {
      throw new ContainerNotRunningError(what(o, ctr), `it exited during attach (${e.errnoName} on ${e.op}); its interface was removed`);
    }
    throw e;
  } finally {
    if (!o.host) host.close();
    if (ctr && !(o.netns instanceof Rtnl)) ctr.close();
  }
}

function what(o: AttachOptions, ctr: Rtnl | undefined): string {
  return o.container ?? ctr?.netns.label ?? 'container';
}

/** Deletes the pair attach created (by index: never a link someone else named the same meanwhile). */
async function undo(host: Rtnl, index: number, name: string, cause: unknown): Promise<void> {
  try {
    await host.deleteLink(index);
  } catch (e) {
    // ENODEV: already gone with its namespace.
    if (e instanceof NetlinkError && e.errno === 19) return;
    throw new LorisError('LORIS_ATTACH_UNDO', `attach failed (${(cause as Error)?.message ?? String(cause)}) and removing ${name} (#${index}) failed too (${(e as Error).message}); delete it by hand`, { cause });
  }
}

/** Removes a container's interface by its host end (both ends go). Returns false when it was already gone. */
export async function detach(o: { host?: Rtnl; hostIfname: string }): Promise<boolean> {
  const host = o.host ?? openRtnl({ netns: homeNetns() });
  try {
    await host.deleteLink(o.hostIfname);
    return true;
  } catch (e) {
    if (e instanceof NetlinkError && e.errno === 19) return false;
    throw e;
  } finally {
    if (!o.host) host.close();
  }
}

/** Removes every interface attached with `group` in one request. */
export async function detachGroup(o: { host?: Rtnl; group: number }): Promise<void> {
  const host = o.host ?? openRtnl({ netns: homeNetns() });
  try {
    await host.deleteGroup(o.group);
  } finally {
    if (!o.host) host.close();
  }
}

/**
 * Garbage-collects host ends of crashed runs: deletes every link named like `hostIfnameFor` output
 * that is not in `keep`. Returns the names deleted.
 */
export async function collectHostLinks(host: Rtnl, keep: ReadonlySet<string>): Promise<string[]> {
  const stale = (await host.links()).filter((l) => isHostIfname(l.name) && !keep.has(l.name));
  const done: string[] = [];
  for (const l of stale) if (await detach({ host, hostIfname: l.name })) done.push(l.name);
  return done;
}
