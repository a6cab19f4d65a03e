import { sh } from '../../../src/lab/exec.js';

/** `ip -j` as an independent observer of a namespace (by `ip netns` name). */

export interface IpLink {
  ifindex: number;
  ifname: string;
  mtu: number;
  address?: string;
  flags: string[];
  operstate: string;
  group: string;
  link_index?: number;
  link_netnsid?: number;
  linkinfo?: { info_kind?: string; info_data?: Record<string, unknown> };
}
export interface IpAddr {
  ifindex: number;
  ifname: string;
  addr_info: { family: string; local: string; prefixlen: number; scope: string }[];
}
export interface IpRoute {
  dst: string;
  gateway?: string;
  dev?: string;
  metric?: number;
}

async function ipj<T>(ns: string, args: string[]): Promise<T> {
  const out = await sh(['ip', '-n', ns, '-j', '-d', ...args]);
  return JSON.parse(out.trim() || '[]') as T;
}

export const ipLinks = (ns: string): Promise<IpLink[]> => ipj<IpLink[]>(ns, ['link', 'show']);
export const ipLink = async (ns: string, name: string): Promise<IpLink | undefined> => (await ipLinks(ns)).find((l) => l.ifname === name);
export const ipAddrs = async (ns: string, name: string): Promise<string[]> => {
  const a = await ipj<IpAddr[]>(ns, ['addr', 'show', 'dev', name]);
  return (a[0]?.addr_info ?? []).filter((x) => x.scope !== 'link').map((x) => `${x.local}/${x.prefixlen}`).sort();
};
export const ipRoutes = (ns: string, family: '-4' | '-6' = '-4'): Promise<IpRoute[]> => sh(['ip', family, '-n', ns, '-j', 'route', 'show']).then((o) => JSON.parse(o.trim() || '[]') as IpRoute[]);
/** Names of veth links in the namespace (what a failed attach must not leave behind). */
export const ipVeths = async (ns: string): Promise<string[]> => (await ipLinks(ns)).filter((l) => l.linkinfo?.info_kind === 'veth').map((l) => l.ifname).sort();
