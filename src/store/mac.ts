import { randomBytes } from 'node:crypto';
import { InvalidMacError } from './errors.js';

/*
 * MAC addresses loris assigns: locally administered (bit 1 of the first octet set) unicast (bit 0
 * clear). The derived form embeds the pod's low 14 bits and the IPv4 address:
 *
 *   octet 0 = ((pod & 0x3f) << 2) | 0x02, octet 1 = (pod >> 6) & 0xff, octets 2-5 = IPv4 address
 *
 * so it is unique per pod whenever the IP is (the store's [pod, ip] index), and readable in a flow dump.
 */

export function normalizeMac(input: string): string {
  const s = input.trim().toLowerCase();
  if (!/^[0-9a-f]{2}([:-])[0-9a-f]{2}(\1[0-9a-f]{2}){4}$/.test(s)) throw new InvalidMacError(input, 'expected six hex octets such as 02:00:0a:01:00:05');
  const mac = s.replaceAll('-', ':');
  const first = parseInt(mac.slice(0, 2), 16);
  if (first & 1) throw new InvalidMacError(input, 'it is a multicast/broadcast address; give a unicast MAC (first octet even)');
  if (mac === '00:00:00:00:00:00') throw new InvalidMacError(input, 'the all-zero MAC is not a valid interface address');
  return mac;
}

function hex(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/** The MAC loris derives for an endpoint of `pod` with IPv4 address `ip` (uint32). */
export function deriveMac(pod: number, ip: number): string {
  const o0 = ((pod & 0x3f) << 2) | 0x02;
  const o1 = (pod >>> 6) & 0xff;
  return [o0, o1, ip >>> 24, (ip >>> 16) & 0xff, (ip >>> 8) & 0xff, ip & 0xff].map(hex).join(':');
}

/** A random locally administered unicast MAC (fallback when the derived one is taken). */
export function randomMac(): string {
  const b = randomBytes(6);
  b[0] = (b[0] & 0xfc) | 0x02;
  return [...b].map(hex).join(':');
}
