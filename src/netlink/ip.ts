import ipaddr from 'ipaddr.js';
import { InvalidArgumentError } from '../errors.js';
import { AF_INET, AF_INET6 } from './constants.js';

/** An address with its prefix, as `ip` writes it: `10.0.0.5/24`, `fd00::5/64`. */
export interface Cidr {
  readonly family: typeof AF_INET | typeof AF_INET6;
  readonly address: string;
  readonly prefixLen: number;
  readonly bytes: Buffer;
}

/** Parses `a.b.c.d/n` or `x::y/n` (a bare address gets /32 or /128). Throws InvalidArgumentError with the input. */
export function parseCidr(s: string): Cidr {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  let prefixLen: number;
  try {
    if (s.includes('/')) [addr, prefixLen] = ipaddr.parseCIDR(s);
    else {
      addr = ipaddr.parse(s);
      prefixLen = addr.kind() === 'ipv4' ? 32 : 128;
    }
  } catch {
    throw new InvalidArgumentError(`bad IP address ${JSON.stringify(s)}: expected an address with prefix such as 10.0.0.5/24 or fd00::5/64`);
  }
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) {
    throw new InvalidArgumentError(`bad IP address ${JSON.stringify(s)}: IPv4-mapped IPv6 addresses are not accepted; write the IPv4 address`);
  }
  const bytes = Buffer.from(addr.toByteArray());
  return { family: addr.kind() === 'ipv4' ? AF_INET : AF_INET6, address: formatIp(bytes), prefixLen, bytes };
}

/** Parses a bare address (no prefix). */
export function parseIp(s: string): { family: typeof AF_INET | typeof AF_INET6; bytes: Buffer; address: string } {
  if (s.includes('/')) throw new InvalidArgumentError(`bad IP address ${JSON.stringify(s)}: expected an address without a prefix`);
  const c = parseCidr(s);
  return { family: c.family, bytes: c.bytes, address: c.address };
}

/** 4 or 16 bytes to text (RFC 5952 for IPv6); other lengths as hex, since the kernel sent them. */
export function formatIp(b: Buffer): string {
  if (b.length === 4) return ipaddr.fromByteArray([...b]).toString();
  if (b.length === 16) return (ipaddr.fromByteArray([...b]) as ipaddr.IPv6).toRFC5952String();
  return b.toString('hex');
}
