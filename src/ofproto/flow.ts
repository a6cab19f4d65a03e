import { InvalidArgumentError } from '../errors.js';
import {
  OFPCML_NO_BUFFER,
  OFPP_ALL,
  OFPP_CONTROLLER,
  OFPP_FLOOD,
  OFPP_IN_PORT,
  OFPP_LOCAL,
  OFPP_NORMAL,
  type Action,
} from './actions.js';
import {
  FLOW_MOD_COMMANDS,
  OFPFF_CHECK_OVERLAP,
  OFPFF_NO_BYT_COUNTS,
  OFPFF_NO_PKT_COUNTS,
  OFPFF_RESET_COUNTS,
  OFPFF_SEND_FLOW_REM,
  OFP_DEFAULT_PRIORITY,
  newFlowMod,
  type FlowMod,
  type FlowModCommand,
} from './flow-mod.js';
import type { Instruction } from './instructions.js';
import type { CtAction, FieldSlice, LearnAction, LearnSpec, NatAction } from './nx-actions.js';
import { FIELD_BY_NAME, fieldDef, type FieldName, type FieldValue, type Match } from './oxm.js';

const FLAG_BITS = {
  send_flow_rem: OFPFF_SEND_FLOW_REM,
  check_overlap: OFPFF_CHECK_OVERLAP,
  reset_counts: OFPFF_RESET_COUNTS,
  no_packet_counts: OFPFF_NO_PKT_COUNTS,
  no_byte_counts: OFPFF_NO_BYT_COUNTS,
} as const;

/**
 * A flow builder that reads like ovs-ofctl:
 *
 *   flow().table(0).priority(100).cookie(0x1n).match({ inPort: 3, ethSrc: '00:00:00:00:00:01' })
 *     .apply(setField('tunnelId', 100n), output(2))          // -> FlowMod
 *
 * Setters chain; `apply(...)`, `drop()` and `build()` end the chain and return a plain FlowMod whose instructions are in
 * Open vSwitch's canonical order (meter, apply_actions, clear_actions, write_actions, write_metadata, goto_table), so a
 * built flow encodes byte-for-byte like ovs-ofctl's. Action helpers are named after ovs-actions(7).
 */
export class FlowBuilder {
  private readonly fm: FlowMod = newFlowMod();
  private readonly writes: Action[] = [];
  private hasWrite = false;
  private clear = false;
  private metadata: { metadata: bigint; mask: bigint } | undefined;
  private goto: number | undefined;
  private meterId: number | undefined;

  table(tableId: number): this {
    this.fm.tableId = int(tableId, 0xff, 'table');
    return this;
  }
  priority(priority: number): this {
    this.fm.priority = int(priority, 0xffff, 'priority');
    return this;
  }
  /** Cookie; for modify/delete a mask selects flows by cookie (ovs-ofctl `cookie=0x5/0xff`). */
  cookie(cookie: bigint | number, mask?: bigint | number): this {
    this.fm.cookie = BigInt(cookie);
    if (mask !== undefined) this.fm.cookieMask = BigInt(mask);
    return this;
  }
  idleTimeout(seconds: number): this {
    this.fm.idleTimeout = int(seconds, 0xffff, 'idle_timeout');
    return this;
  }
  hardTimeout(seconds: number): this {
    this.fm.hardTimeout = int(seconds, 0xffff, 'hard_timeout');
    return this;
  }
  command(command: FlowModCommand): this {
    if (!FLOW_MOD_COMMANDS.includes(command))
      throw new InvalidArgumentError(
        `unknown flow-mod command "${command}"; use one of ${FLOW_MOD_COMMANDS.join(', ')}`,
      );
    this.fm.command = command;
    return this;
  }
  /** Adds flags by ovs-ofctl name: send_flow_rem, check_overlap, reset_counts, no_packet_counts, no_byte_counts. */
  flags(...names: FlowFlag[]): this {
    for (const n of names) {
      const bit = FLAG_BITS[n];
      if (bit === undefined)
        throw new InvalidArgumentError(`unknown flow flag "${n}"; use one of ${Object.keys(FLAG_BITS).join(', ')}`);
      this.fm.flags |= bit;
    }
    return this;
  }
  /** Restricts delete/modify to flows that output to this port (ovs-ofctl out_port=). */
  outPort(port: number): this {
    this.fm.outPort = port;
    return this;
  }
  /** Restricts delete/modify to flows that output to this group (ovs-ofctl out_group=). */
  outGroup(group: number): this {
    this.fm.outGroup = group;
    return this;
  }
  /** Merges fields into the match (later calls win per field). Unknown field names throw InvalidArgumentError. */
  match(m: Match): this {
    for (const k of Object.keys(m)) fieldDef(k);
    this.fm.match = { ...this.fm.match, ...m };
    return this;
  }
  /** Adds actions to the write-actions instruction (arrays are flattened). */
  write(...actions: Array<Action | Action[]>): this {
    this.hasWrite = true;
    this.writes.push(...actions.flat());
    return this;
  }
  clearActions(): this {
    this.clear = true;
    return this;
  }
  writeMetadata(metadata: bigint, mask = 0xffffffffffffffffn): this {
    this.metadata = { metadata, mask };
    return this;
  }
  gotoTable(tableId: number): this {
    this.goto = int(tableId, 0xff, 'goto_table');
    return this;
  }
  meter(meterId: number): this {
    this.meterId = meterId;
    return this;
  }
  /** Ends the chain with an apply-actions instruction (`actions=a,b,c`); arrays such as drop() are flattened. */
  apply(...actions: Array<Action | Action[]>): FlowMod {
    return this.finish(actions.flat());
  }
  /** Ends the chain with no apply-actions (`actions=drop` unless other instructions were given). */
  drop(): FlowMod {
    return this.finish([]);
  }
  /** Same as drop(): the FlowMod with just the instructions given so far. */
  build(): FlowMod {
    return this.finish([]);
  }
  private finish(apply: Action[]): FlowMod {
    const ins: Instruction[] = [];
    if (this.meterId !== undefined) ins.push({ type: 'meter', meterId: this.meterId });
    if (apply.length) ins.push({ type: 'apply_actions', actions: apply });
    if (this.clear) ins.push({ type: 'clear_actions' });
    if (this.hasWrite) ins.push({ type: 'write_actions', actions: [...this.writes] });
    if (this.metadata) ins.push({ type: 'write_metadata', ...this.metadata });
    if (this.goto !== undefined) ins.push({ type: 'goto_table', tableId: this.goto });
    return { ...this.fm, match: { ...this.fm.match }, instructions: ins };
  }
}

