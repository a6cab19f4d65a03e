import { InvalidArgumentError } from '../errors.js';
import type { Reader, Writer } from './bytes.js';
import { fieldDef, type FieldName } from './oxm.js';
import { NXAST_LEARN, checkBits, endPadding, pad, readFieldHeader, writeFieldHeader } from './nx-common.js';

/** NXAST_LEARN and its flow_mod_spec language. */

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

// ---------------------------------------------------------------------------------------------------------------
// learn

const LEARN_SRC_IMMEDIATE = 1 << 13;
const LEARN_DST_SHIFT = 11;
const LEARN_DSTS = ['match', 'load', 'output'] as const;

function immBytes(nBits: number): number {
  return 2 * Math.ceil(nBits / 16);
}

function writeLearnSpec(w: Writer, s: LearnSpec): void {
  if (!Number.isInteger(s.nBits) || s.nBits < 1 || s.nBits > 0x7ff)
    throw new InvalidArgumentError(`learn spec nBits ${s.nBits} must be 1..2047`);
  const imm = 'value' in s.src;
  w.u16((imm ? LEARN_SRC_IMMEDIATE : 0) | (LEARN_DSTS.indexOf(s.dst) << LEARN_DST_SHIFT) | s.nBits);
  if ('value' in s.src) {
    const n = immBytes(s.nBits);
    let v = s.src.value;
    if (v < 0n || v >> BigInt(n * 8) !== 0n)
      throw new InvalidArgumentError(`learn immediate ${v} does not fit in ${s.nBits} bits`);
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

export function encodeLearn(w: Writer, a: LearnAction): void {
  w.u16(NXAST_LEARN)
    .u16(a.idleTimeout)
    .u16(a.hardTimeout)
    .u16(a.priority)
    .u64(a.cookie)
    .u16(a.flags)
    .u8(a.tableId)
    .u8(0)
    .u16(a.finIdleTimeout)
    .u16(a.finHardTimeout);
  for (const s of a.specs) writeLearnSpec(w, s);
}

export function decodeLearn(r: Reader): LearnAction {
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
  return {
    type: 'learn',
    idleTimeout,
    hardTimeout,
    priority,
    cookie,
    flags,
    tableId,
    finIdleTimeout,
    finHardTimeout,
    specs,
  };
}
