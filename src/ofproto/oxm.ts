import { InvalidArgumentError, LorisError } from '../errors.js';
import type { Reader, Writer } from './bytes.js';
import { formatIpv6, formatMac, parseIpv4, parseIpv6, parseMac, formatIpv4 } from './addr.js';

/**
 * The OXM field table: every match field loris knows, one line each. The table order is the order in which
 * Open vSwitch's `nx_put_raw` writes fields, so a loris-encoded match is byte-identical to ovs-ofctl's and every
 * prerequisite (eth_type before ip_proto before tcp_dst ...) precedes the field that needs it.
 */

export const OFPXMC_NXM_0 = 0x0000;
export const OFPXMC_NXM_1 = 0x0001;
export const OFPXMC_OPENFLOW_BASIC = 0x8000;
export const OFPXMC_PACKET_REGS = 0x8001;
export const OFPXMC_EXPERIMENTER = 0xffff;
export const ONF_EXPERIMENTER_ID = 0x4f4e4600;
export const NX_EXPERIMENTER_ID = 0x00002320;

/** How a field's value is laid out on the wire and represented in JS. */
export type Codec = 'u8' | 'u16' | 'u24' | 'u32' | 'u64' | 'u128' | 'mac' | 'ipv4' | 'ipv6';
export type CodecValue<C extends Codec> = C extends 'u64' | 'u128'
  ? bigint
  : C extends 'mac' | 'ipv4' | 'ipv6'
    ? string
    : number;
export interface Masked<V> {
  value: V;
  mask: V;
}
export type MatchValue<C extends Codec> = CodecValue<C> | Masked<CodecValue<C>>;

/** Named prerequisite sets (see PREREQS). */
export type Prereq =
  | 'none'
  | 'inPort'
  | 'vlan'
  | 'ip'
  | 'ipv4'
  | 'ipv6'
  | 'arp'
  | 'mpls'
  | 'pbb'
  | 'tcp'
  | 'udp'
  | 'sctp'
  | 'icmpv4'
  | 'icmpv6'
  | 'nd'
  | 'ndSll'
  | 'ndTll';

export interface FieldDef<N extends string = string, C extends Codec = Codec> {
  /** camelCase name used in `Match` and `set_field` actions. */
  readonly name: N;
  /** The name ovs-ofctl prints (`dl_src`, `tun_id`, `reg3` ...). */
  readonly ovsName: string;
  readonly class: number;
  readonly field: number;
  /** Experimenter id for class 0xffff fields (0 otherwise). */
  readonly experimenter: number;
  /** Value width in bytes. */
  readonly width: number;
  readonly codec: C;
  readonly maskable: boolean;
  readonly prereq: Prereq;
  /**
   * The header Nicira actions (move, load, learn, output_reg, multipath ...) write for this field: Open vSwitch
   * prefers the NXM spelling when one exists (e.g. NXM_OF_ETH_SRC rather than OXM_OF_ETH_SRC), else the OXM one.
   * As a 32-bit number class<<16 | field<<9 | length; experimenter fields add their id after it.
   */
  readonly nxmHeader: number;
  /** Position in the table = canonical encoding order. */
  readonly order: number;
}

const WIDTH: Record<Codec, number> = { u8: 1, u16: 2, u24: 3, u32: 4, u64: 8, u128: 16, mac: 6, ipv4: 4, ipv6: 16 };

let nextOrder = 0;
function f<N extends string, C extends Codec>(
  name: N,
  ovsName: string,
  cls: number,
  field: number,
  codec: C,
  maskable: boolean,
  prereq: Prereq = 'none',
  nxm?: readonly [number, number],
  experimenter = 0,
): FieldDef<N, C> {
  const width = WIDTH[codec];
  const [hc, hf] = nxm ?? [cls, field];
  const nxmHeader = ((hc << 16) | (hf << 9) | (width + (nxm ? 0 : experimenter ? 4 : 0))) >>> 0;
  return {
    name,
    ovsName,
    class: cls,
    field,
    experimenter,
    width,
    codec,
    maskable,
    prereq,
    nxmHeader,
    order: nextOrder++,
  };
}
const B = OFPXMC_OPENFLOW_BASIC;
const N0 = OFPXMC_NXM_0;
const N1 = OFPXMC_NXM_1;

