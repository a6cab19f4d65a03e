import { OFPT, type BodyCodec } from './header.js';
import { decodeMatch, encodeMatch, type Match } from './match.js';

/** `struct ofp_packet_in` with an empty match (header included; the 2 pad bytes before data come after). */
export const OFP_PACKET_IN_SIZE = 32;
export const OFPR = { NO_MATCH: 0, ACTION: 1, INVALID_TTL: 2 } as const;

/** OFPT_PACKET_IN. `data` is a copy the message owns; OVS 3.1 always sends the whole frame (ovs-facts §5). */
export interface PacketIn {
  type: 'packet_in';
  xid?: number;
  bufferId: number;
  totalLen: number;
  reason: number;
  tableId: number;
  cookie: bigint;
  match: Match;
  data: Buffer;
}

export const packetInCodec: BodyCodec<PacketIn> = {
  type: 'packet_in',
  ofpt: OFPT.PACKET_IN,
  encode(w, m) {
    w.u32(m.bufferId).u16(m.totalLen).u8(m.reason).u8(m.tableId).u64(m.cookie);
    encodeMatch(w, m.match);
    w.zeros(2).bytes(m.data);
  },
  decode(r) {
    const bufferId = r.u32();
    const totalLen = r.u16();
    const reason = r.u8();
    const tableId = r.u8();
    const cookie = r.u64();
    const match = decodeMatch(r);
    r.skip(2);
    return { type: 'packet_in', bufferId, totalLen, reason, tableId, cookie, match, data: r.bytes(r.remaining) };
  },
};
