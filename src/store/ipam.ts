import ipaddr from 'ipaddr.js';
import { InvalidAddressError } from './errors.js';

/*
 * Pure IPv4 address management: parsing, validation against a pod's subnet and lowest-free
 * allocation. Addresses are handled as unsigned 32-bit numbers; the store keeps them as dotted
 * quads (the canonical form produced by `formatIpv4`).
 */

/** Prefix length used when a static address comes without one (as the original tool). */
export const DEFAULT_PREFIX_LEN = 24;

export interface Ipv4Subnet {
  /** Network address as an unsigned 32-bit number (host bits zero). */
  readonly network: number;
  readonly prefixLen: number;
}

export interface Ipv4Address {
  readonly ip: number;
  readonly prefixLen: number;
}

export function parseIpv4(input: string): number {
  if (!ipaddr.IPv4.isValidFourPartDecimal(input)) {
    const why = ipaddr.IPv6.isValid(input) ? 'IPv6 is not supported; give an IPv4 address' : 'expected a dotted-quad IPv4 address such as 10.1.0.5';
    throw new InvalidAddressError(input, why);
  }
  const o = ipaddr.IPv4.parse(input).octets;
  return ((o[0] << 24) | (o[1] << 16) | (o[2] << 8) | o[3]) >>> 0;
}

export function formatIpv4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;
}

export function maskOf(prefixLen: number): number {
  return prefixLen === 0 ? 0 : (0xffffffff << (32 - prefixLen)) >>> 0;
}

function parsePrefix(input: string, text: string): number {
  if (!/^\d{1,2}$/.test(text) || Number(text) > 32) throw new InvalidAddressError(input, `prefix length /${text} must be a number from 0 to 32`);
  return Number(text);
}

/** `10.1.0.5/16` or `10.1.0.5` (prefix `defaultPrefixLen`). */
export function parseIpv4WithPrefix(input: string, defaultPrefixLen = DEFAULT_PREFIX_LEN): Ipv4Address {
  const slash = input.indexOf('/');
  if (slash < 0) return { ip: parseIpv4(input), prefixLen: defaultPrefixLen };
  return { ip: parseIpv4(input.slice(0, slash)), prefixLen: parsePrefix(input, input.slice(slash + 1)) };
}

/** A subnet in CIDR notation with its host bits zero, e.g. `10.1.0.0/24`. Prefixes /1 … /30 (room for hosts). */
export function parseSubnet(input: string): Ipv4Subnet {
  const slash = input.indexOf('/');
  if (slash < 0) throw new InvalidAddressError(input, 'a subnet needs a prefix length, e.g. 10.1.0.0/24');
  const ip = parseIpv4(input.slice(0, slash));
  const prefixLen = parsePrefix(input, input.slice(slash + 1));
  if (prefixLen < 1 || prefixLen > 30) throw new InvalidAddressError(input, 'a pod subnet needs a prefix length from /1 to /30');
  const network = (ip & maskOf(prefixLen)) >>> 0;
  if (network !== ip) throw new InvalidAddressError(input, `host bits are set; did you mean ${formatIpv4(network)}/${prefixLen}?`);
  return { network, prefixLen };
}

export function formatSubnet(s: Ipv4Subnet): string {
  return `${formatIpv4(s.network)}/${s.prefixLen}`;
}

export function broadcastOf(s: Ipv4Subnet): number {
  return (s.network | ~maskOf(s.prefixLen)) >>> 0;
}

export function contains(s: Ipv4Subnet, ip: number): boolean {
  return ((ip & maskOf(s.prefixLen)) >>> 0) === s.network;
}

/** Number of assignable host addresses (network and broadcast excluded). */
export function hostCount(s: Ipv4Subnet): number {
  return 2 ** (32 - s.prefixLen) - 2;
}

/**
 * Validates a user-given static address for a pod. With a pod subnet the address must lie inside it,
 * a missing prefix takes the subnet's, and a different prefix is refused. Without one, the prefix
 * defaults to /24. Network and broadcast addresses (of the subnet, or of the address's own prefix for
 * /1 … /30) are refused; so are 0.0.0.0/8, loopback, multicast and the limited broadcast.
 */
export function validateStaticAddress(input: string, subnet: Ipv4Subnet | undefined): Ipv4Address {
  const a = parseIpv4WithPrefix(input.trim(), subnet?.prefixLen ?? DEFAULT_PREFIX_LEN);
  const range = ipaddr.IPv4.parse(formatIpv4(a.ip)).range();
  if (range === 'unspecified' || range === 'loopback' || range === 'multicast' || range === 'broadcast') {
    throw new InvalidAddressError(input, `${formatIpv4(a.ip)} is a ${range} address; give a unicast address`);
  }
  const effective: Ipv4Subnet = subnet ?? { network: (a.ip & maskOf(a.prefixLen)) >>> 0, prefixLen: a.prefixLen };
  if (subnet) {
    if (!contains(subnet, a.ip)) throw new InvalidAddressError(input, `${formatIpv4(a.ip)} is outside the pod's subnet ${formatSubnet(subnet)}`);
    if (a.prefixLen !== subnet.prefixLen) {
      throw new InvalidAddressError(input, `prefix /${a.prefixLen} differs from the pod's subnet ${formatSubnet(subnet)}; give /${subnet.prefixLen} or no prefix`);
    }
  }
  if (effective.prefixLen <= 30) {
    if (a.ip === effective.network) throw new InvalidAddressError(input, `${formatIpv4(a.ip)} is the network address of ${formatSubnet(effective)}`);
    if (a.ip === broadcastOf(effective)) throw new InvalidAddressError(input, `${formatIpv4(a.ip)} is the broadcast address of ${formatSubnet(effective)}`);
  }
  return a;
}

/**
 * The lowest host address of `subnet` for which `taken` is false, or undefined when the subnet is
 * full. Linear in the number of taken addresses below the result.
 */
export function lowestFree(subnet: Ipv4Subnet, taken: (ip: number) => boolean): number | undefined {
  return lowestFreeN(subnet, taken, 1)[0];
}

/** The `n` lowest host addresses of `subnet` for which `taken` is false (fewer when the subnet runs out), ascending. */
export function lowestFreeN(subnet: Ipv4Subnet, taken: (ip: number) => boolean, n: number): number[] {
  const out: number[] = [];
  const last = broadcastOf(subnet) - 1;
  for (let ip = subnet.network + 1; ip <= last && out.length < n; ip++) if (!taken(ip)) out.push(ip);
  return out;
}

/**
 * The default subnet of pod `number` carved from the cluster's pool: the pod-th block of size
 * /`prefixLen` (pod 1 gets the second block; the first stays free for infrastructure). Undefined when
 * the pool has no such block. Deterministic, so concurrent creators agree without coordination.
 */
export function podSubnetFromPool(pool: Ipv4Subnet, prefixLen: number, number: number): Ipv4Subnet | undefined {
  if (prefixLen < pool.prefixLen || prefixLen > 30) return undefined;
  const blocks = 2 ** (prefixLen - pool.prefixLen);
  if (number >= blocks) return undefined;
  return { network: (pool.network + number * 2 ** (32 - prefixLen)) >>> 0, prefixLen };
}