export const OXM_FIELDS = [
  f('dpHash', 'dp_hash', N1, 35, 'u32', true),
  f('recircId', 'recirc_id', N1, 36, 'u32', false),
  f('conjId', 'conj_id', N1, 37, 'u32', false),
  f('inPort', 'in_port', B, 0, 'u32', false),
  f('nxmInPort', 'nxm_in_port', N0, 0, 'u16', false),
  f('inPhyPort', 'in_phy_port', B, 1, 'u32', false, 'inPort'),
  f('ethSrc', 'dl_src', B, 4, 'mac', true, 'none', [N0, 2]),
  f('ethDst', 'dl_dst', B, 3, 'mac', true, 'none', [N0, 1]),
  f('ethType', 'dl_type', B, 5, 'u16', false, 'none', [N0, 3]),
  f('vlanVid', 'vlan_vid', B, 6, 'u16', true),
  f('vlanPcp', 'dl_vlan_pcp', B, 7, 'u8', false, 'vlan'),
  f('vlanTci', 'vlan_tci', N0, 4, 'u16', true),
  f('mplsTc', 'mpls_tc', B, 35, 'u8', false, 'mpls'),
  f('mplsBos', 'mpls_bos', B, 36, 'u8', false, 'mpls'),
  f('mplsLabel', 'mpls_label', B, 34, 'u32', false, 'mpls'),
  f('mplsTtl', 'mpls_ttl', N1, 30, 'u8', false, 'mpls'),
  f('pbbIsid', 'pbb_isid', B, 37, 'u24', true, 'pbb'),
  f('ipv4Src', 'nw_src', B, 11, 'ipv4', true, 'ipv4', [N0, 7]),
  f('ipv4Dst', 'nw_dst', B, 12, 'ipv4', true, 'ipv4', [N0, 8]),
  f('ipv6Src', 'ipv6_src', B, 26, 'ipv6', true, 'ipv6', [N1, 19]),
  f('ipv6Dst', 'ipv6_dst', B, 27, 'ipv6', true, 'ipv6', [N1, 20]),
  f('ipv6Flabel', 'ipv6_label', B, 28, 'u32', true, 'ipv6', [N1, 27]),
  f('ipFrag', 'nw_frag', N1, 26, 'u8', true, 'ip'),
  f('ipDscp', 'ip_dscp', B, 8, 'u8', false, 'ip'),
  f('nwTos', 'nw_tos', N0, 5, 'u8', false, 'ip'),
  f('ipEcn', 'nw_ecn', B, 9, 'u8', false, 'ip', [N1, 28]),
  f('ipTtl', 'nw_ttl', N1, 29, 'u8', false, 'ip'),
  f('ipProto', 'nw_proto', B, 10, 'u8', false, 'ip', [N0, 6]),
  f('tcpSrc', 'tp_src', B, 13, 'u16', true, 'tcp', [N0, 9]),
  f('tcpDst', 'tp_dst', B, 14, 'u16', true, 'tcp', [N0, 10]),
  f('tcpFlags', 'tcp_flags', OFPXMC_EXPERIMENTER, 42, 'u16', true, 'tcp', [N1, 34], ONF_EXPERIMENTER_ID),
  f('udpSrc', 'tp_src', B, 15, 'u16', true, 'udp', [N0, 11]),
  f('udpDst', 'tp_dst', B, 16, 'u16', true, 'udp', [N0, 12]),
  f('sctpSrc', 'tp_src', B, 17, 'u16', true, 'sctp'),
  f('sctpDst', 'tp_dst', B, 18, 'u16', true, 'sctp'),
  f('icmpv4Type', 'icmp_type', B, 19, 'u8', false, 'icmpv4', [N0, 13]),
  f('icmpv4Code', 'icmp_code', B, 20, 'u8', false, 'icmpv4', [N0, 14]),
  f('icmpv6Type', 'icmp_type', B, 29, 'u8', false, 'icmpv6', [N1, 21]),
  f('icmpv6Code', 'icmp_code', B, 30, 'u8', false, 'icmpv6', [N1, 22]),
  f('ipv6NdTarget', 'nd_target', B, 31, 'ipv6', true, 'nd', [N1, 23]),
  f('ipv6NdSll', 'nd_sll', B, 32, 'mac', true, 'ndSll', [N1, 24]),
  f('ipv6NdTll', 'nd_tll', B, 33, 'mac', true, 'ndTll', [N1, 25]),
  f('ipv6Exthdr', 'ipv6_exthdr', B, 39, 'u16', true, 'ipv6'),
  f('arpOp', 'arp_op', B, 21, 'u16', false, 'arp', [N0, 15]),
  f('arpSpa', 'arp_spa', B, 22, 'ipv4', true, 'arp', [N0, 16]),
  f('arpTpa', 'arp_tpa', B, 23, 'ipv4', true, 'arp', [N0, 17]),
  f('arpSha', 'arp_sha', B, 24, 'mac', true, 'arp', [N1, 17]),
  f('arpTha', 'arp_tha', B, 25, 'mac', true, 'arp', [N1, 18]),
  f('tunnelId', 'tun_id', B, 38, 'u64', true, 'none', [N1, 16]),
  f('tunFlags', 'tun_flags', N1, 104, 'u16', true),
  f('tunIpv4Src', 'tun_src', N1, 31, 'ipv4', true),
  f('tunIpv4Dst', 'tun_dst', N1, 32, 'ipv4', true),
  f('tunIpv6Src', 'tun_ipv6_src', N1, 109, 'ipv6', true),
  f('tunIpv6Dst', 'tun_ipv6_dst', N1, 110, 'ipv6', true),
  f('tunGbpId', 'tun_gbp_id', N1, 38, 'u16', true),
  f('tunGbpFlags', 'tun_gbp_flags', N1, 39, 'u8', true),
  f('reg0', 'reg0', N1, 0, 'u32', true),
  f('reg1', 'reg1', N1, 1, 'u32', true),
  f('reg2', 'reg2', N1, 2, 'u32', true),
  f('reg3', 'reg3', N1, 3, 'u32', true),
  f('reg4', 'reg4', N1, 4, 'u32', true),
  f('reg5', 'reg5', N1, 5, 'u32', true),
  f('reg6', 'reg6', N1, 6, 'u32', true),
  f('reg7', 'reg7', N1, 7, 'u32', true),
  f('reg8', 'reg8', N1, 8, 'u32', true),
  f('reg9', 'reg9', N1, 9, 'u32', true),
  f('reg10', 'reg10', N1, 10, 'u32', true),
  f('reg11', 'reg11', N1, 11, 'u32', true),
  f('reg12', 'reg12', N1, 12, 'u32', true),
  f('reg13', 'reg13', N1, 13, 'u32', true),
  f('reg14', 'reg14', N1, 14, 'u32', true),
  f('reg15', 'reg15', N1, 15, 'u32', true),
  f('xreg0', 'xreg0', OFPXMC_PACKET_REGS, 0, 'u64', true),
  f('xreg1', 'xreg1', OFPXMC_PACKET_REGS, 1, 'u64', true),
  f('xreg2', 'xreg2', OFPXMC_PACKET_REGS, 2, 'u64', true),
  f('xreg3', 'xreg3', OFPXMC_PACKET_REGS, 3, 'u64', true),
  f('xreg4', 'xreg4', OFPXMC_PACKET_REGS, 4, 'u64', true),
  f('xreg5', 'xreg5', OFPXMC_PACKET_REGS, 5, 'u64', true),
  f('xreg6', 'xreg6', OFPXMC_PACKET_REGS, 6, 'u64', true),
  f('xreg7', 'xreg7', OFPXMC_PACKET_REGS, 7, 'u64', true),
  f('pktMark', 'pkt_mark', N1, 33, 'u32', true),
  f('ctState', 'ct_state', N1, 105, 'u32', true),
  f('ctZone', 'ct_zone', N1, 106, 'u16', false),
  f('ctMark', 'ct_mark', N1, 107, 'u32', true),
  f('ctLabel', 'ct_label', N1, 108, 'u128', true),
  f('metadata', 'metadata', B, 2, 'u64', true),
] as const;

