import { LorisError } from '../errors.js';
import type { Reader, Writer } from './bytes.js';
import { fieldDef, readOxm, writeOxm, type AnyFieldValue, type FieldName, type Masked } from './oxm.js';
import { decodeNxAction, encodeNxAction, NX_ACTION_TYPES, type NxAction } from './nx-actions.js';
import { NX_EXPERIMENTER_ID } from './oxm.js';

/** OpenFlow 1.3 action types (ofp_action_type). */
export const OFPAT_OUTPUT = 0;
export const OFPAT_COPY_TTL_OUT = 11;
export const OFPAT_COPY_TTL_IN = 12;
export const OFPAT_SET_MPLS_TTL = 15;
export const OFPAT_DEC_MPLS_TTL = 16;
export const OFPAT_PUSH_VLAN = 17;
export const OFPAT_POP_VLAN = 18;
export const OFPAT_PUSH_MPLS = 19;
export const OFPAT_POP_MPLS = 20;
export const OFPAT_SET_QUEUE = 21;
export const OFPAT_GROUP = 22;
export const OFPAT_SET_NW_TTL = 23;
export const OFPAT_DEC_NW_TTL = 24;
export const OFPAT_SET_FIELD = 25;
export const OFPAT_PUSH_PBB = 26;
export const OFPAT_POP_PBB = 27;
export const OFPAT_EXPERIMENTER = 0xffff;

/** Reserved port numbers (ofp_port_no). */
export const OFPP_MAX = 0xffffff00;
export const OFPP_IN_PORT = 0xfffffff8;
export const OFPP_TABLE = 0xfffffff9;
export const OFPP_NORMAL = 0xfffffffa;
export const OFPP_FLOOD = 0xfffffffb;
export const OFPP_ALL = 0xfffffffc;
export const OFPP_CONTROLLER = 0xfffffffd;
export const OFPP_LOCAL = 0xfffffffe;
export const OFPP_ANY = 0xffffffff;
/** max_len meaning "send the whole packet, do not buffer". */
export const OFPCML_NO_BUFFER = 0xffff;

export const OFP_ACTION_HEADER_SIZE = 4;
export const OFP_ACTION_OUTPUT_SIZE = 16;

/**
 * `maxLen` omitted means 0 on the wire, except for output to OFPP_CONTROLLER where it means OFPCML_NO_BUFFER
 * (0xffff); decoding omits it when it equals that default.
 */
export interface OutputAction {
  type: 'output';
  port: number;
  maxLen?: number;
}
export interface SetFieldAction {
  type: 'set_field';
  field: FieldName;
  value: AnyFieldValue;
}
export type OfAction =
  | OutputAction
  | { type: 'copy_ttl_out' }
  | { type: 'copy_ttl_in' }
  | { type: 'set_mpls_ttl'; ttl: number }
  | { type: 'dec_mpls_ttl' }
  | { type: 'push_vlan'; ethertype: number }
  | { type: 'pop_vlan' }
  | { type: 'push_mpls'; ethertype: number }
  | { type: 'pop_mpls'; ethertype: number }
  | { type: 'set_queue'; queueId: number }
  | { type: 'group'; groupId: number }
  | { type: 'set_nw_ttl'; ttl: number }
  | { type: 'dec_nw_ttl' }
  | SetFieldAction
  | { type: 'push_pbb'; ethertype: number }
  | { type: 'pop_pbb' };

/** An action loris cannot interpret: `body` is everything after the 4-byte action header (experimenter id included). */
export interface UnknownAction {
  type: 'unknown';
  actionType: number;
  body: Buffer;
}

export type Action = OfAction | NxAction | UnknownAction;
export type { NxAction } from './nx-actions.js';

/** The value a set_field/reg_load2 carries; masked when `{value, mask}`. */
export type SetFieldValue = AnyFieldValue | Masked<AnyFieldValue>;

function defaultMaxLen(port: number): number {
  return port === OFPP_CONTROLLER ? OFPCML_NO_BUFFER : 0;
}

type OfEncoder<A> = (w: Writer, a: A) => void;
const pad4: OfEncoder<unknown> = (w) => void w.zeros(4);
const ethertype: OfEncoder<{ ethertype: number }> = (w, a) => void w.u16(a.ethertype).zeros(2);
const ttl: OfEncoder<{ ttl: number }> = (w, a) => void w.u8(a.ttl).zeros(3);

