import type { Writer } from './bytes.js';

/** Address text <-> bytes helpers for the OXM codec (allocation-light, no regexes on the hot path). */

const HEX2: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Writes 'aa:bb:cc:dd:ee:ff' as 6 bytes; false (nothing written) when the text is not a MAC. */
export function parseMac(w: Writer, s: string): boolean {
  if (s.length !== 17) return false;
  let hi32 = 0;
  let lo16 = 0;
  for (let i = 0; i < 6; i++) {
    const h = hexDigit(s.charCodeAt(i * 3));
    const l = hexDigit(s.charCodeAt(i * 3 + 1));
    if (h < 0 || l < 0 || (i < 5 && s.charCodeAt(i * 3 + 2) !== 58)) return false;
    if (i < 4) hi32 = hi32 * 256 + ((h << 4) | l);
    else lo16 = (lo16 << 8) | (h << 4) | l;
  }
  w.u32(hi32).u16(lo16);
  return true;
}

export function formatMac(b: Uint8Array, at: number): string {
  return `${HEX2[b[at]]}:${HEX2[b[at + 1]]}:${HEX2[b[at + 2]]}:${HEX2[b[at + 3]]}:${HEX2[b[at + 4]]}:${HEX2[b[at + 5]]}`;
}

/** Dotted quad to an unsigned 32-bit number, or -1 when the text is not one. */
export function parseIpv4(s: string): number {
  let n = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || part > 255) return -1;
      n = n * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      if (++digits > 3) return -1;
    } else return -1;
  }
  if (dots !== 3 || digits === 0 || part > 255) return -1;
  return n * 256 + part;
}

export function formatIpv4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** Parses IPv6 text (with '::' and an optional dotted IPv4 tail) into 8 groups, or undefined. */
export function ipv6Groups(s: string): number[] | undefined {
  let head = s;
  let tail4: number[] = [];
  const lastColon = s.lastIndexOf(':');
  if (s.indexOf('.', lastColon) >= 0) {
    const v4 = parseIpv4(s.slice(lastColon + 1));
    if (v4 < 0) return undefined;
    tail4 = [v4 >>> 16, v4 & 0xffff];
    head = s.slice(0, lastColon + 1);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const dbl = head.indexOf('::');
  if (dbl !== head.lastIndexOf('::')) return undefined;
  const parse = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (g.length === 0 || g.length > 4) return undefined;
      let v = 0;
      for (let i = 0; i < g.length; i++) {
        const d = hexDigit(g.charCodeAt(i));
        if (d < 0) return undefined;
        v = v * 16 + d;
      }
      out.push(v);
    }
    return out;
  };
  let groups: number[];
  if (dbl >= 0) {
    const a = parse(head.slice(0, dbl));
    const b = parse(head.slice(dbl + 2));
    if (!a || !b) return undefined;
    const fill = 8 - a.length - b.length - tail4.length;
    if (fill < 1) return undefined;
    groups = [...a, ...new Array<number>(fill).fill(0), ...b, ...tail4];
  } else {
    const a = parse(head);
    if (!a) return undefined;
    groups = [...a, ...tail4];
  }
  return groups.length === 8 ? groups : undefined;
}

export function parseIpv6(w: Writer, s: string): boolean {
  const g = ipv6Groups(s);
  if (!g) return false;
  for (const x of g) w.u16(x);
  return true;
}

/** RFC 5952 text: lowercase, longest run (>= 2) of zero groups collapsed to '::', first such run on ties. */
export function formatIpv6(b: Uint8Array, at: number): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((b[at + 2 * i] << 8) | b[at + 2 * i + 1]);
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (xs: number[]): string => xs.map((x) => x.toString(16)).join(':');
  if (bestAt < 0) return hex(g);
  return `${hex(g.slice(0, bestAt))}::${hex(g.slice(bestAt + bestLen))}`;
}