export type AnyFieldDef = (typeof OXM_FIELDS)[number];
export type FieldName = AnyFieldDef['name'];
type DefOf<K extends FieldName> = Extract<AnyFieldDef, { name: K }>;
/** The value type of field K (unmasked). */
export type FieldValue<K extends FieldName> = CodecValue<DefOf<K>['codec']>;

/**
 * An OpenFlow match: every present key is matched (exactly, or `{value, mask}` for maskable fields); absent keys are
 * wildcards. MACs are 'aa:bb:cc:dd:ee:ff', IPs '10.0.0.1' / '2001:db8::1' (RFC 5952 form), 64/128-bit fields bigint.
 * `vlanVid` carries OFPVID_PRESENT (0x1000) as on the wire; `ipDscp` is the 6-bit DSCP (tos >> 2).
 */
export type Match = { [K in FieldName]?: MatchValue<DefOf<K>['codec']> };

/** Any value a field may take (used by set_field and generic code). */
export type AnyFieldValue = number | bigint | string;

/** Lookup by camelCase name. */
export const FIELD_BY_NAME: Readonly<Record<FieldName, AnyFieldDef>> = (() => {
  const out: Partial<Record<string, AnyFieldDef>> = {};
  for (const d of OXM_FIELDS) {
    if (out[d.name]) throw new LorisError('LORIS_INTERNAL', `duplicate OXM field name ${d.name}`);
    out[d.name] = d;
  }
  return out as Record<FieldName, AnyFieldDef>;
})();

