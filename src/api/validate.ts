import ipaddr from 'ipaddr.js';
import { InvalidArgumentError } from '../errors.js';
import { InvalidAddressError, PodNumberError, ReservedAddressError, SelfPeerError } from './errors.js';

/**
 * Pure validation of everything a user can type. Every function either returns a normalised value or
 * throws a typed error whose message says what was wrong and what to do. Nothing here touches the host,
 * so the API validates all arguments before it changes anything.
 */

/** Mask used when `connect` is given an address without one (as the original bash tool did). */
export const DEFAULT_PREFIX = 24;
/** Pods map onto 24-bit tunnel keys (VXLAN VNI / GRE key); key 0 is reserved for untagged tunnel traffic. */
export const MIN_POD = 1;
export const MAX_POD = 2 ** 24 - 1;
export type TunnelType = 'vxlan' | 'gre';
export const TUNNEL_TYPES: readonly TunnelType[] = ['vxlan', 'gre'];

/** A static IPv4 interface address with its prefix, e.g. `10.1.0.5/24`. */
export interface InterfaceAddress {
  readonly kind: 'static';
  readonly ip: string;
  readonly prefix: number;
  /** `ip/prefix` */
  readonly cidr: string;
  /** Network of the address, e.g. `10.1.0.0/24`. */
  readonly network: string;
  /** False when the user gave no mask (the pod's subnet, else /24, applies). */
  readonly prefixGiven: boolean;
}
export type AddressSpec = InterfaceAddress | { readonly kind: 'dhcp' };

const DOTTED = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function parseIPv4(input: string, what: string): ipaddr.IPv4 {
  const m = DOTTED.exec(input);
  if (!m || m.slice(1).some((o) => Number(o) > 255 || (o.length > 1 && o.startsWith('0')))) {
    const hint = input.includes(':') ? ' (IPv6 is not supported here)' : '';
    throw new InvalidAddressError(input, `${what} "${input}" is not an IPv4 address${hint}; write four decimal numbers 0-255, e.g. 10.1.0.5`);
  }
  return ipaddr.IPv4.parse(input);
}

/** The special ranges no container or host may use. TEST-NET and private ranges are allowed (the lab uses them). */
function specialRange(a: ipaddr.IPv4): string | undefined {
  const [o0] = a.octets;
  if (o0 === 0) return 'an unspecified ("this network") address';
  if (o0 === 127) return 'a loopback address';
  if (o0 >= 224 && o0 <= 239) return 'a multicast address';
  if (o0 >= 240) return a.toString() === '255.255.255.255' ? 'the limited broadcast address' : 'a reserved (class E) address';
  return undefined;
}

function parsePrefix(mask: string, input: string): number {
  if (/^\d{1,2}$/.test(mask)) {
    const n = Number(mask);
    if (n <= 32) return n;
  } else if (DOTTED.test(mask)) {
    const p = parseIPv4(mask, 'netmask').prefixLengthFromSubnetMask();
    if (p !== null) return p;
    throw new InvalidAddressError(input, `netmask ${mask} in "${input}" is not contiguous; use a prefix length such as /24`);
  }
  throw new InvalidAddressError(input, `mask "/${mask}" in "${input}" is out of range; use a prefix length 1-30 such as /24 (the default)`);
}

/**
 * Parses `connect`'s address argument: `dhcp`, `A.B.C.D` (mask /24 by default), `A.B.C.D/N` or
 * `A.B.C.D/255.255.255.0`. Refuses the network and broadcast addresses of the subnet, masks that leave
 * no room for a second host (/31, /32) and special ranges.
 */
export function parseAddressSpec(input: string): AddressSpec {
  if (input.toLowerCase() === 'dhcp') return { kind: 'dhcp' };
  return parseInterfaceAddress(input);
}

export function parseInterfaceAddress(input: string): InterfaceAddress {
  const slash = input.indexOf('/');
  const ipText = slash < 0 ? input : input.slice(0, slash);
  const prefix = slash < 0 ? DEFAULT_PREFIX : parsePrefix(input.slice(slash + 1), input);
  const ip = parseIPv4(ipText, 'address');
  if (prefix < 1 || prefix > 30) {
    throw new InvalidAddressError(input, `mask /${prefix} in "${input}" is out of range; a pod network needs a prefix length 1-30, e.g. /24`);
  }
  const special = specialRange(ip);
  if (special) throw new ReservedAddressError(input, `${ipText} is ${special} and can't be given to a container; pick a unicast address such as 10.1.0.5/24`);
  const cidr = `${ipText}/${prefix}`;
  const network = ipaddr.IPv4.networkAddressFromCIDR(cidr).toString();
  const broadcast = ipaddr.IPv4.broadcastAddressFromCIDR(cidr).toString();
  if (ipText === network) {
    throw new ReservedAddressError(input, `${ipText} is the network address of ${network}/${prefix}; pick a host address between it and ${broadcast}`);
  }
  if (ipText === broadcast) {
    throw new ReservedAddressError(input, `${ipText} is the broadcast address of ${network}/${prefix}; pick a host address between ${network} and it`);
  }
  return { kind: 'static', ip: ipText, prefix, cidr, network: `${network}/${prefix}`, prefixGiven: slash >= 0 };
}