/** Wire type and body writer of each standard action (the header and padding are written by encodeAction). */
const OF_ENCODERS: { [K in OfAction['type']]: [number, OfEncoder<Extract<OfAction, { type: K }>>] } = {
  output: [
    OFPAT_OUTPUT,
    (w, a) =>
      void w
        .u32(a.port)
        .u16(a.maxLen ?? defaultMaxLen(a.port))
        .zeros(6),
  ],
  copy_ttl_out: [OFPAT_COPY_TTL_OUT, pad4],
  copy_ttl_in: [OFPAT_COPY_TTL_IN, pad4],
  set_mpls_ttl: [OFPAT_SET_MPLS_TTL, ttl],
  dec_mpls_ttl: [OFPAT_DEC_MPLS_TTL, pad4],
  push_vlan: [OFPAT_PUSH_VLAN, ethertype],
  pop_vlan: [OFPAT_POP_VLAN, pad4],
  push_mpls: [OFPAT_PUSH_MPLS, ethertype],
  pop_mpls: [OFPAT_POP_MPLS, ethertype],
  set_queue: [OFPAT_SET_QUEUE, (w, a) => void w.u32(a.queueId)],
  group: [OFPAT_GROUP, (w, a) => void w.u32(a.groupId)],
  set_nw_ttl: [OFPAT_SET_NW_TTL, ttl],
  dec_nw_ttl: [OFPAT_DEC_NW_TTL, pad4],
  set_field: [OFPAT_SET_FIELD, (w, a) => writeOxm(w, fieldDef(a.field), a.value)],
  push_pbb: [OFPAT_PUSH_PBB, ethertype],
  pop_pbb: [OFPAT_POP_PBB, pad4],
};

type OfDecoder = (r: Reader) => Action;
const readEthertype = (r: Reader): number => {
  const v = r.u16();
  r.skip(2);
  return v;
};
const readTtl = (r: Reader): number => {
  const v = r.u8();
  r.skip(3);
  return v;
};

/** Decoders of standard actions keyed by wire type; `r` is the window after the 4-byte header. */
export const OF_DECODERS: Readonly<Record<number, OfDecoder>> = buildTable<OfDecoder>('action type', [
  [
    OFPAT_OUTPUT,
    (r) => {
      const port = r.u32();
      const maxLen = r.u16();
      r.skip(6);
      return maxLen === defaultMaxLen(port) ? { type: 'output', port } : { type: 'output', port, maxLen };
    },
  ],
  [OFPAT_COPY_TTL_OUT, (r) => (r.skip(4), { type: 'copy_ttl_out' })],
  [OFPAT_COPY_TTL_IN, (r) => (r.skip(4), { type: 'copy_ttl_in' })],
  [OFPAT_SET_MPLS_TTL, (r) => ({ type: 'set_mpls_ttl', ttl: readTtl(r) })],
  [OFPAT_DEC_MPLS_TTL, (r) => (r.skip(4), { type: 'dec_mpls_ttl' })],
  [OFPAT_PUSH_VLAN, (r) => ({ type: 'push_vlan', ethertype: readEthertype(r) })],
  [OFPAT_POP_VLAN, (r) => (r.skip(4), { type: 'pop_vlan' })],
  [OFPAT_PUSH_MPLS, (r) => ({ type: 'push_mpls', ethertype: readEthertype(r) })],
  [OFPAT_POP_MPLS, (r) => ({ type: 'pop_mpls', ethertype: readEthertype(r) })],
  [OFPAT_SET_QUEUE, (r) => ({ type: 'set_queue', queueId: r.u32() })],
  [OFPAT_GROUP, (r) => ({ type: 'group', groupId: r.u32() })],
  [OFPAT_SET_NW_TTL, (r) => ({ type: 'set_nw_ttl', ttl: readTtl(r) })],
  [OFPAT_DEC_NW_TTL, (r) => (r.skip(4), { type: 'dec_nw_ttl' })],
  [
    OFPAT_SET_FIELD,
    (r) => {
      const at = r.pos;
      const { def, value } = readOxm(r);
      if (typeof value === 'object')
        return r.fail(`set_field ${def.name} carries a mask (not allowed in OpenFlow 1.3)`, at);
      if (r.remaining >= 8) r.fail('set_field has 8 or more bytes after its OXM', r.pos);
      while (r.pos < r.end) if (r.buf[r.pos++] !== 0) r.fail('set_field has non-zero padding after its OXM', r.pos - 1);
      return { type: 'set_field', field: def.name, value };
    },
  ],
  [OFPAT_PUSH_PBB, (r) => ({ type: 'push_pbb', ethertype: readEthertype(r) })],
  [OFPAT_POP_PBB, (r) => (r.skip(4), { type: 'pop_pbb' })],
]);

