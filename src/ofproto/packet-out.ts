import { decodeActions, encodeActions, type Action } from './actions.js';
import { OFPT, type BodyCodec } from './header.js';

/** `struct ofp_packet_out` (header included), before actions and data. */
export const OFP_PACKET_OUT_SIZE = 24;

/** OFPT_PACKET_OUT: run `actions` on `data` (or on a buffered packet), as if it came in on `inPort`. */
export interface PacketOut {
  type: 'packet_out';
  xid?: number;
  bufferId: number;
  inPort: number;
  actions: Action[];
  data: Buffer;
}

export const packetOutCodec: BodyCodec<PacketOut> = {
  type: 'packet_out',
  ofpt: OFPT.PACKET_OUT,
  encode(w, m) {
    w.u32(m.bufferId).u32(m.inPort);
    const lenAt = w.offset;
    w.u16(0).zeros(6);
    const start = w.offset;
    encodeActions(w, m.actions);
    w.patchU16(lenAt, w.offset - start);
    w.bytes(m.data);
  },
  decode(r) {
    const bufferId = r.u32();
    const inPort = r.u32();
    const actionsLen = r.u16();
    r.skip(6);
    const actions = decodeActions(r.sub(actionsLen, 'packet-out actions'));
    return { type: 'packet_out', bufferId, inPort, actions, data: r.bytes(r.remaining) };
  },
};