function int(v: number, max: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > max)
    throw new InvalidArgumentError(`${what} ${v} is out of range; use an integer 0..${max}`);
  return v;
}

/** Starts a flow: `flow().table(0).priority(100).match({...}).apply(output(2))`. */
export function flow(): FlowBuilder {
  return new FlowBuilder();
}

export type FlowFlag = keyof typeof FLAG_BITS;

// ---------------------------------------------------------------------------------------------------------------
// Action builders, named after ovs-actions(7)

/** `output:PORT` (`maxLen` only matters for CONTROLLER). */
export function output(port: number, maxLen?: number): Action {
  return maxLen === undefined ? { type: 'output', port } : { type: 'output', port, maxLen };
}
export const normal = (): Action => output(OFPP_NORMAL);
export const flood = (): Action => output(OFPP_FLOOD);
export const all = (): Action => output(OFPP_ALL);
export const local = (): Action => output(OFPP_LOCAL);
export const inPort = (): Action => output(OFPP_IN_PORT);
/** `actions=drop`: an empty action list, flattened by apply(). */
export const drop = (): Action[] => [];

/** `set_field:VALUE->FIELD`, e.g. setField('tunnelId', 100n), setField('ethDst', 'aa:bb:cc:dd:ee:ff'). */
export function setField<K extends FieldName>(field: K, value: FieldValue<K>): Action {
  fieldDef(field);
  return { type: 'set_field', field, value };
}
/** `set_tunnel:ID` — as ovs-ofctl sends it for OpenFlow 1.3: set_field to tun_id. */
export function setTunnel(tunId: bigint | number): Action {
  return { type: 'set_field', field: 'tunnelId', value: BigInt(tunId) };
}

/** A subfield `NAME[ofs..ofs+nBits-1]`; the whole field when ofs and nBits are omitted. */
export function field(name: FieldName, ofs = 0, nBits?: number): FieldSlice {
  const d = fieldDef(name);
  return { field: name, ofs, nBits: nBits ?? d.width * 8 - ofs };
}
const toSlice = (f: FieldSlice | FieldName): FieldSlice => (typeof f === 'string' ? field(f) : f);

