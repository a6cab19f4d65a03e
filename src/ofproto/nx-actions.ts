import { InvalidArgumentError } from '../errors.js';
import type { Reader, Writer } from './bytes.js';
import { decodeActions, encodeActions, buildTable, type Action, type SetFieldValue } from './actions.js';
import { OFPXMC_EXPERIMENTER, fieldDef, lookupField, readOxm, writeOxm, type AnyFieldDef, type FieldName } from './oxm.js';
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from './addr.js';

/** Nicira extension action subtypes (NXAST_*), all under experimenter 0x00002320. */
export const NXAST_RESUBMIT = 1;
export const NXAST_SET_TUNNEL = 2;
export const NXAST_POP_QUEUE = 5;
export const NXAST_REG_MOVE = 6;
export const NXAST_REG_LOAD = 7;
export const NXAST_NOTE = 8;
export const NXAST_SET_TUNNEL64 = 9;
export const NXAST_MULTIPATH = 10;
export const NXAST_BUNDLE = 12;
export const NXAST_BUNDLE_LOAD = 13;
export const NXAST_RESUBMIT_TABLE = 14;
export const NXAST_OUTPUT_REG = 15;
export const NXAST_LEARN = 16;
export const NXAST_EXIT = 17;
export const NXAST_DEC_TTL = 18;
export const NXAST_FIN_TIMEOUT = 19;
export const NXAST_CONTROLLER = 20;
export const NXAST_DEC_TTL_CNT_IDS = 21;
export const NXAST_OUTPUT_REG2 = 32;
export const NXAST_REG_LOAD2 = 33;
export const NXAST_CONJUNCTION = 34;
export const NXAST_CT = 35;
export const NXAST_NAT = 36;
export const NXAST_CONTROLLER2 = 37;
export const NXAST_CLONE = 42;
export const NXAST_CT_CLEAR = 43;
export const NXAST_RESUBMIT_TABLE_CT = 44;

/** 16-bit OpenFlow 1.0 port meaning "the input port" (resubmit's default). */
export const OFPP10_IN_PORT = 0xfff8;

/** Bits `ofs .. ofs+nBits-1` of a field (ovs-ofctl `NXM_NX_REG0[8..15]`). */
export interface FieldSlice {
  field: FieldName;
  ofs: number;
  nBits: number;
}

/** Where a learned value comes from: bits of a field of the packet, or an immediate value. */
export type LearnSrc = { field: FieldName; ofs: number } | { value: bigint };
/** One flow_mod_spec of a learn action: match on, load into, or output to (dst) what src says, nBits wide. */
export type LearnSpec =
  | { dst: 'match'; nBits: number; src: LearnSrc; field: FieldName; ofs: number }
  | { dst: 'load'; nBits: number; src: LearnSrc; field: FieldName; ofs: number }
  | { dst: 'output'; nBits: number; src: LearnSrc };

export const NX_LEARN_F_SEND_FLOW_REM = 1;
export const NX_LEARN_F_DELETE_LEARNED = 2;
export const NX_LEARN_F_WRITE_RESULT = 4;

export interface LearnAction {
  type: 'learn';
  idleTimeout: number;
  hardTimeout: number;
  priority: number;
  cookie: bigint;
  flags: number;
  tableId: number;
  finIdleTimeout: number;
  finHardTimeout: number;
  specs: LearnSpec[];
}

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

export type NxAction =
  | { type: 'resubmit'; port?: number; table?: number; ct?: true }
  | { type: 'set_tunnel'; tunId: number }
  | { type: 'set_tunnel64'; tunId: bigint }
  | { type: 'pop_queue' }
  | { type: 'reg_move'; src: FieldName; srcOfs: number; dst: FieldName; dstOfs: number; nBits: number }
  | { type: 'reg_load'; field: FieldName; ofs: number; nBits: number; value: bigint }
  | { type: 'reg_load2'; field: FieldName; value: SetFieldValue }
  | { type: 'note'; data: Buffer }
  | { type: 'multipath'; fields: number; basis: number; algorithm: number; maxLink: number; arg: number; dst: FieldSlice }
  | { type: 'bundle'; algorithm: number; fields: number; basis: number; slaveType: number; slaves: number[]; load?: FieldSlice }
  | { type: 'output_reg'; src: FieldSlice; maxLen: number }
  | LearnAction
  | { type: 'exit' }
  | { type: 'dec_ttl'; controllerIds?: number[] }
  | { type: 'fin_timeout'; idleTimeout: number; hardTimeout: number }
  | { type: 'controller'; maxLen: number; controllerId: number; reason: number }
  | Controller2Action
  | { type: 'conjunction'; id: number; clause: number; nClauses: number }
  | CtAction
  | NatAction
  | { type: 'clone'; actions: Action[] }
  | { type: 'ct_clear' };