/** Decoder key of a wire header: class and field (and experimenter for class 0xffff). */
export function oxmKey(cls: number, field: number, experimenter = 0): number {
  return cls === OFPXMC_EXPERIMENTER ? 0x1000000 * 128 + experimenter * 128 + field : cls * 128 + field;
}

/** Extra wire headers that decode to an existing field (besides each field's NXM spelling). */
const ALIASES: ReadonlyArray<readonly [number, number, number, FieldName]> = [
  [OFPXMC_EXPERIMENTER, 42, NX_EXPERIMENTER_ID, 'tcpFlags'],
];

/** Decoder table keyed by `oxmKey`; building it throws on a duplicate wire header. */
export const FIELD_BY_KEY: Readonly<Record<number, AnyFieldDef>> = (() => {
  const out: Record<number, AnyFieldDef> = {};
  const add = (key: number, d: AnyFieldDef, what: string): void => {
    if (out[key]) throw new LorisError('LORIS_INTERNAL', `duplicate OXM header for ${what} (already ${out[key].name})`);
    out[key] = d;
  };
  for (const d of OXM_FIELDS) add(oxmKey(d.class, d.field, d.experimenter), d, d.name);
  for (const d of OXM_FIELDS) {
    const c = d.nxmHeader >>> 16;
    const fl = (d.nxmHeader >>> 9) & 0x7f;
    if (c !== d.class || fl !== d.field) add(oxmKey(c, fl), d, `${d.name} (NXM)`);
  }
  for (const [c, fl, e, n] of ALIASES) add(oxmKey(c, fl, e), FIELD_BY_NAME[n], n);
  return out;
})();

/** Field definition for a camelCase name, or an InvalidArgumentError naming the known fields. */
export function fieldDef(name: string): AnyFieldDef {
  const d = (FIELD_BY_NAME as Record<string, AnyFieldDef | undefined>)[name];
  if (!d)
    throw new InvalidArgumentError(
      `unknown match field "${name}"; use one of ${OXM_FIELDS.map((x) => x.name).join(', ')}`,
    );
  return d;
}

/** Field for a 32-bit NXM/OXM header as used inside Nicira actions (hasmask and length bits ignored). */
export function fieldByHeader(header: number): AnyFieldDef | undefined {
  return lookupField(header >>> 16, (header >>> 9) & 0x7f);
}

// ---------------------------------------------------------------------------------------------------------------
// Values