/** Parses a pod subnet such as `10.1.0.0/24`: prefix required, 1-30, no host bits set. */
export function parseSubnet(input: string): { network: string; prefix: number; cidr: string } {
  const slash = input.indexOf('/');
  if (slash < 0) throw new InvalidAddressError(input, `subnet "${input}" has no prefix length; write it as a CIDR such as 10.1.0.0/24`);
  const ipText = input.slice(0, slash);
  const ip = parseIPv4(ipText, 'subnet address');
  const prefix = parsePrefix(input.slice(slash + 1), input);
  if (prefix < 1 || prefix > 30) {
    throw new InvalidAddressError(input, `prefix /${prefix} in "${input}" is out of range; a pod subnet needs a prefix length 1-30, e.g. /24`);
  }
  const special = specialRange(ip);
  if (special) throw new ReservedAddressError(input, `${ipText} is ${special}; pick a private range such as 10.1.0.0/24`);
  const network = ipaddr.IPv4.networkAddressFromCIDR(`${ipText}/${prefix}`).toString();
  if (network !== ipText) {
    throw new InvalidAddressError(input, `"${input}" has host bits set; did you mean ${network}/${prefix}?`);
  }
  return { network, prefix, cidr: `${network}/${prefix}` };
}

/** Parses a host's underlay address (a plain IPv4 unicast address, no mask). */
export function parseHostAddress(input: string, what = 'host address'): string {
  if (input.includes('/')) throw new InvalidAddressError(input, `${what} "${input}" must be a plain address without a mask, e.g. 192.168.1.20`);
  const ip = parseIPv4(input, what);
  const special = specialRange(ip);
  if (special) throw new ReservedAddressError(input, `${what} ${input} is ${special}; give the host's underlay (LAN) address`);
  return input;
}

/** A host name for the store: letters, digits, `.`, `-`, `_`, at most 64 characters. */
export function parseHostName(input: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(input)) {
    throw new InvalidArgumentError(`host name "${input}" is not valid; use up to 64 letters, digits, ".", "-" or "_", e.g. node-1`);
  }
  return input;
}

/** Parses `cluster`'s remote host list; refuses duplicates and this host's own address. */
export function parseRemoteHosts(inputs: readonly string[], localIp?: string): string[] {
  if (inputs.length === 0) throw new InvalidArgumentError('no remote host given; pass one or more underlay addresses, e.g. loris cluster 192.168.1.21 192.168.1.22');
  const seen = new Set<string>();
  for (const input of inputs) {
    const ip = parseHostAddress(input, 'remote host');
    if (seen.has(ip)) throw new InvalidArgumentError(`remote host ${ip} is listed twice; list each host once`);
    if (localIp !== undefined && ip === localIp) throw new SelfPeerError(ip);
    seen.add(ip);
  }
  return [...seen];
}

/** Parses a pod number: a decimal integer 1 … 2^24-1. */
export function parsePod(input: string | number): number {
  const text = String(input);
  if (!/^\d+$/.test(text)) throw new PodNumberError(text, `pod "${text}" is not a number; pods are numbered ${MIN_POD}-${MAX_POD}`);
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < MIN_POD || n > MAX_POD) {
    throw new PodNumberError(text, `pod ${text} is out of range; pods are numbered ${MIN_POD}-${MAX_POD} (a 24-bit tunnel key; 0 is reserved)`);
  }
  return n;
}

/** Parses `--tunnel`. */
export function parseTunnelType(input: string): TunnelType {
  const t = input.toLowerCase();
  if (t === 'vxlan' || t === 'gre') return t;
  throw new InvalidArgumentError(`tunnel type "${input}" is not supported; use --tunnel vxlan (default) or --tunnel gre`);
}

/**
 * Checks a container argument's form: a Docker id or name, `pid:<n>`, `netns:<name>` or a path to a
 * network namespace file. Whether it exists is checked later, before anything changes.
 */
export function parseContainerRef(input: string): string {
  if (input.length === 0) throw new InvalidArgumentError('container is empty; pass a Docker id or name, pid:<n>, netns:<name> or a namespace path');
  if ([...input].some((ch) => ch.trim() === '' || ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)) throw new InvalidArgumentError(`container "${input}" contains whitespace or control characters; pass a Docker id or name`);
  if (input.startsWith('pid:') && !/^pid:[1-9]\d*$/.test(input)) {
    throw new InvalidArgumentError(`"${input}" is not a process id; write pid:<positive number>, e.g. pid:4242`);
  }
  if (input.startsWith('netns:') && !/^netns:[^/]+$/.test(input)) {
    throw new InvalidArgumentError(`"${input}" is not a namespace name; write netns:<name> as listed by ip netns`);
  }
  if (!input.startsWith('/') && !input.includes(':') && !/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(input)) {
    throw new InvalidArgumentError(`"${input}" is not a valid container id or name; Docker names use letters, digits, _ . -`);
  }
  return input;
}