// ---------------------------------------------------------------------------------------------------------------
// Field references inside Nicira actions

/** Writes the header Nicira actions use for a field (its NXM spelling if it has one; 8 bytes for experimenter OXM). */
export function writeFieldHeader(w: Writer, d: AnyFieldDef): void {
  w.u32(d.nxmHeader);
  if (d.nxmHeader >>> 16 === OFPXMC_EXPERIMENTER) w.u32(d.experimenter);
}

export function readFieldHeader(r: Reader): AnyFieldDef {
  const at = r.pos;
  const cls = r.u16();
  const fh = r.u8();
  r.u8();
  const exp = cls === OFPXMC_EXPERIMENTER ? r.u32() : 0;
  const d = lookupField(cls, fh >>> 1, exp);
  if (!d) r.fail(`unknown field header 0x${cls.toString(16)}:${fh >>> 1} in Nicira action`, at);
  return d;
}

function checkBits(d: AnyFieldDef, ofs: number, nBits: number): void {
  if (!Number.isInteger(ofs) || !Number.isInteger(nBits) || ofs < 0 || nBits < 1 || ofs + nBits > d.width * 8 || nBits > 64) {
    throw new InvalidArgumentError(`bits ${ofs}..${ofs + nBits - 1} are outside field ${d.name} (${d.width * 8} bits); use 0 <= ofs, 1 <= nBits <= 64, ofs + nBits <= width`);
  }
}
const ofsNbits = (ofs: number, nBits: number): number => (ofs << 6) | (nBits - 1);

function readSlice(r: Reader, d: AnyFieldDef, ofs: number, nBits: number, at: number): FieldSlice {
  if (ofs + nBits > d.width * 8) r.fail(`bits ${ofs}..${ofs + nBits - 1} are outside field ${d.name}`, at);
  return { field: d.name, ofs, nBits };
}

function pad(r: Reader, n: number): void {
  r.skip(n);
}

function u16List(r: Reader, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(r.u16());
  return out;
}

/** Requires that only zero padding is left in an action's window. */
function endPadding(r: Reader): void {
  if (r.remaining >= 8) r.fail(`Nicira action has ${r.remaining} bytes after its layout`, r.pos);
  while (r.remaining > 0) if (r.u8() !== 0) r.fail('non-zero padding in Nicira action', r.pos - 1);
}

// ---------------------------------------------------------------------------------------------------------------
// learn

const LEARN_SRC_IMMEDIATE = 1 << 13;
const LEARN_DST_SHIFT = 11;
const LEARN_DSTS = ['match', 'load', 'output'] as const;

function immBytes(nBits: number): number {
  return 2 * Math.ceil(nBits / 16);
}

function writeLearnSpec(w: Writer, s: LearnSpec): void {
  if (!Number.isInteger(s.nBits) || s.nBits < 1 || s.nBits > 0x7ff) throw new InvalidArgumentError(`learn spec nBits ${s.nBits} must be 1..2047`);
  const imm = 'value' in s.src;
  w.u16((imm ? LEARN_SRC_IMMEDIATE : 0) | (LEARN_DSTS.indexOf(s.dst) << LEARN_DST_SHIFT) | s.nBits);
  if ('value' in s.src) {
    const n = immBytes(s.nBits);
    let v = s.src.value;
    if (v < 0n || v >> BigInt(n * 8) !== 0n) throw new InvalidArgumentError(`learn immediate ${v} does not fit in ${s.nBits} bits`);
    const bytes = Buffer.alloc(n);
    for (let i = n - 1; i >= 0; i--, v >>= 8n) bytes[i] = Number(v & 0xffn);
    w.bytes(bytes);
  } else {
    const d = fieldDef(s.src.field);
    checkBits(d, s.src.ofs, Math.min(s.nBits, 64));
    writeFieldHeader(w, d);
    w.u16(s.src.ofs);
  }
  if (s.dst !== 'output') {
    const d = fieldDef(s.field);
    checkBits(d, s.ofs, Math.min(s.nBits, 64));
    writeFieldHeader(w, d);
    w.u16(s.ofs);
  }
}

