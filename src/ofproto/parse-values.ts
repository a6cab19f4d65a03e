import { InvalidArgumentError } from '../errors.js';
import { parseIpv4 } from './addr.js';
import { field } from './flow.js';
import type { FieldSlice } from './nx-actions.js';
import { FIELD_BY_NAME, OXM_FIELDS, type AnyFieldValue, type FieldName, type Masked } from './oxm.js';
import { CT_STATE_BITS, FIELD_NAMES, PORT_NAMES, TCP_FLAG_BITS, TUN_FLAG_BITS } from './print-names.js';

/** Words and values of ovs-ofctl flow syntax: numbers, ports, field names, subfields, masked values. */

export const bad = (what: string): never => {
  throw new InvalidArgumentError(`cannot parse flow: ${what}`);
};

/** Splits on commas that are not inside parentheses or brackets. */
export function splitTop(s: string, sep = ','): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of s) {
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    if (c === sep && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur !== '' || out.length) out.push(cur);
  return out.map((x) => x.trim()).filter((x) => x !== '');
}

export const num = (s: string): number => {
  const v = Number(s);
  if (s === '' || !Number.isFinite(v) || !Number.isInteger(v)) bad(`"${s}" is not an integer`);
  return v;
};
export const big = (s: string): bigint => {
  try {
    return BigInt(s);
  } catch {
    return bad(`"${s}" is not an integer`);
  }
};

const PORT_BY_NAME: Record<string, number> = Object.fromEntries(
  Object.entries(PORT_NAMES).map(([k, v]) => [v, Number(k)]),
);
export const port = (s: string): number => PORT_BY_NAME[s.toUpperCase()] ?? num(s);

/** Field by meta-flow name, NXM/OXM name or a common ovs-ofctl alias. */
const ALIASES: Record<string, FieldName> = {
  dl_src: 'ethSrc',
  dl_dst: 'ethDst',
  dl_type: 'ethType',
  nw_src: 'ipv4Src',
  nw_dst: 'ipv4Dst',
  nw_proto: 'ipProto',
  ip_proto: 'ipProto',
  nw_ecn: 'ipEcn',
  ip_ecn: 'ipEcn',
  nw_ttl: 'ipTtl',
  nw_frag: 'ipFrag',
  ip_frag: 'ipFrag',
  tun_id: 'tunnelId',
  tunnel_id: 'tunnelId',
  tun_src: 'tunIpv4Src',
  tun_dst: 'tunIpv4Dst',
  ipv6_label: 'ipv6Flabel',
  icmp_type: 'icmpv4Type',
  icmp_code: 'icmpv4Code',
  in_port: 'inPort',
};
const BY_NAME: Record<string, FieldName> = {};
for (const d of OXM_FIELDS) {
  BY_NAME[FIELD_NAMES[d.name].mf] ??= d.name;
  BY_NAME[FIELD_NAMES[d.name].nxm] = d.name;
}
Object.assign(BY_NAME, ALIASES, {
  NXM_OF_IN_PORT: 'nxmInPort',
  OXM_OF_IN_PORT: 'inPort',
  NXM_NX_TUN_ID: 'tunnelId',
  OXM_OF_TUNNEL_ID: 'tunnelId',
});
export const fieldNamed = (s: string): FieldName => BY_NAME[s] ?? bad(`unknown field "${s}"`);

/** `NAME[]`, `NAME[5]`, `NAME[0..15]`. */
export function parseSubfield(s: string): FieldSlice {
  const m = /^([A-Za-z0-9_]+)\[(\d*)(?:\.\.(\d+))?\]$/.exec(s.trim());
  if (!m) return bad(`"${s}" is not a subfield like NXM_NX_REG0[0..15]`);
  const name = fieldNamed(m[1]);
  const width = FIELD_NAMES[name].bits ?? FIELD_BY_NAME[name].width * 8;
  if (m[2] === '') return field(name, 0, width);
  const lo = Number(m[2]);
  const hi = m[3] === undefined ? lo : Number(m[3]);
  return field(name, lo, hi - lo + 1);
}