const U_MAX: Record<Codec, number> = {
  u8: 0xff,
  u16: 0xffff,
  u24: 0xffffff,
  u32: 0xffffffff,
  u64: 0,
  u128: 0,
  mac: 0,
  ipv4: 0,
  ipv6: 0,
};

function badValue(d: FieldDef, v: unknown): never {
  const want =
    d.codec === 'mac'
      ? "a MAC like 'aa:bb:cc:dd:ee:ff'"
      : d.codec === 'ipv4'
        ? "an IPv4 address like '10.0.0.1'"
        : d.codec === 'ipv6'
          ? "an IPv6 address like '2001:db8::1'"
          : d.codec === 'u64' || d.codec === 'u128'
            ? `a bigint of at most ${d.width * 8} bits`
            : `an integer 0..${U_MAX[d.codec]}`;
  throw new InvalidArgumentError(
    `bad value ${typeof v === 'bigint' ? `${v}n` : JSON.stringify(v)} for field ${d.name}: expected ${want}`,
  );
}

/** Writes a u64, avoiding BigInt byte conversion for values that fit in 32 bits (the common case). */
export function writeU64(w: Writer, v: bigint): void {
  if (v <= 0xffffffffn) w.u32(0).u32(Number(v));
  else w.u64(v);
}

/** Reads a u64; values that fit in 32 bits skip the BigInt byte conversion. */
export function readU64(r: Reader): bigint {
  const hi = r.u32();
  const lo = r.u32();
  return hi === 0 ? BigInt(lo) : (BigInt(hi) << 32n) | BigInt(lo);
}

/** Writes one value of field d (width bytes). Throws InvalidArgumentError on a value of the wrong type or range. */
export function writeValue(w: Writer, d: FieldDef, v: unknown): void {
  switch (d.codec) {
    case 'u8':
    case 'u16':
    case 'u24':
    case 'u32':
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > U_MAX[d.codec]) badValue(d, v);
      if (d.codec === 'u8') w.u8(v);
      else if (d.codec === 'u16') w.u16(v);
      else if (d.codec === 'u32') w.u32(v);
      else w.u8(v >>> 16).u16(v & 0xffff);
      return;
    case 'u64':
      if (typeof v !== 'bigint' || v < 0n || v > 0xffffffffffffffffn) badValue(d, v);
      writeU64(w, v);
      return;
    case 'u128':
      if (typeof v !== 'bigint' || v < 0n || v >> 128n !== 0n) badValue(d, v);
      w.u64(v >> 64n).u64(v & 0xffffffffffffffffn);
      return;
    case 'mac':
      if (typeof v !== 'string' || !parseMac(w, v)) badValue(d, v);
      return;
    case 'ipv4': {
      const n = typeof v === 'string' ? parseIpv4(v) : -1;
      if (n < 0) badValue(d, v);
      w.u32(n);
      return;
    }
    case 'ipv6':
      if (typeof v !== 'string' || !parseIpv6(w, v)) badValue(d, v);
      return;
  }
}

/** Reads one value of field d. */
export function readValue(r: Reader, d: FieldDef): AnyFieldValue {
  switch (d.codec) {
    case 'u8':
      return r.u8();
    case 'u16':
      return r.u16();
    case 'u24': {
      const hi = r.u8();
      return hi * 0x10000 + r.u16();
    }
    case 'u32':
      return r.u32();
    case 'u64':
      return readU64(r);
    case 'u128': {
      const hi = r.u64();
      return (hi << 64n) | r.u64();
    }
    case 'mac':
      r.need(6, d.name);
      r.pos += 6;
      return formatMac(r.buf, r.pos - 6);
    case 'ipv4':
      return formatIpv4(r.u32());
    case 'ipv6':
      r.need(16, d.name);
      r.pos += 16;
      return formatIpv6(r.buf, r.pos - 16);
  }
}

export function isMasked(v: unknown): v is Masked<AnyFieldValue> {
  return typeof v === 'object' && v !== null && 'mask' in v;
}

/** Bytes an OXM TLV for field d takes (header, experimenter id, value, mask). */
export function oxmLength(d: FieldDef, masked: boolean): number {
  return 4 + (d.experimenter ? 4 : 0) + d.width * (masked ? 2 : 1);
}