function readLearnSpec(r: Reader, header: number): LearnSpec {
  const at = r.pos - 2;
  const nBits = header & 0x7ff;
  const dstCode = (header >>> LEARN_DST_SHIFT) & 3;
  if (dstCode > 2 || (header & 0xc000) !== 0) r.fail(`bad learn spec header 0x${header.toString(16)}`, at);
  if (nBits === 0) r.fail('learn spec with n_bits 0', at);
  let src: LearnSrc;
  if (header & LEARN_SRC_IMMEDIATE) {
    const b = r.sub(immBytes(nBits), 'learn immediate');
    let v = 0n;
    while (b.remaining > 0) v = (v << 8n) | BigInt(b.u8());
    src = { value: v };
  } else {
    const d = readFieldHeader(r);
    src = { field: d.name, ofs: r.u16() };
  }
  const dst = LEARN_DSTS[dstCode];
  if (dst === 'output') return { dst, nBits, src };
  const d = readFieldHeader(r);
  return { dst, nBits, src, field: d.name, ofs: r.u16() };
}

function encodeLearn(w: Writer, a: LearnAction): void {
  w.u16(NXAST_LEARN).u16(a.idleTimeout).u16(a.hardTimeout).u16(a.priority).u64(a.cookie).u16(a.flags).u8(a.tableId).u8(0).u16(a.finIdleTimeout).u16(a.finHardTimeout);
  for (const s of a.specs) writeLearnSpec(w, s);
}

function decodeLearn(r: Reader): LearnAction {
  const idleTimeout = r.u16();
  const hardTimeout = r.u16();
  const priority = r.u16();
  const cookie = r.u64();
  const flags = r.u16();
  const tableId = r.u8();
  pad(r, 1);
  const finIdleTimeout = r.u16();
  const finHardTimeout = r.u16();
  const specs: LearnSpec[] = [];
  while (r.remaining >= 2) {
    const h = r.u16();
    if (h === 0) {
      r.pos -= 2;
      break;
    }
    specs.push(readLearnSpec(r, h));
  }
  endPadding(r);
  return { type: 'learn', idleTimeout, hardTimeout, priority, cookie, flags, tableId, finIdleTimeout, finHardTimeout, specs };
}

// ---------------------------------------------------------------------------------------------------------------
// ct and nat

const NX_CT_F_COMMIT = 1;
const NX_CT_F_FORCE = 2;
const NX_CT_RECIRC_NONE = 0xff;

function encodeCt(w: Writer, a: CtAction): void {
  w.u16(NXAST_CT).u16((a.commit ? NX_CT_F_COMMIT : 0) | (a.force ? NX_CT_F_FORCE : 0));
  const z = a.zone ?? 0;
  if (typeof z === 'number') w.u32(0).u16(z);
  else {
    const d = fieldDef(z.field);
    checkBits(d, z.ofs, z.nBits);
    if (d.experimenter) throw new InvalidArgumentError(`ct zone cannot be read from experimenter field ${d.name}; use a register`);
    writeFieldHeader(w, d);
    w.u16(ofsNbits(z.ofs, z.nBits));
  }
  w.u8(a.table ?? NX_CT_RECIRC_NONE)
    .zeros(3)
    .u16(a.alg ?? 0);
  if (a.actions) encodeActions(w, a.actions);
}

