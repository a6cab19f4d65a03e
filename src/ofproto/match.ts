import { LorisError } from '../errors.js';
import type { Reader, Writer } from './bytes.js';
import {
  FIELD_BY_NAME,
  fieldDef,
  isMasked,
  oxmLength,
  readOxmInto,
  writeOxm,
  type AnyFieldDef,
  type FieldName,
  type Match,
  type Prereq,
} from './oxm.js';

export type { Match, Masked, FieldName, FieldValue, MatchValue } from './oxm.js';

export const OFPMT_STANDARD = 0;
export const OFPMT_OXM = 1;
/** ofp_match header: type u16, length u16 (the length excludes the trailing padding). */
export const OFP_MATCH_HEADER_SIZE = 4;
export const OFPVID_PRESENT = 0x1000;

/** A match violates a field's prerequisites (OpenFlow 1.3 §7.2.3.6); the message says what to add. */
export class MatchPrereqError extends LorisError {
  readonly field: string;
  readonly missing: string;
  constructor(field: string, missing: string) {
    super(
      'LORIS_OFP_BAD_PREREQ',
      `match field ${field} requires ${missing}; add it to the match (OpenFlow prerequisite)`,
    );
    this.field = field;
    this.missing = missing;
  }
}

interface Condition {
  field: FieldName;
  ok: (v: number) => boolean;
  need: string;
}
const isEth =
  (...types: number[]) =>
  (v: number) =>
    types.includes(v);
const ETH_IP: Condition = { field: 'ethType', ok: isEth(0x0800, 0x86dd), need: 'ethType 0x800 or 0x86dd (ip/ipv6)' };
const ETH_IPV4: Condition = { field: 'ethType', ok: isEth(0x0800), need: 'ethType 0x800 (ip)' };
const ETH_IPV6: Condition = { field: 'ethType', ok: isEth(0x86dd), need: 'ethType 0x86dd (ipv6)' };
const proto = (p: number, name: string): Condition => ({
  field: 'ipProto',
  ok: (v) => v === p,
  need: `ipProto ${p} (${name})`,
});
const icmp6 = (types: number[], need: string): Condition => ({
  field: 'icmpv6Type',
  ok: (v) => types.includes(v),
  need,
});

/** Each prerequisite set as conditions on other (exact, unmasked) fields; all must hold. */
export const PREREQS: Readonly<Record<Prereq, readonly Condition[]>> = {
  none: [],
  inPort: [{ field: 'inPort', ok: () => true, need: 'inPort' }],
  vlan: [{ field: 'vlanVid', ok: (v) => (v & OFPVID_PRESENT) !== 0, need: 'vlanVid with OFPVID_PRESENT (0x1000) set' }],
  ip: [ETH_IP],
  ipv4: [ETH_IPV4],
  ipv6: [ETH_IPV6],
  arp: [{ field: 'ethType', ok: isEth(0x0806, 0x8035), need: 'ethType 0x806 (arp) or 0x8035 (rarp)' }],
  mpls: [{ field: 'ethType', ok: isEth(0x8847, 0x8848), need: 'ethType 0x8847 or 0x8848 (mpls)' }],
  pbb: [{ field: 'ethType', ok: isEth(0x88e7), need: 'ethType 0x88e7 (pbb)' }],
  tcp: [ETH_IP, proto(6, 'tcp')],
  udp: [ETH_IP, proto(17, 'udp')],
  sctp: [ETH_IP, proto(132, 'sctp')],
  icmpv4: [ETH_IPV4, proto(1, 'icmp')],
  icmpv6: [ETH_IPV6, proto(58, 'icmpv6')],
  nd: [
    ETH_IPV6,
    proto(58, 'icmpv6'),
    icmp6([135, 136], 'icmpv6Type 135 or 136 (neighbour solicitation/advertisement)'),
  ],
  ndSll: [ETH_IPV6, proto(58, 'icmpv6'), icmp6([135], 'icmpv6Type 135 (neighbour solicitation)')],
  ndTll: [ETH_IPV6, proto(58, 'icmpv6'), icmp6([136], 'icmpv6Type 136 (neighbour advertisement)')],
};

/** Throws MatchPrereqError if field d's prerequisites are not met by m. */
export function checkPrereq(m: Match, d: AnyFieldDef): void {
  const conds = PREREQS[d.prereq];
  for (let i = 0; i < conds.length; i++) {
    const c = conds[i];
    const v = m[c.field];
    if (typeof v !== 'number' || !c.ok(v)) throw new MatchPrereqError(d.name, c.need);
  }
}

// Scratch list reused by encodeMatch (the codec is synchronous, so one is enough).
const scratch: AnyFieldDef[] = [];

/** The present fields of m in canonical (table) order, after checking names and prerequisites. */
function presentFields(m: Match): AnyFieldDef[] {
  scratch.length = 0;
  for (const key in m) {
    const v = m[key as FieldName];
    if (v === undefined) continue;
    const d = (FIELD_BY_NAME as Record<string, AnyFieldDef | undefined>)[key] ?? fieldDef(key);
    if (d.prereq !== 'none') checkPrereq(m, d);
    // insertion sort by table order: matches are short
    let i = scratch.length;
    scratch.push(d);
    while (i > 0 && scratch[i - 1].order > d.order) {
      scratch[i] = scratch[i - 1];
      i--;
    }
    scratch[i] = d;
  }
  return scratch;
}

/** Length of the ofp_match for m including padding to 8 bytes. */
export function matchLength(m: Match): number {
  let n = OFP_MATCH_HEADER_SIZE;
  for (const key in m) {
    const v = m[key as FieldName];
    if (v !== undefined) n += oxmLength(fieldDef(key), isMasked(v));
  }
  return (n + 7) & ~7;
}

/**
 * Writes a full ofp_match (type OXM, length, OXM TLVs, zero padding to 8). Fields go out in the table's order,
 * whatever the key order of m. Throws MatchPrereqError / InvalidArgumentError for an invalid match.
 */
export function encodeMatch(w: Writer, m: Match): void {
  const start = w.offset;
  w.u16(OFPMT_OXM).u16(0);
  const fields = presentFields(m);
  for (let i = 0; i < fields.length; i++) {
    const d = fields[i];
    writeOxm(w, d, m[d.name]);
  }
  w.patchU16(start + 2, w.offset - start);
  w.padTo(start, 8);
}

/** Reads an ofp_match (OXM type) including its padding. Throws ProtocolError on malformed input. */
export function decodeMatch(r: Reader): Match {
  const at = r.pos;
  const type = r.u16();
  const len = r.u16();
  if (type !== OFPMT_OXM) r.fail(`unsupported match type ${type} (OpenFlow 1.3 uses OFPMT_OXM = 1)`, at);
  if (len < OFP_MATCH_HEADER_SIZE) r.fail(`match length ${len} is below the 4-byte header`, at);
  const body = r.sub(len - OFP_MATCH_HEADER_SIZE, 'match');
  r.skip(((len + 7) & ~7) - len, 'match padding');
  const m: Record<string, unknown> = {};
  while (body.remaining > 0) readOxmInto(body, m);
  return m as Match;
}
