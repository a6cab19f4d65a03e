import { InvalidArgumentError } from '../errors.js';
import type { Reader, Writer } from './bytes.js';
import { decodeActions, encodeActions, type Action } from './actions.js';
import { fieldDef } from './oxm.js';
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from './addr.js';
import {
  NXAST_CONTROLLER2,
  NXAST_CT,
  NXAST_NAT,
  checkBits,
  endPadding,
  ofsNbits,
  pad,
  readFieldHeader,
  readSlice,
  writeFieldHeader,
  type FieldSlice,
} from './nx-common.js';

/** NXAST_CT with its nested actions, NXAST_NAT and the property-based NXAST_CONTROLLER2. */

/** ct(): omitted members take the defaults (zone 0, no recirculation table, no ALG, no nested actions). */
export interface CtAction {
  type: 'ct';
  commit?: true;
  force?: true;
  zone?: number | FieldSlice;
  table?: number;
  alg?: number;
  actions?: Action[];
}

export interface NatAction {
  type: 'nat';
  src?: true;
  dst?: true;
  persistent?: true;
  hash?: true;
  random?: true;
  ipv4Min?: string;
  ipv4Max?: string;
  ipv6Min?: string;
  ipv6Max?: string;
  protoMin?: number;
  protoMax?: number;
}

/** NXAST_CONTROLLER2: only the properties present are sent. */
export interface Controller2Action {
  type: 'controller2';
  maxLen?: number;
  controllerId?: number;
  reason?: number;
  userdata?: Buffer;
  pause?: true;
  meterId?: number;
}

// ---------------------------------------------------------------------------------------------------------------
// ct and nat

const NX_CT_F_COMMIT = 1;
const NX_CT_F_FORCE = 2;
const NX_CT_RECIRC_NONE = 0xff;

export function encodeCt(w: Writer, a: CtAction): void {
  w.u16(NXAST_CT).u16((a.commit ? NX_CT_F_COMMIT : 0) | (a.force ? NX_CT_F_FORCE : 0));
  const z = a.zone ?? 0;
  if (typeof z === 'number') w.u32(0).u16(z);
  else {
    const d = fieldDef(z.field);
    checkBits(d, z.ofs, z.nBits);
    if (d.experimenter)
      throw new InvalidArgumentError(`ct zone cannot be read from experimenter field ${d.name}; use a register`);
    writeFieldHeader(w, d);
    w.u16(ofsNbits(z.ofs, z.nBits));
  }
  w.u8(a.table ?? NX_CT_RECIRC_NONE)
    .zeros(3)
    .u16(a.alg ?? 0);
  if (a.actions) encodeActions(w, a.actions);
}

export function decodeCt(r: Reader, at: number): CtAction {
  const flags = r.u16();
  if (flags & ~(NX_CT_F_COMMIT | NX_CT_F_FORCE)) r.fail(`unknown ct flags 0x${flags.toString(16)}`, at);
  const zoneSrc = r.peekU32();
  const a: CtAction = { type: 'ct' };
  if (flags & NX_CT_F_COMMIT) a.commit = true;
  if (flags & NX_CT_F_FORCE) a.force = true;
  if (zoneSrc === 0) {
    r.pos += 4;
    const z = r.u16();
    if (z !== 0) a.zone = z;
  } else {
    const hat = r.pos;
    const d = readFieldHeader(r);
    const on = r.u16();
    a.zone = readSlice(r, d, on >>> 6, (on & 0x3f) + 1, hat);
  }
  const table = r.u8();
  if (table !== NX_CT_RECIRC_NONE) a.table = table;
  pad(r, 3);
  const alg = r.u16();
  if (alg !== 0) a.alg = alg;
  const actions = decodeActions(r);
  if (actions.length > 0) a.actions = actions;
  return a;
}

const NX_NAT_F_SRC = 1;
const NX_NAT_F_DST = 2;
const NX_NAT_F_PERSISTENT = 4;
const NX_NAT_F_PROTO_HASH = 8;
const NX_NAT_F_PROTO_RANDOM = 16;
const NAT_FLAGS = [
  ['src', NX_NAT_F_SRC],
  ['dst', NX_NAT_F_DST],
  ['persistent', NX_NAT_F_PERSISTENT],
  ['hash', NX_NAT_F_PROTO_HASH],
  ['random', NX_NAT_F_PROTO_RANDOM],
] as const;
/** range_present bits in wire order. */
const NAT_RANGES = [
  ['ipv4Min', 1, 'ipv4'],
  ['ipv4Max', 2, 'ipv4'],
  ['ipv6Min', 4, 'ipv6'],
  ['ipv6Max', 8, 'ipv6'],
  ['protoMin', 16, 'u16'],
  ['protoMax', 32, 'u16'],
] as const;