/** `load:VALUE->DST[...]` (NXAST_REG_LOAD). */
export function load(value: bigint | number, dst: FieldSlice | FieldName): Action {
  const s = toSlice(dst);
  if (s.nBits > 64)
    throw new InvalidArgumentError(
      `load can write at most 64 bits; ${s.field} slice is ${s.nBits} bits — use setField instead`,
    );
  return { type: 'reg_load', field: s.field, ofs: s.ofs, nBits: s.nBits, value: BigInt(value) };
}
/** `move:SRC[...]->DST[...]` (NXAST_REG_MOVE); both slices must have the same width. */
export function move(src: FieldSlice | FieldName, dst: FieldSlice | FieldName): Action {
  const s = toSlice(src);
  const d = toSlice(dst);
  if (s.nBits !== d.nBits)
    throw new InvalidArgumentError(
      `move copies ${s.nBits} bits from ${s.field} but ${d.field} slice has ${d.nBits}; make the widths equal`,
    );
  return { type: 'reg_move', src: s.field, srcOfs: s.ofs, dst: d.field, dstOfs: d.ofs, nBits: s.nBits };
}
/**
 * `resubmit(PORT,TABLE[,ct])`; `resubmit(undefined, 5)` is `resubmit(,5)`. Ports are 16-bit (0xfff8 = IN_PORT; 32-bit
 * reserved ports are converted). Like ovs-ofctl this always uses NXAST_RESUBMIT_TABLE (table 255 = none).
 */
export function resubmit(port?: number, table?: number, opts: { ct?: boolean } = {}): Action {
  if (port === undefined && table === undefined)
    throw new InvalidArgumentError('resubmit needs a port or a table, e.g. resubmit(undefined, 5)');
  const a: Action = { type: 'resubmit', table: table ?? 0xff };
  if (port !== undefined) a.port = port >= 0xffffff00 ? port - 0xffff0000 : port;
  if (opts.ct) a.ct = true;
  return a;
}
export const group = (groupId: number): Action => ({ type: 'group', groupId });
export const setQueue = (queueId: number): Action => ({ type: 'set_queue', queueId });
export const popQueue = (): Action => ({ type: 'pop_queue' });
export const pushVlan = (ethertype = 0x8100): Action => ({ type: 'push_vlan', ethertype });
export const popVlan = (): Action => ({ type: 'pop_vlan' });
export const pushMpls = (ethertype = 0x8847): Action => ({ type: 'push_mpls', ethertype });
export const popMpls = (ethertype: number): Action => ({ type: 'pop_mpls', ethertype });
export const setMplsTtl = (ttl: number): Action => ({ type: 'set_mpls_ttl', ttl });
export const decMplsTtl = (): Action => ({ type: 'dec_mpls_ttl' });
export const modNwTtl = (ttl: number): Action => ({ type: 'set_nw_ttl', ttl });
/** `dec_ttl` (OFPAT_DEC_NW_TTL), or `dec_ttl(id,...)` with controller ids (NXAST_DEC_TTL_CNT_IDS). */
export const decTtl = (...controllerIds: number[]): Action =>
  controllerIds.length ? { type: 'dec_ttl', controllerIds } : { type: 'dec_nw_ttl' };
export const exit = (): Action => ({ type: 'exit' });
export const ctClear = (): Action => ({ type: 'ct_clear' });
export const clone = (...actions: Array<Action | Action[]>): Action => ({ type: 'clone', actions: actions.flat() });
export const finTimeout = (idleTimeout = 0, hardTimeout = 0): Action => ({
  type: 'fin_timeout',
  idleTimeout,
  hardTimeout,
});
/** `conjunction(ID, CLAUSE/N_CLAUSES)` with clause counted from 1 as in ovs-ofctl. */
export const conjunction = (id: number, clause: number, nClauses: number): Action => ({
  type: 'conjunction',
  id,
  clause,
  nClauses,
});

/** `note:HEX` from bytes or text; padded with zeros so the action fills a multiple of 8 bytes, as ovs-ofctl does. */
export function note(data: Uint8Array | string): Action {
  const raw = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
  const len = Math.max(6, raw.length + ((8 - ((raw.length + 10) % 8)) % 8));
  const out = Buffer.alloc(len);
  raw.copy(out);
  return { type: 'note', data: out };
}

export interface ControllerOptions {
  maxLen?: number;
  reason?: 'no_match' | 'action' | 'invalid_ttl' | 'action_set' | 'group' | 'packet_out';
  id?: number;
  userdata?: Uint8Array;
  pause?: boolean;
  meterId?: number;
}
const REASONS = ['no_match', 'action', 'invalid_ttl', 'action_set', 'group', 'packet_out'] as const;

/**
 * `controller(...)`, encoded the way ovs-ofctl does: plain output to CONTROLLER when only maxLen is given,
 * NXAST_CONTROLLER for reason/id, NXAST_CONTROLLER2 for userdata, pause or a meter.
 */
export function controller(opts: ControllerOptions = {}): Action {
  const maxLen = opts.maxLen ?? OFPCML_NO_BUFFER;
  const reason = REASONS.indexOf(opts.reason ?? 'action');
  const id = opts.id ?? 0;
  if (opts.userdata || opts.pause || opts.meterId !== undefined) {
    const a: Action = { type: 'controller2' };
    if (maxLen !== OFPCML_NO_BUFFER) a.maxLen = maxLen;
    if (id !== 0) a.controllerId = id;
    if (reason !== 1) a.reason = reason;
    if (opts.userdata) a.userdata = Buffer.from(opts.userdata);
    if (opts.pause) a.pause = true;
    if (opts.meterId !== undefined) a.meterId = opts.meterId;
    return a;
  }
  if (reason === 1 && id === 0) return { type: 'output', port: OFPP_CONTROLLER, maxLen };
  return { type: 'controller', maxLen, controllerId: id, reason };
}

