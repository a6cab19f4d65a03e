import { InvalidArgumentError } from '../errors.js';
import type { Reader, Writer } from './bytes.js';
import { encodeActions, decodeActions, buildTable, type Action, type SetFieldValue } from './actions.js';
import { fieldDef, readOxm, writeOxm, type AnyFieldDef, type FieldName } from './oxm.js';
import {
  NXAST_BUNDLE,
  NXAST_BUNDLE_LOAD,
  NXAST_CLONE,
  NXAST_CONJUNCTION,
  NXAST_CONTROLLER,
  NXAST_CONTROLLER2,
  NXAST_CT,
  NXAST_CT_CLEAR,
  NXAST_DEC_TTL,
  NXAST_DEC_TTL_CNT_IDS,
  NXAST_EXIT,
  NXAST_FIN_TIMEOUT,
  NXAST_LEARN,
  NXAST_MULTIPATH,
  NXAST_NAT,
  NXAST_NOTE,
  NXAST_OUTPUT_REG,
  NXAST_OUTPUT_REG2,
  NXAST_POP_QUEUE,
  NXAST_REG_LOAD,
  NXAST_REG_LOAD2,
  NXAST_REG_MOVE,
  NXAST_RESUBMIT,
  NXAST_RESUBMIT_TABLE,
  NXAST_RESUBMIT_TABLE_CT,
  NXAST_SET_TUNNEL,
  NXAST_SET_TUNNEL64,
  OFPP10_IN_PORT,
  checkBits,
  endPadding,
  ofsNbits,
  pad,
  readFieldHeader,
  readSlice,
  u16List,
  writeFieldHeader,
  type FieldSlice,
} from './nx-common.js';
import { decodeLearn, encodeLearn, type LearnAction } from './nx-learn.js';
import {
  decodeController2,
  decodeCt,
  decodeNat,
  encodeController2,
  encodeCt,
  encodeNat,
  type Controller2Action,
  type CtAction,
  type NatAction,
} from './nx-ct.js';

export {
  NXAST_RESUBMIT,
  NXAST_SET_TUNNEL,
  NXAST_POP_QUEUE,
  NXAST_REG_MOVE,
  NXAST_REG_LOAD,
  NXAST_NOTE,
  NXAST_SET_TUNNEL64,
  NXAST_MULTIPATH,
  NXAST_BUNDLE,
  NXAST_BUNDLE_LOAD,
  NXAST_RESUBMIT_TABLE,
  NXAST_OUTPUT_REG,
  NXAST_LEARN,
  NXAST_EXIT,
  NXAST_DEC_TTL,
  NXAST_FIN_TIMEOUT,
  NXAST_CONTROLLER,
  NXAST_DEC_TTL_CNT_IDS,
  NXAST_OUTPUT_REG2,
  NXAST_REG_LOAD2,
  NXAST_CONJUNCTION,
  NXAST_CT,
  NXAST_NAT,
  NXAST_CONTROLLER2,
  NXAST_CLONE,
  NXAST_CT_CLEAR,
  NXAST_RESUBMIT_TABLE_CT,
  OFPP10_IN_PORT,
  writeFieldHeader,
  readFieldHeader,
  type FieldSlice,
} from './nx-common.js';
export type { LearnAction, LearnSpec, LearnSrc } from './nx-learn.js';
export { NX_LEARN_F_SEND_FLOW_REM, NX_LEARN_F_DELETE_LEARNED, NX_LEARN_F_WRITE_RESULT } from './nx-learn.js';
export type { CtAction, NatAction, Controller2Action } from './nx-ct.js';

/** Nicira extension actions (experimenter 0x00002320): the union, and the encoder/decoder tables. */

export type NxAction =
  | { type: 'resubmit'; port?: number; table?: number; ct?: true }
  | { type: 'set_tunnel'; tunId: number }
  | { type: 'set_tunnel64'; tunId: bigint }
  | { type: 'pop_queue' }
  | { type: 'reg_move'; src: FieldName; srcOfs: number; dst: FieldName; dstOfs: number; nBits: number }
  | { type: 'reg_load'; field: FieldName; ofs: number; nBits: number; value: bigint }
  | { type: 'reg_load2'; field: FieldName; value: SetFieldValue }
  | { type: 'note'; data: Buffer }
  | {
      type: 'multipath';
      fields: number;
      basis: number;
      algorithm: number;
      maxLink: number;
      arg: number;
      dst: FieldSlice;
    }
  | {
      type: 'bundle';
      algorithm: number;
      fields: number;
      basis: number;
      slaveType: number;
      slaves: number[];
      load?: FieldSlice;
    }
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
    if (a.value < 0n || a.value >> BigInt(a.nBits) !== 0n)
      throw new InvalidArgumentError(`load value ${a.value} does not fit in ${a.nBits} bits`);
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
    w.u16(NXAST_MULTIPATH)
      .u16(a.fields)
      .u16(a.basis)
      .zeros(2)
      .u16(a.algorithm)
      .u16(a.maxLink)
      .u32(a.arg)
      .zeros(2)
      .u16(ofsNbits(a.dst.ofs, a.dst.nBits));
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
    if (a.clause < 1 || a.clause > a.nClauses || a.nClauses < 2 || a.nClauses > 64)
      throw new InvalidArgumentError(
        `conjunction clause ${a.clause}/${a.nClauses} is invalid; use 1 <= clause <= nClauses, 2 <= nClauses <= 64`,
      );
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
      if (nBits === 0 || srcOfs + nBits > s.width * 8 || dstOfs + nBits > d.width * 8)
        r.fail(`move of ${nBits} bits does not fit its fields`, at);
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
  [
    NXAST_FIN_TIMEOUT,
    (r) => ({
      type: 'fin_timeout',
      idleTimeout: r.u16(),
      hardTimeout: (() => {
        const v = r.u16();
        pad(r, 2);
        return v;
      })(),
    }),
  ],
  [
    NXAST_CONTROLLER,
    (r) => ({
      type: 'controller',
      maxLen: r.u16(),
      controllerId: r.u16(),
      reason: (() => {
        const v = r.u8();
        pad(r, 1);
        return v;
      })(),
    }),
  ],
  [NXAST_CONTROLLER2, (r) => decodeController2(r)],
  [
    NXAST_CONJUNCTION,
    (r, at) => {
      const clause = r.u8() + 1;
      const nClauses = r.u8();
      if (clause > nClauses || nClauses < 2 || nClauses > 64)
        r.fail(`conjunction clause ${clause}/${nClauses} is invalid`, at);
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
  return slice
    ? { type: 'bundle', algorithm, fields, basis, slaveType, slaves, load: slice }
    : { type: 'bundle', algorithm, fields, basis, slaveType, slaves };
}

/** Decodes the Nicira action whose window (after the subtype) is r. */
export function decodeNxAction(r: Reader, subtype: number, at: number): NxAction {
  const a = NX_ACTION_TYPES[subtype](r, at);
  if (r.remaining > 0) endPadding(r);
  return a;
}