function decodeCt(r: Reader, at: number): CtAction {
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

function encodeNat(w: Writer, a: NatAction): void {
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

function decodeNat(r: Reader, at: number): NatAction {
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

function encodeController2(w: Writer, a: Controller2Action): void {
  w.u16(NXAST_CONTROLLER2).zeros(6);
  // 16-bit properties carry 2 bytes of padding inside their length, as Open vSwitch writes them.
  if (a.maxLen !== undefined) prop(w, NXAC2PT_MAX_LEN, (x) => void x.u16(a.maxLen ?? 0).zeros(2));
  if (a.controllerId !== undefined) prop(w, NXAC2PT_CONTROLLER_ID, (x) => void x.u16(a.controllerId ?? 0).zeros(2));
  if (a.reason !== undefined) prop(w, NXAC2PT_REASON, (x) => void x.u8(a.reason ?? 0));
  if (a.userdata !== undefined) prop(w, NXAC2PT_USERDATA, (x) => void x.bytes(a.userdata ?? Buffer.alloc(0)));
  if (a.pause) prop(w, NXAC2PT_PAUSE, () => undefined);
  if (a.meterId !== undefined) prop(w, NXAC2PT_METER_ID, (x) => void x.u32(a.meterId ?? 0));
}

function decodeController2(r: Reader): Controller2Action {
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
    }
    else r.fail(`unknown controller2 property ${type}`, at);
  }
  return a;
}

// ---------------------------------------------------------------------------------------------------------------
// Dispatch

type NxEncoder<A> = (w: Writer, a: A) => void;

function encodeSlice(w: Writer, s: FieldSlice): AnyFieldDef {
  const d = fieldDef(s.field);
  checkBits(d, s.ofs, s.nBits);
  return d;
}

/** Body writers (subtype onward) keyed by action type. */
const NX_ENCODERS: { [K in NxAction['type']]: NxEncoder<Extract<NxAction, { type: K }>> } = {
  resubmit: (w, a) => {
    const sub = a.ct ? NXAST_RESUBMIT_TABLE_CT : a.table === undefined ? NXAST_RESUBMIT : NXAST_RESUBMIT_TABLE;
    w.u16(sub)
      .u16(a.port ?? OFPP10_IN_PORT)
      .u8(a.table ?? 0xff)
      .zeros(3);
  },
  set_tunnel: (w, a) => void w.u16(NXAST_SET_TUNNEL).zeros(2).u32(a.tunId),
  set_tunnel64: (w, a) => void w.u16(NXAST_SET_TUNNEL64).zeros(6).u64(a.tunId),
  pop_queue: (w) => void w.u16(NXAST_POP_QUEUE).zeros(6),
  reg_move: (w, a) => {
    const s = fieldDef(a.src);
    const d = fieldDef(a.dst);
    checkBits(s, a.srcOfs, a.nBits);
    checkBits(d, a.dstOfs, a.nBits);
    w.u16(NXAST_REG_MOVE).u16(a.nBits).u16(a.srcOfs).u16(a.dstOfs);
    writeFieldHeader(w, s);
    writeFieldHeader(w, d);
  },
  reg_load: (w, a) => {
    const d = fieldDef(a.field);
    checkBits(d, a.ofs, a.nBits);
    if (a.value < 0n || a.value >> BigInt(a.nBits) !== 0n) throw new InvalidArgumentError(`load value ${a.value} does not fit in ${a.nBits} bits`);
    w.u16(NXAST_REG_LOAD).u16(ofsNbits(a.ofs, a.nBits));
    writeFieldHeader(w, d);
    w.u64(a.value);
  },
  reg_load2: (w, a) => {
    w.u16(NXAST_REG_LOAD2);
    writeOxm(w, fieldDef(a.field), a.value);
  },
  note: (w, a) => void w.u16(NXAST_NOTE).bytes(a.data),
  multipath: (w, a) => {
    const d = encodeSlice(w, a.dst);
    w.u16(NXAST_MULTIPATH).u16(a.fields).u16(a.basis).zeros(2).u16(a.algorithm).u16(a.maxLink).u32(a.arg).zeros(2).u16(ofsNbits(a.dst.ofs, a.dst.nBits));
    writeFieldHeader(w, d);
  },
  bundle: (w, a) => {
    w.u16(a.load ? NXAST_BUNDLE_LOAD : NXAST_BUNDLE)
      .u16(a.algorithm)
      .u16(a.fields)
      .u16(a.basis)
      .u32(a.slaveType)
      .u16(a.slaves.length);
    if (a.load) {
      const d = encodeSlice(w, a.load);
      w.u16(ofsNbits(a.load.ofs, a.load.nBits));
      writeFieldHeader(w, d);
    } else w.u16(0).u32(0);
    w.zeros(4);
    for (const s of a.slaves) w.u16(s);
  },
  output_reg: (w, a) => {
    const d = encodeSlice(w, a.src);
    if (d.experimenter) {
      w.u16(NXAST_OUTPUT_REG2).u16(ofsNbits(a.src.ofs, a.src.nBits)).u16(a.maxLen);
      writeFieldHeader(w, d);
    } else {
      w.u16(NXAST_OUTPUT_REG).u16(ofsNbits(a.src.ofs, a.src.nBits));
      writeFieldHeader(w, d);
      w.u16(a.maxLen).zeros(6);
    }
  },
  learn: encodeLearn,
  exit: (w) => void w.u16(NXAST_EXIT).zeros(6),
  dec_ttl: (w, a) => {
    if (!a.controllerIds) return void w.u16(NXAST_DEC_TTL).zeros(6);
    w.u16(NXAST_DEC_TTL_CNT_IDS).u16(a.controllerIds.length).zeros(4);
    for (const id of a.controllerIds) w.u16(id);
  },
  fin_timeout: (w, a) => void w.u16(NXAST_FIN_TIMEOUT).u16(a.idleTimeout).u16(a.hardTimeout).zeros(2),
  controller: (w, a) => void w.u16(NXAST_CONTROLLER).u16(a.maxLen).u16(a.controllerId).u8(a.reason).u8(0),
  controller2: encodeController2,
  conjunction: (w, a) => {
    if (a.clause < 1 || a.clause > a.nClauses || a.nClauses < 2 || a.nClauses > 64) throw new InvalidArgumentError(`conjunction clause ${a.clause}/${a.nClauses} is invalid; use 1 <= clause <= nClauses, 2 <= nClauses <= 64`);
    w.u16(NXAST_CONJUNCTION)
      .u8(a.clause - 1)
      .u8(a.nClauses)
      .u32(a.id);
  },
  ct: encodeCt,
  nat: encodeNat,
  clone: (w, a) => {
    w.u16(NXAST_CLONE).zeros(6);
    encodeActions(w, a.actions);
  },
  ct_clear: (w) => void w.u16(NXAST_CT_CLEAR).zeros(6),
};

/** Writes subtype and body of a Nicira action (encodeAction wrote the header and experimenter id). */
export function encodeNxAction(w: Writer, a: NxAction): void {
  const enc = NX_ENCODERS[a.type] as NxEncoder<NxAction> | undefined;
  if (!enc) throw new InvalidArgumentError(`unknown action type "${(a as { type: string }).type}"`);
  enc(w, a);
}

type NxDecoder = (r: Reader, at: number) => NxAction;

function decodeResubmit(sub: number): NxDecoder {
  return (r) => {
    const port = r.u16();
    const table = r.u8();
    pad(r, 3);
    const a: { type: 'resubmit'; port?: number; table?: number; ct?: true } = { type: 'resubmit' };
    if (port !== OFPP10_IN_PORT || sub === NXAST_RESUBMIT) a.port = port;
    if (sub !== NXAST_RESUBMIT) a.table = table;
    if (sub === NXAST_RESUBMIT_TABLE_CT) a.ct = true;
    return a;
  };
}

function decodeOfsNbitsSlice(r: Reader, on: number, at: number): FieldSlice {
  const d = readFieldHeader(r);
  return readSlice(r, d, on >>> 6, (on & 0x3f) + 1, at);
}

/** Nicira action decoders keyed by subtype; `r` is positioned after the subtype. */
export const NX_ACTION_TYPES: Readonly<Record<number, NxDecoder>> = buildTable<NxDecoder>('Nicira action subtype', [
  [NXAST_RESUBMIT, decodeResubmit(NXAST_RESUBMIT)],
  [NXAST_RESUBMIT_TABLE, decodeResubmit(NXAST_RESUBMIT_TABLE)],
  [NXAST_RESUBMIT_TABLE_CT, decodeResubmit(NXAST_RESUBMIT_TABLE_CT)],
  [NXAST_SET_TUNNEL, (r) => (pad(r, 2), { type: 'set_tunnel', tunId: r.u32() })],
  [NXAST_SET_TUNNEL64, (r) => (pad(r, 6), { type: 'set_tunnel64', tunId: r.u64() })],
  [NXAST_POP_QUEUE, (r) => (pad(r, 6), { type: 'pop_queue' })],
  [
    NXAST_REG_MOVE,
    (r, at) => {
      const nBits = r.u16();
      const srcOfs = r.u16();
      const dstOfs = r.u16();
      const s = readFieldHeader(r);
      const d = readFieldHeader(r);
      if (nBits === 0 || srcOfs + nBits > s.width * 8 || dstOfs + nBits > d.width * 8) r.fail(`move of ${nBits} bits does not fit its fields`, at);
      return { type: 'reg_move', src: s.name, srcOfs, dst: d.name, dstOfs, nBits };
    },
  ],
  [
    NXAST_REG_LOAD,
    (r, at) => {
      const on = r.u16();
      const sl = decodeOfsNbitsSlice(r, on, at);
      const value = r.u64();
      if (value >> BigInt(sl.nBits) !== 0n) r.fail(`load value does not fit in ${sl.nBits} bits`, at);
      return { type: 'reg_load', field: sl.field, ofs: sl.ofs, nBits: sl.nBits, value };
    },
  ],
  [
    NXAST_REG_LOAD2,
    (r) => {
      const { def, value } = readOxm(r);
      endPadding(r);
      return { type: 'reg_load2', field: def.name, value };
    },
  ],
  [NXAST_NOTE, (r) => ({ type: 'note', data: r.bytes(r.remaining) })],
  [
    NXAST_MULTIPATH,
    (r, at) => {
      const fields = r.u16();
      const basis = r.u16();
      pad(r, 2);
      const algorithm = r.u16();
      const maxLink = r.u16();
      const arg = r.u32();
      pad(r, 2);
      const on = r.u16();
      return { type: 'multipath', fields, basis, algorithm, maxLink, arg, dst: decodeOfsNbitsSlice(r, on, at) };
    },
  ],
  [NXAST_BUNDLE, (r, at) => decodeBundle(r, at, false)],
  [NXAST_BUNDLE_LOAD, (r, at) => decodeBundle(r, at, true)],
  [
    NXAST_OUTPUT_REG,
    (r, at) => {
      const on = r.u16();
      const src = decodeOfsNbitsSlice(r, on, at);
      const maxLen = r.u16();
      pad(r, 6);
      return { type: 'output_reg', src, maxLen };
    },
  ],
  [
    NXAST_OUTPUT_REG2,
    (r, at) => {
      const on = r.u16();
      const maxLen = r.u16();
      const src = decodeOfsNbitsSlice(r, on, at);
      endPadding(r);
      return { type: 'output_reg', src, maxLen };
    },
  ],
  [NXAST_LEARN, (r) => decodeLearn(r)],
  [NXAST_EXIT, (r) => (pad(r, 6), { type: 'exit' })],
  [NXAST_DEC_TTL, (r) => (pad(r, 6), { type: 'dec_ttl' })],
  [
    NXAST_DEC_TTL_CNT_IDS,
    (r) => {
      const n = r.u16();
      pad(r, 4);
      const controllerIds = u16List(r, n);
      endPadding(r);
      return { type: 'dec_ttl', controllerIds };
    },
  ],
  [NXAST_FIN_TIMEOUT, (r) => ({ type: 'fin_timeout', idleTimeout: r.u16(), hardTimeout: (() => { const v = r.u16(); pad(r, 2); return v; })() })],
  [NXAST_CONTROLLER, (r) => ({ type: 'controller', maxLen: r.u16(), controllerId: r.u16(), reason: (() => { const v = r.u8(); pad(r, 1); return v; })() })],
  [NXAST_CONTROLLER2, (r) => decodeController2(r)],
  [
    NXAST_CONJUNCTION,
    (r, at) => {
      const clause = r.u8() + 1;
      const nClauses = r.u8();
      if (clause > nClauses || nClauses < 2 || nClauses > 64) r.fail(`conjunction clause ${clause}/${nClauses} is invalid`, at);
      return { type: 'conjunction', clause, nClauses, id: r.u32() };
    },
  ],
  [NXAST_CT, decodeCt],
  [NXAST_NAT, decodeNat],
  [NXAST_CLONE, (r) => (pad(r, 6), { type: 'clone', actions: decodeActions(r) })],
  [NXAST_CT_CLEAR, (r) => (pad(r, 6), { type: 'ct_clear' })],
]);

function decodeBundle(r: Reader, at: number, load: boolean): NxAction {
  const algorithm = r.u16();
  const fields = r.u16();
  const basis = r.u16();
  const slaveType = r.u32();
  const n = r.u16();
  const on = r.u16();
  let slice: FieldSlice | undefined;
  if (load) slice = decodeOfsNbitsSlice(r, on, at);
  else if (on !== 0 || r.u32() !== 0) r.fail('bundle without load has a destination', at);
  pad(r, 4);
  const slaves = u16List(r, n);
  endPadding(r);
  return slice ? { type: 'bundle', algorithm, fields, basis, slaveType, slaves, load: slice } : { type: 'bundle', algorithm, fields, basis, slaveType, slaves };
}

/** Decodes the Nicira action whose window (after the subtype) is r. */
export function decodeNxAction(r: Reader, subtype: number, at: number): NxAction {
  const a = NX_ACTION_TYPES[subtype](r, at);
  if (r.remaining > 0) endPadding(r);
  return a;
}
