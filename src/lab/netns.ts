import { attach, createNamedNetns, deleteNamedNetns, NETNS_RUN_DIR, openNetns, openRtnl, type AttachOptions, type AttachResult, type Rtnl } from '../netlink/index.js';

// Namespaces and links of the lab go through loris's own rtnetlink code (issue 5); only running a
// program inside a namespace still needs a process (`ip netns exec`).

export const NETNS_DIR = NETNS_RUN_DIR;

/** Creates a named namespace (like `ip netns add`) with `lo` up. */
export async function addNetns(name: string): Promise<void> {
  createNamedNetns(name);
  await withRtnl(name, (r) => r.setUp('lo'));
}

export async function delNetns(name: string): Promise<void> {
  deleteNamedNetns(name);
}

/** Deletes a named namespace synchronously, never throwing (teardown and exit handlers). */
export function delNetnsSync(name: string): void {
  try {
    deleteNamedNetns(name);
  } catch {
    /* best effort, like `ip netns del` whose failure teardown ignored */
  }
}

/** Runs `fn` with an rtnetlink handle in the named namespace, closed afterwards. */
export async function withRtnl<T>(ns: string, fn: (r: Rtnl) => Promise<T>): Promise<T> {
  const r = openRtnl({ netns: { name: ns } });
  try {
    return await fn(r);
  } finally {
    r.close();
  }
}

/** Runs argv inside the named namespace (lab only). */
export function inNetns(ns: string, argv: string[]): string[] {
  return ['ip', 'netns', 'exec', ns, ...argv];
}

/**
 * Creates a veth pair with each end born in its namespace. `aNs`/`bNs` are netns names, or
 * `{pid}` for a container's namespace.
 */
export async function addVethPair(a: { ns: string; name: string }, b: { ns: string | { pid: number }; name: string }): Promise<void> {
  const peer = openNetns(typeof b.ns === 'string' ? { name: b.ns } : { pid: b.ns.pid });
  try {
    await withRtnl(a.ns, (r) => r.createVeth({ name: a.name, peer: { name: b.name, netns: peer } }));
  } finally {
    peer.close();
  }
}

/** loris's attach with the host end in the named lab host namespace and the peer in `peer` (a netns name or a pid). */
export async function attachIn(hostNs: string, peer: string | { pid: number }, o: Omit<AttachOptions, 'netns' | 'host'>): Promise<AttachResult> {
  return withRtnl(hostNs, (host) => attach({ ...o, host, netns: typeof peer === 'string' ? { name: peer } : peer }));
}