export interface CtOptions {
  commit?: boolean;
  force?: boolean;
  /** Immediate zone or a 16-bit subfield to take it from (e.g. field('reg0', 0, 16)). */
  zone?: number | FieldSlice;
  table?: number;
  alg?: 'ftp' | 'tftp' | number;
  /** nat() and exec(...) actions, in that order. */
  actions?: Action[];
}
/** `ct(commit,zone=5,table=1,nat(...),exec(...))`. */
export function ct(opts: CtOptions = {}): Action {
  const a: CtAction = { type: 'ct' };
  if (opts.commit) a.commit = true;
  if (opts.force) a.force = true;
  if (opts.zone !== undefined && opts.zone !== 0) a.zone = opts.zone;
  if (opts.table !== undefined && opts.table !== 0xff) a.table = opts.table;
  if (opts.alg !== undefined) a.alg = opts.alg === 'ftp' ? 21 : opts.alg === 'tftp' ? 69 : opts.alg;
  if (opts.actions?.length) a.actions = opts.actions;
  return a;
}
/** `nat`, `nat(src=IP[-IP][:PORT[-PORT]],persistent|hash|random)` or the dst form. */
export function nat(opts: Omit<NatAction, 'type'> = {}): Action {
  return { type: 'nat', ...opts };
}

/** Learn spec helpers: `learnMatch('ethDst', field('ethSrc'))` is `NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[]`. */
export function learnMatch(dst: FieldSlice | FieldName, src: FieldSlice | FieldName | bigint | number): LearnSpec {
  const d = toSlice(dst);
  if (typeof src === 'bigint' || typeof src === 'number')
    return { dst: 'match', nBits: d.nBits, src: { value: BigInt(src) }, field: d.field, ofs: d.ofs };
  const s = toSlice(src);
  return { dst: 'match', nBits: d.nBits, src: { field: s.field, ofs: s.ofs }, field: d.field, ofs: d.ofs };
}
/** `load:SRC[]->DST[]` or `load:VALUE->DST[]` inside learn. */
export function learnLoad(src: FieldSlice | FieldName | bigint | number, dst: FieldSlice | FieldName): LearnSpec {
  const d = toSlice(dst);
  if (typeof src === 'bigint' || typeof src === 'number')
    return { dst: 'load', nBits: d.nBits, src: { value: BigInt(src) }, field: d.field, ofs: d.ofs };
  const s = toSlice(src);
  return { dst: 'load', nBits: d.nBits, src: { field: s.field, ofs: s.ofs }, field: d.field, ofs: d.ofs };
}
/** `output:SRC[]` inside learn. */
export function learnOutput(src: FieldSlice | FieldName): LearnSpec {
  const s = toSlice(src);
  return { dst: 'output', nBits: s.nBits, src: { field: s.field, ofs: s.ofs } };
}

export interface LearnOptions {
  table?: number;
  priority?: number;
  idleTimeout?: number;
  hardTimeout?: number;
  finIdleTimeout?: number;
  finHardTimeout?: number;
  cookie?: bigint;
  sendFlowRem?: boolean;
  deleteLearned?: boolean;
}
/** `learn(table=1,priority=...,SPEC,...)`; defaults as in ovs-ofctl (table 1, priority 32768). */
export function learn(opts: LearnOptions, ...specs: LearnSpec[]): Action {
  const a: LearnAction = {
    type: 'learn',
    idleTimeout: opts.idleTimeout ?? 0,
    hardTimeout: opts.hardTimeout ?? 0,
    priority: opts.priority ?? OFP_DEFAULT_PRIORITY,
    cookie: opts.cookie ?? 0n,
    flags: (opts.sendFlowRem ? 1 : 0) | (opts.deleteLearned ? 2 : 0),
    tableId: opts.table ?? 1,
    finIdleTimeout: opts.finIdleTimeout ?? 0,
    finHardTimeout: opts.finHardTimeout ?? 0,
    specs,
  };
  return a;
}
/** Learn spec matching field `name` on an immediate value, e.g. learnMatchValue('ethType', 0x800). */
export function learnMatchValue(name: FieldName, value: bigint | number): LearnSpec {
  const d = FIELD_BY_NAME[name];
  return { dst: 'match', nBits: d.width * 8, src: { value: BigInt(value) }, field: name, ofs: 0 };
}