/** Builds a decoder Record; throws at load time on a duplicate key. */
export function buildTable<T>(what: string, entries: ReadonlyArray<readonly [number, T]>): Record<number, T> {
  const out: Record<number, T> = {};
  for (const [k, v] of entries) {
    if (out[k] !== undefined) throw new LorisError('LORIS_INTERNAL', `duplicate ${what} ${k} in decoder table`);
    out[k] = v;
  }
  return out;
}

/** Writes one action with its header and zero padding to 8 bytes; the length is back-filled. */
export function encodeAction(w: Writer, a: Action): void {
  const start = w.offset;
  if (a.type === 'unknown') {
    w.u16(a.actionType).u16(0).bytes(a.body);
  } else if (a.type in OF_ENCODERS) {
    const [type, enc] = OF_ENCODERS[a.type as OfAction['type']] as [number, OfEncoder<Action>];
    w.u16(type).u16(0);
    enc(w, a);
  } else {
    w.u16(OFPAT_EXPERIMENTER).u16(0).u32(NX_EXPERIMENTER_ID);
    encodeNxAction(w, a as NxAction);
  }
  w.padTo(start, 8);
  w.patchU16(start + 2, w.offset - start);
}

/** Writes a list of actions. */
export function encodeActions(w: Writer, actions: readonly Action[]): void {
  for (let i = 0; i < actions.length; i++) encodeAction(w, actions[i]);
}

/**
 * Walks 8-byte-aligned type/length TLVs (actions, instructions) until the window is used up; `decode` gets the type,
 * a reader over the TLV after its 4-byte header, and the TLV's offset.
 */
export function readTlvs8<T>(r: Reader, what: string, decode: (type: number, body: Reader, at: number) => T): T[] {
  const out: T[] = [];
  while (r.remaining > 0) {
    const at = r.pos;
    const type = r.peekU16();
    const len = r.peekU16(2);
    if (len < 8 || len % 8 !== 0) r.fail(`${what} length ${len} is not a positive multiple of 8`, at);
    const body = r.sub(len, what);
    body.pos += OFP_ACTION_HEADER_SIZE;
    out.push(decode(type, body, at));
  }
  return out;
}

/** Deepest nesting of action lists (ct(exec(...)), clone(...)) accepted when decoding; keeps the stack bounded. */
export const MAX_ACTION_NESTING = 16;
let nesting = 0;

/** Decodes actions until the reader's window is used up. Each action's length must be a multiple of 8. */
export function decodeActions(r: Reader): Action[] {
  if (nesting >= MAX_ACTION_NESTING) r.fail(`actions nested deeper than ${MAX_ACTION_NESTING} levels`);
  nesting++;
  try {
    return readTlvs8(r, 'action', decodeAction);
  } finally {
    nesting--;
  }
}

function decodeAction(type: number, r: Reader, at: number): Action {
  if (type === OFPAT_EXPERIMENTER) {
    const experimenter = r.peekU32();
    if (experimenter === NX_EXPERIMENTER_ID) {
      const subtype = r.peekU16(4);
      if (NX_ACTION_TYPES[subtype] !== undefined) {
        r.pos += 6;
        return decodeNxAction(r, subtype, at);
      }
    }
  } else {
    const dec = OF_DECODERS[type];
    if (dec !== undefined) {
      const a = dec(r);
      if (r.remaining > 0) r.fail(`action type ${type} is ${r.end - at} bytes, longer than its layout`, r.pos);
      return a;
    }
  }
  return { type: 'unknown', actionType: type, body: r.bytes(r.remaining) };
}
