import { OFPT, type BodyCodec } from './header.js';
import { decodeMatch, encodeMatch, type Match } from './match.js';

/** `struct ofp_flow_removed` with an empty match (header included). */
export const OFP_FLOW_REMOVED_SIZE = 56;
export const OFPRR = { IDLE_TIMEOUT: 0, HARD_TIMEOUT: 1, DELETE: 2, GROUP_DELETE: 3, METER_DELETE: 4, EVICTION: 5 } as const;

/** OFPT_FLOW_REMOVED: sent for flows with OFPFF_SEND_FLOW_REM when they expire or are deleted. */
export interface FlowRemoved {
  type: 'flow_removed';
  xid?: number;
  cookie: bigint;
  priority: number;
  reason: number;
  tableId: number;
  durationSec: number;
  durationNsec: number;
  idleTimeout: number;
  hardTimeout: number;
  packetCount: bigint;
  byteCount: bigint;
  match: Match;
}

export const flowRemovedCodec: BodyCodec<FlowRemoved> = {
  type: 'flow_removed',
  ofpt: OFPT.FLOW_REMOVED,
  encode(w, m) {
    w.u64(m.cookie).u16(m.priority).u8(m.reason).u8(m.tableId).u32(m.durationSec).u32(m.durationNsec);
    w.u16(m.idleTimeout).u16(m.hardTimeout).u64(m.packetCount).u64(m.byteCount);
    encodeMatch(w, m.match);
  },
  decode(r) {
    return {
      type: 'flow_removed', cookie: r.u64(), priority: r.u16(), reason: r.u8(), tableId: r.u8(), durationSec: r.u32(), durationNsec: r.u32(),
      idleTimeout: r.u16(), hardTimeout: r.u16(), packetCount: r.u64(), byteCount: r.u64(), match: decodeMatch(r),
    };
  },
};
