import { OFPT, emptyBody, type BodyCodec } from './header.js';

/** `struct ofp_switch_features` (header included). */
export const OFP_SWITCH_FEATURES_SIZE = 32;

export const OFPC = { FLOW_STATS: 1 << 0, TABLE_STATS: 1 << 1, PORT_STATS: 1 << 2, GROUP_STATS: 1 << 3, IP_REASM: 1 << 5, QUEUE_STATS: 1 << 6, PORT_BLOCKED: 1 << 8 } as const;

export interface FeaturesRequest {
  type: 'features_request';
  xid?: number;
}

/** OFPT_FEATURES_REPLY. */
export interface FeaturesReply {
  type: 'features_reply';
  xid?: number;
  datapathId: bigint;
  nBuffers: number;
  nTables: number;
  auxiliaryId: number;
  capabilities: number;
  reserved: number;
}

export const featuresRequestCodec: BodyCodec<FeaturesRequest> = emptyBody('features_request', OFPT.FEATURES_REQUEST);

export const featuresReplyCodec: BodyCodec<FeaturesReply> = {
  type: 'features_reply',
  ofpt: OFPT.FEATURES_REPLY,
  encode(w, m) {
    w.u64(m.datapathId).u32(m.nBuffers).u8(m.nTables).u8(m.auxiliaryId).zeros(2).u32(m.capabilities).u32(m.reserved);
  },
  decode(r) {
    const datapathId = r.u64();
    const nBuffers = r.u32();
    const nTables = r.u8();
    const auxiliaryId = r.u8();
    r.skip(2);
    return { type: 'features_reply', datapathId, nBuffers, nTables, auxiliaryId, capabilities: r.u32(), reserved: r.u32() };
  },
};