/** Writes one OXM TLV. A `{value, mask}` on a non-maskable field throws InvalidArgumentError. */
export function writeOxm(w: Writer, d: FieldDef, v: unknown): void {
  const masked = isMasked(v);
  if (masked && !d.maskable)
    throw new InvalidArgumentError(`field ${d.name} cannot be masked; give an exact value instead of {value, mask}`);
  const len = (d.experimenter ? 4 : 0) + d.width * (masked ? 2 : 1);
  w.u16(d.class)
    .u8((d.field << 1) | (masked ? 1 : 0))
    .u8(len);
  if (d.experimenter) w.u32(d.experimenter);
  if (masked) {
    writeValue(w, d, v.value);
    writeValue(w, d, v.mask);
  } else writeValue(w, d, v);
}

/** Reads one OXM TLV; unknown headers and bad lengths throw ProtocolError. */
export function readOxm(r: Reader): { def: AnyFieldDef; value: AnyFieldValue | Masked<AnyFieldValue> } {
  const into: Record<string, unknown> = {};
  const def = readOxmInto(r, into);
  return { def, value: into[def.name] as AnyFieldValue | Masked<AnyFieldValue> };
}

/**
 * Reads one OXM TLV and stores its value under the field's name in `into` (no intermediate object: the match
 * decoder's hot path). Throws ProtocolError for unknown headers, bad lengths, masks on unmaskable fields and a field
 * that `into` already holds.
 */
export function readOxmInto(r: Reader, into: Record<string, unknown>): AnyFieldDef {
  const at = r.pos;
  const cls = r.u16();
  const fh = r.u8();
  const len = r.u8();
  const field = fh >>> 1;
  const hasMask = (fh & 1) === 1;
  r.need(len, 'OXM value');
  const end = r.pos + len;
  let experimenter = 0;
  if (cls === OFPXMC_EXPERIMENTER) {
    if (len < 4) r.fail(`experimenter OXM with length ${len} has no experimenter id`, at);
    experimenter = r.u32();
  }
  const d = lookupField(cls, field, experimenter);
  if (!d) r.fail(`unknown OXM field class 0x${cls.toString(16)} field ${field}${experimenter ? ` experimenter 0x${experimenter.toString(16)}` : ''}`, at);
  if (end - r.pos !== d.width * (hasMask ? 2 : 1)) r.fail(`OXM ${d.name} has length ${len}, expected ${oxmLength(d, hasMask) - 4}`, at);
  if (hasMask && !d.maskable) r.fail(`OXM ${d.name} is not maskable but has a mask`, at);
  if (into[d.name] !== undefined) r.fail(`duplicate OXM field ${d.name} in match`, at);
  const value = readValue(r, d);
  into[d.name] = hasMask ? { value, mask: readValue(r, d) } : value;
  return d;
}

// Per-class arrays indexed by field number: the decoder's hot lookup avoids hashing a composite key.
const byClass = (cls: number): Array<AnyFieldDef | undefined> =>
  Array.from({ length: 128 }, (_, f) => FIELD_BY_KEY[oxmKey(cls, f)]);
const BASIC = byClass(OFPXMC_OPENFLOW_BASIC);
const NXM0 = byClass(OFPXMC_NXM_0);
const NXM1 = byClass(OFPXMC_NXM_1);
const PKT_REGS = byClass(OFPXMC_PACKET_REGS);

/** The field of a wire header (class, 7-bit field, experimenter id for class 0xffff), or undefined. */
export function lookupField(cls: number, field: number, experimenter = 0): AnyFieldDef | undefined {
  switch (cls) {
    case OFPXMC_OPENFLOW_BASIC:
      return BASIC[field];
    case OFPXMC_NXM_1:
      return NXM1[field];
    case OFPXMC_NXM_0:
      return NXM0[field];
    case OFPXMC_PACKET_REGS:
      return PKT_REGS[field];
    default:
      return FIELD_BY_KEY[oxmKey(cls, field, experimenter)];
  }
}
