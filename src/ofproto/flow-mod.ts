import { InvalidArgumentError } from '../errors.js';
import type { Reader, Writer } from './bytes.js';
import { decodeMatch, encodeMatch, type Match } from './match.js';
import { decodeInstructions, encodeInstructions, type Instruction } from './instructions.js';
import { readU64, writeU64 } from './oxm.js';

/** Size of an OFPT_FLOW_MOD with an empty match and no instructions, header included (a test pins it). */
export const OFP_FLOW_MOD_SIZE = 56;
/** The fixed part of the body after the 8-byte ofp_header, before the match. */
export const OFP_FLOW_MOD_FIXED_BODY = 40;
export const OFP_HEADER_SIZE = 8;

export const OFPFC_ADD = 0;
export const OFPFC_MODIFY = 1;
export const OFPFC_MODIFY_STRICT = 2;
export const OFPFC_DELETE = 3;
export const OFPFC_DELETE_STRICT = 4;

export const OFPFF_SEND_FLOW_REM = 1 << 0;
export const OFPFF_CHECK_OVERLAP = 1 << 1;
export const OFPFF_RESET_COUNTS = 1 << 2;
export const OFPFF_NO_PKT_COUNTS = 1 << 3;
export const OFPFF_NO_BYT_COUNTS = 1 << 4;

export const OFP_NO_BUFFER = 0xffffffff;
export const OFPG_ANY = 0xffffffff;
export const OFPTT_ALL = 0xff;
export const OFP_DEFAULT_PRIORITY = 0x8000;

export type FlowModCommand = 'add' | 'modify' | 'modify_strict' | 'delete' | 'delete_strict';
/** Command names indexed by their wire value. */
export const FLOW_MOD_COMMANDS: readonly FlowModCommand[] = [
  'add',
  'modify',
  'modify_strict',
  'delete',
  'delete_strict',
];

/** OFPT_FLOW_MOD. `flags` is a bit set of OFPFF_*. */
export interface FlowMod {
  type: 'flow_mod';
  cookie: bigint;
  cookieMask: bigint;
  tableId: number;
  command: FlowModCommand;
  idleTimeout: number;
  hardTimeout: number;
  priority: number;
  bufferId: number;
  outPort: number;
  outGroup: number;
  flags: number;
  match: Match;
  instructions: Instruction[];
}

/** A flow-mod with ovs-ofctl's defaults (add, table 0, priority 32768, no buffer, any port/group), then `over`. */
export function newFlowMod(over: Partial<FlowMod> = {}): FlowMod {
  return {
    type: 'flow_mod',
    cookie: 0n,
    cookieMask: 0n,
    tableId: 0,
    command: 'add',
    idleTimeout: 0,
    hardTimeout: 0,
    priority: OFP_DEFAULT_PRIORITY,
    bufferId: OFP_NO_BUFFER,
    outPort: 0xffffffff,
    outGroup: OFPG_ANY,
    flags: 0,
    match: {},
    instructions: [],
    ...over,
  };
}

const COMMAND_CODE: Readonly<Record<FlowModCommand, number>> = {
  add: 0,
  modify: 1,
  modify_strict: 2,
  delete: 3,
  delete_strict: 4,
};

/** Writes the flow-mod body (everything after the ofp_header). */
export function encodeFlowModBody(w: Writer, m: FlowMod): void {
  const cmd = COMMAND_CODE[m.command];
  if (cmd === undefined)
    throw new InvalidArgumentError(
      `unknown flow-mod command "${m.command}"; use one of ${FLOW_MOD_COMMANDS.join(', ')}`,
    );
  writeU64(w, m.cookie);
  writeU64(w, m.cookieMask);
  w.u8(m.tableId)
    .u8(cmd)
    .u16(m.idleTimeout)
    .u16(m.hardTimeout)
    .u16(m.priority)
    .u32(m.bufferId)
    .u32(m.outPort)
    .u32(m.outGroup)
    .u16(m.flags)
    .zeros(2);
  encodeMatch(w, m.match);
  encodeInstructions(w, m.instructions);
}

/** Reads a flow-mod body: the reader's window is the message after its 8-byte header. */
export function decodeFlowModBody(r: Reader): FlowMod {
  const cookie = readU64(r);
  const cookieMask = readU64(r);
  const tableId = r.u8();
  const cmdAt = r.pos;
  const command = FLOW_MOD_COMMANDS[r.u8()];
  if (command === undefined) r.fail(`unknown flow-mod command ${r.buf[cmdAt]}`, cmdAt);
  const idleTimeout = r.u16();
  const hardTimeout = r.u16();
  const priority = r.u16();
  const bufferId = r.u32();
  const outPort = r.u32();
  const outGroup = r.u32();
  const flags = r.u16();
  r.skip(2);
  const match = decodeMatch(r);
  const instructions = decodeInstructions(r);
  return {
    type: 'flow_mod',
    cookie,
    cookieMask,
    tableId,
    command,
    idleTimeout,
    hardTimeout,
    priority,
    bufferId,
    outPort,
    outGroup,
    flags,
    match,
    instructions,
  };
}
