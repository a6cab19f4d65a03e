import { OFPT, emptyBody, type BodyCodec } from './header.js';

/** OFPT_BARRIER_REQUEST: the switch answers after it has processed every message sent before it. */
export interface BarrierRequest {
  type: 'barrier_request';
  xid?: number;
}
export interface BarrierReply {
  type: 'barrier_reply';
  xid?: number;
}
export const barrierRequestCodec: BodyCodec<BarrierRequest> = emptyBody('barrier_request', OFPT.BARRIER_REQUEST);
export const barrierReplyCodec: BodyCodec<BarrierReply> = emptyBody('barrier_reply', OFPT.BARRIER_REPLY);
