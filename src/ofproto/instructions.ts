import type { Reader, Writer } from './bytes.js';
import { buildTable, decodeActions, encodeActions, readTlvs8, type Action } from './actions.js';

/** OpenFlow 1.3 instruction types (ofp_instruction_type). */
export const OFPIT_GOTO_TABLE = 1;
export const OFPIT_WRITE_METADATA = 2;
export const OFPIT_WRITE_ACTIONS = 3;
export const OFPIT_APPLY_ACTIONS = 4;
export const OFPIT_CLEAR_ACTIONS = 5;
export const OFPIT_METER = 6;
export const OFPIT_EXPERIMENTER = 0xffff;

export type Instruction =
  | { type: 'goto_table'; tableId: number }
  | { type: 'write_metadata'; metadata: bigint; mask: bigint }
  | { type: 'write_actions'; actions: Action[] }
  | { type: 'apply_actions'; actions: Action[] }
  | { type: 'clear_actions' }
  | { type: 'meter'; meterId: number }
  /** An instruction loris cannot interpret; `body` is everything after the 4-byte header. */
  | { type: 'unknown'; instructionType: number; body: Buffer };

type Known = Exclude<Instruction, { type: 'unknown' }>;
type Enc<I> = (w: Writer, i: I) => void;

const ENCODERS: { [K in Known['type']]: [number, Enc<Extract<Known, { type: K }>>] } = {
  goto_table: [OFPIT_GOTO_TABLE, (w, i) => void w.u8(i.tableId).zeros(3)],
  write_metadata: [OFPIT_WRITE_METADATA, (w, i) => void w.zeros(4).u64(i.metadata).u64(i.mask)],
  write_actions: [OFPIT_WRITE_ACTIONS, (w, i) => encodeActions(w.zeros(4), i.actions)],
  apply_actions: [OFPIT_APPLY_ACTIONS, (w, i) => encodeActions(w.zeros(4), i.actions)],
  clear_actions: [OFPIT_CLEAR_ACTIONS, (w) => void w.zeros(4)],
  meter: [OFPIT_METER, (w, i) => void w.u32(i.meterId)],
};

/** Writes one instruction; the length is back-filled (always a multiple of 8). */
export function encodeInstruction(w: Writer, i: Instruction): void {
  const start = w.offset;
  if (i.type === 'unknown') w.u16(i.instructionType).u16(0).bytes(i.body);
  else {
    const [type, enc] = ENCODERS[i.type] as [number, Enc<Instruction>];
    w.u16(type).u16(0);
    enc(w, i);
  }
  w.padTo(start, 8);
  w.patchU16(start + 2, w.offset - start);
}

export function encodeInstructions(w: Writer, ins: readonly Instruction[]): void {
  for (let i = 0; i < ins.length; i++) encodeInstruction(w, ins[i]);
}

type Dec = (r: Reader) => Instruction;
const actionsAfterPad = (r: Reader): Action[] => {
  r.skip(4);
  return decodeActions(r);
};

/** Decoders keyed by instruction type; `r` is the instruction's window after its 4-byte header. */
export const INSTRUCTION_DECODERS: Readonly<Record<number, Dec>> = buildTable<Dec>('instruction type', [
  [
    OFPIT_GOTO_TABLE,
    (r) => {
      const tableId = r.u8();
      r.skip(3);
      return { type: 'goto_table', tableId };
    },
  ],
  [OFPIT_WRITE_METADATA, (r) => (r.skip(4), { type: 'write_metadata', metadata: r.u64(), mask: r.u64() })],
  [OFPIT_WRITE_ACTIONS, (r) => ({ type: 'write_actions', actions: actionsAfterPad(r) })],
  [OFPIT_APPLY_ACTIONS, (r) => ({ type: 'apply_actions', actions: actionsAfterPad(r) })],
  [OFPIT_CLEAR_ACTIONS, (r) => (r.skip(4), { type: 'clear_actions' })],
  [OFPIT_METER, (r) => ({ type: 'meter', meterId: r.u32() })],
]);

function decodeInstruction(type: number, ir: Reader): Instruction {
  const dec = INSTRUCTION_DECODERS[type];
  if (dec === undefined) return { type: 'unknown', instructionType: type, body: ir.bytes(ir.remaining) };
  const i = dec(ir);
  if (ir.remaining > 0) ir.fail(`instruction type ${type} is longer than its layout`);
  return i;
}

/** Decodes instructions until the reader's window is used up. */
export function decodeInstructions(r: Reader): Instruction[] {
  return readTlvs8(r, 'instruction', decodeInstruction);
}