function flagValue(names: readonly string[], s: string): Masked<number> {
  let value = 0;
  let mask = 0;
  for (const m of s.matchAll(/([+-])([a-z]+)/g)) {
    const bit = names.indexOf(m[2]);
    if (bit < 0) bad(`unknown flag "${m[2]}"`);
    mask |= 1 << bit;
    if (m[1] === '+') value |= 1 << bit;
  }
  return { value, mask };
}

/** A field value in ovs-ofctl text (`10.0.0.0/8`, `0x5/0xff`, `+trk-est`, `first`). */
export function parseValue(name: FieldName, text: string): AnyFieldValue | Masked<AnyFieldValue> {
  const d = FIELD_BY_NAME[name];
  const fmt = FIELD_NAMES[name].fmt;
  if (fmt === 'ct_state' && /^[+-]/.test(text)) return flagValue(CT_STATE_BITS, text);
  if (fmt === 'tcp_flags' && /^[+-]/.test(text)) return flagValue(TCP_FLAG_BITS, text);
  if (fmt === 'tun_flags' && /^[+-]/.test(text)) return flagValue(TUN_FLAG_BITS, text);
  if (fmt === 'frag') {
    const F: Record<string, Masked<number>> = {
      no: { value: 0, mask: 3 },
      yes: { value: 1, mask: 1 },
      first: { value: 1, mask: 3 },
      later: { value: 3, mask: 3 },
      not_later: { value: 0, mask: 2 },
    };
    return F[text] ?? bad(`nw_frag "${text}"`);
  }
  const [v, m] = text.split('/');
  const one = (s: string): AnyFieldValue => {
    switch (d.codec) {
      case 'mac':
      case 'ipv6':
        return s.toLowerCase();
      case 'ipv4':
        return parseIpv4(s) >= 0 ? s : bad(`"${s}" is not an IPv4 address`);
      case 'u64':
      case 'u128':
        return big(s);
      default:
        return fmt === 'port' ? port(s) : num(s);
    }
  };
  if (m === undefined) return one(v);
  if ((d.codec === 'ipv4' || d.codec === 'ipv6') && /^\d+$/.test(m))
    return { value: one(v), mask: prefixMask(d.codec, Number(m)) };
  return { value: one(v), mask: one(m) };
}

function prefixMask(codec: 'ipv4' | 'ipv6', bits: number): string {
  if (codec === 'ipv4') {
    const n = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  }
  const groups: string[] = [];
  for (let i = 0; i < 8; i++) {
    const b = Math.max(0, Math.min(16, bits - 16 * i));
    groups.push(((0xffff << (16 - b)) & 0xffff).toString(16));
  }
  return groups
    .join(':')
    .replace(/(^|:)0(:0)+$/, '::')
    .replace(/^::$/, '::');
}

export const L4: Record<number, [FieldName, FieldName]> = {
  6: ['tcpSrc', 'tcpDst'],
  17: ['udpSrc', 'udpDst'],
  132: ['sctpSrc', 'sctpDst'],
};

export function allOnes(f: FieldName, mask: AnyFieldValue): boolean {
  const d = FIELD_BY_NAME[f];
  const bits = FIELD_NAMES[f].bits;
  // nw_frag's two meaningful bits fully masked is an exact match (ovs-ofctl sends it unmasked).
  if (f === 'ipFrag' && bits !== undefined && typeof mask === 'number') return mask === 2 ** bits - 1;
  if (typeof mask === 'string')
    return d.codec === 'mac'
      ? mask === 'ff:ff:ff:ff:ff:ff'
      : d.codec === 'ipv4'
        ? mask === '255.255.255.255'
        : /^(ffff:){7}ffff$/.test(mask);
  return BigInt(mask) === (1n << BigInt(d.width * 8)) - 1n;
}