export function encodeNat(w: Writer, a: NatAction): void {
  let flags = 0;
  for (const [k, bit] of NAT_FLAGS) if (a[k]) flags |= bit;
  let present = 0;
  for (const [k, bit] of NAT_RANGES) if (a[k] !== undefined) present |= bit;
  w.u16(NXAST_NAT).zeros(2).u16(flags).u16(present);
  for (const [k, , kind] of NAT_RANGES) {
    const v = a[k];
    if (v === undefined) continue;
    if (kind === 'u16') w.u16(v as number);
    else if (kind === 'ipv4') {
      const n = parseIpv4(String(v));
      if (n < 0) throw new InvalidArgumentError(`nat ${k} "${v}" is not an IPv4 address`);
      w.u32(n);
    } else if (!parseIpv6(w, String(v))) throw new InvalidArgumentError(`nat ${k} "${v}" is not an IPv6 address`);
  }
}

export function decodeNat(r: Reader, at: number): NatAction {
  pad(r, 2);
  const flags = r.u16();
  const present = r.u16();
  if (flags & ~31) r.fail(`unknown nat flags 0x${flags.toString(16)}`, at);
  if (present & ~63) r.fail(`unknown nat range bits 0x${present.toString(16)}`, at);
  const a: NatAction = { type: 'nat' };
  for (const [k, bit] of NAT_FLAGS) if (flags & bit) a[k] = true;
  for (const [k, bit, kind] of NAT_RANGES) {
    if (!(present & bit)) continue;
    if (kind === 'u16') a[k as 'protoMin'] = r.u16();
    else if (kind === 'ipv4') a[k as 'ipv4Min'] = formatIpv4(r.u32());
    else {
      r.need(16, 'nat address');
      a[k as 'ipv6Min'] = formatIpv6(r.buf, r.pos);
      r.pos += 16;
    }
  }
  endPadding(r);
  return a;
}

// ---------------------------------------------------------------------------------------------------------------
// controller2 properties

const NXAC2PT_MAX_LEN = 0;
const NXAC2PT_CONTROLLER_ID = 1;
const NXAC2PT_REASON = 2;
const NXAC2PT_USERDATA = 3;
const NXAC2PT_PAUSE = 4;
const NXAC2PT_METER_ID = 5;

function prop(w: Writer, type: number, body: (w: Writer) => void): void {
  const start = w.offset;
  w.u16(type).u16(0);
  body(w);
  w.patchU16(start + 2, w.offset - start);
  w.padTo(start, 8);
}

export function encodeController2(w: Writer, a: Controller2Action): void {
  w.u16(NXAST_CONTROLLER2).zeros(6);
  // 16-bit properties carry 2 bytes of padding inside their length, as Open vSwitch writes them.
  if (a.maxLen !== undefined) prop(w, NXAC2PT_MAX_LEN, (x) => void x.u16(a.maxLen ?? 0).zeros(2));
  if (a.controllerId !== undefined) prop(w, NXAC2PT_CONTROLLER_ID, (x) => void x.u16(a.controllerId ?? 0).zeros(2));
  if (a.reason !== undefined) prop(w, NXAC2PT_REASON, (x) => void x.u8(a.reason ?? 0));
  if (a.userdata !== undefined) prop(w, NXAC2PT_USERDATA, (x) => void x.bytes(a.userdata ?? Buffer.alloc(0)));
  if (a.pause) prop(w, NXAC2PT_PAUSE, () => undefined);
  if (a.meterId !== undefined) prop(w, NXAC2PT_METER_ID, (x) => void x.u32(a.meterId ?? 0));
}

export function decodeController2(r: Reader): Controller2Action {
  pad(r, 6);
  const a: Controller2Action = { type: 'controller2' };
  while (r.remaining > 0) {
    const at = r.pos;
    const type = r.u16();
    const len = r.u16();
    if (len < 4) r.fail(`controller2 property length ${len} below 4`, at);
    const p = r.sub(len - 4, 'controller2 property');
    r.skip(((len + 7) & ~7) - len, 'property padding');
    const exact = (n: number): void => {
      if (p.remaining !== n) p.fail(`controller2 property ${type} has ${p.remaining} bytes, expected ${n}`, at);
    };
    if (type === NXAC2PT_MAX_LEN) {
      exact(4);
      a.maxLen = p.u16();
      p.skip(2);
    } else if (type === NXAC2PT_CONTROLLER_ID) {
      exact(4);
      a.controllerId = p.u16();
      p.skip(2);
    } else if (type === NXAC2PT_REASON) {
      exact(1);
      a.reason = p.u8();
    } else if (type === NXAC2PT_USERDATA) a.userdata = p.bytes(p.remaining);
    else if (type === NXAC2PT_PAUSE) {
      exact(0);
      a.pause = true;
    } else if (type === NXAC2PT_METER_ID) {
      exact(4);
      a.meterId = p.u32();
    } else r.fail(`unknown controller2 property ${type}`, at);
  }
  return a;
}
