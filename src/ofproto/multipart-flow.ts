import type { Reader, Writer } from './bytes.js';
import { decodeInstructions, encodeInstructions, type Instruction } from './instructions.js';
import { decodeMatch, encodeMatch, type Match } from './match.js';

/** `struct ofp_flow_stats_request` with an empty match (the multipart body only). */
export const OFP_FLOW_STATS_REQUEST_SIZE = 40;
/** `struct ofp_flow_stats` with an empty match and no instructions. */
export const OFP_FLOW_STATS_SIZE = 56;
/** `struct ofp_aggregate_stats_reply`. */
export const OFP_AGGREGATE_STATS_REPLY_SIZE = 24;

/** Body of an OFPMP_FLOW / OFPMP_AGGREGATE request: which flows to report. */
export interface FlowStatsRequest {
  tableId: number;
  outPort: number;
  outGroup: number;
  cookie: bigint;
  cookieMask: bigint;
  match: Match;
}

/** One flow of an OFPMP_FLOW reply. */
export interface FlowStats {
  tableId: number;
  durationSec: number;
  durationNsec: number;
  priority: number;
  idleTimeout: number;
  hardTimeout: number;
  flags: number;
  cookie: bigint;
  packetCount: bigint;
  byteCount: bigint;
  match: Match;
  instructions: Instruction[];
}

export interface AggregateStats {
  packetCount: bigint;
  byteCount: bigint;
  flowCount: number;
}

export function encodeFlowStatsRequest(w: Writer, b: FlowStatsRequest): void {
  w.u8(b.tableId).zeros(3).u32(b.outPort).u32(b.outGroup).zeros(4).u64(b.cookie).u64(b.cookieMask);
  encodeMatch(w, b.match);
}

export function decodeFlowStatsRequest(r: Reader): FlowStatsRequest {
  const tableId = r.u8();
  r.skip(3);
  const outPort = r.u32();
  const outGroup = r.u32();
  r.skip(4);
  return { tableId, outPort, outGroup, cookie: r.u64(), cookieMask: r.u64(), match: decodeMatch(r) };
}

export function encodeFlowStats(w: Writer, flows: FlowStats[]): void {
  for (const f of flows) {
    const start = w.offset;
    w.u16(0).u8(f.tableId).zeros(1).u32(f.durationSec).u32(f.durationNsec).u16(f.priority).u16(f.idleTimeout).u16(f.hardTimeout).u16(f.flags).zeros(4);
    w.u64(f.cookie).u64(f.packetCount).u64(f.byteCount);
    encodeMatch(w, f.match);
    encodeInstructions(w, f.instructions);
    w.patchU16(start, w.offset - start);
  }
}

export function decodeFlowStats(r: Reader): FlowStats[] {
  const out: FlowStats[] = [];
  while (r.remaining > 0) {
    const at = r.pos;
    const len = r.peekU16();
    if (len < 48) r.fail(`flow stats length ${len} is below 48`, at);
    const e = r.sub(len, 'flow stats');
    e.skip(2);
    const tableId = e.u8();
    e.skip(1);
    const durationSec = e.u32();
    const durationNsec = e.u32();
    const priority = e.u16();
    const idleTimeout = e.u16();
    const hardTimeout = e.u16();
    const flags = e.u16();
    e.skip(4);
    const cookie = e.u64();
    const packetCount = e.u64();
    const byteCount = e.u64();
    const match = decodeMatch(e);
    out.push({ tableId, durationSec, durationNsec, priority, idleTimeout, hardTimeout, flags, cookie, packetCount, byteCount, match, instructions: decodeInstructions(e) });
  }
  return out;
}

export function encodeAggregate(w: Writer, b: AggregateStats): void {
  w.u64(b.packetCount).u64(b.byteCount).u32(b.flowCount).zeros(4);
}

export function decodeAggregate(r: Reader): AggregateStats {
  const m = { packetCount: r.u64(), byteCount: r.u64(), flowCount: r.u32() };
  r.skip(4);
  return m;
}
