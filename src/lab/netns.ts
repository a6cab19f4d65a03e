import { existsSync } from 'node:fs';
import { sh } from './exec.js';

// TODO(issue 5): create and delete namespaces and links over loris's own rtnetlink code.

export const NETNS_DIR = '/var/run/netns';

export async function addNetns(name: string): Promise<void> {
  await sh(['ip', 'netns', 'add', name]);
  await sh(['ip', '-n', name, 'link', 'set', 'lo', 'up']);
}

export async function delNetns(name: string): Promise<void> {
  if (!existsSync(`${NETNS_DIR}/${name}`)) return;
  await sh(['ip', 'netns', 'del', name]);
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
  const bNs = typeof b.ns === 'string' ? b.ns : String(b.ns.pid);
  await sh(['ip', '-n', a.ns, 'link', 'add', a.name, 'type', 'veth', 'peer', 'name', b.name, 'netns', bNs]);
}
