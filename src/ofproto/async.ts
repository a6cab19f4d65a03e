import { OFPT, emptyBody, type BodyCodec } from './header.js';

/** `struct ofp_async_config` (header included). */
export const OFP_ASYNC_CONFIG_SIZE = 32;

/** Which async messages a connection gets: [master/equal mask, slave mask] of reason bits for each kind. */
export interface AsyncConfig {
  packetInMask: [number, number];
  portStatusMask: [number, number];
  flowRemovedMask: [number, number];
}
export interface GetAsyncRequest {
  type: 'get_async_request';
  xid?: number;
}
export interface GetAsyncReply extends AsyncConfig {
  type: 'get_async_reply';
  xid?: number;
}
/** OFPT_SET_ASYNC. On a mgmt connection it also raises miss_send_len from 0 to 128 (ovs-facts §1). */
export interface SetAsync extends AsyncConfig {
  type: 'set_async';
  xid?: number;
}

/** Every reason bit, for both roles: all packet-ins, port-status and flow-removed messages. */
export const ASYNC_ALL: AsyncConfig = { packetInMask: [0x7, 0x7], portStatusMask: [0x7, 0x7], flowRemovedMask: [0xf, 0xf] };

function asyncConfig<K extends 'get_async_reply' | 'set_async'>(type: K, ofpt: number): BodyCodec<AsyncConfig & { type: K; xid?: number }> {
  return {
    type,
    ofpt,
    encode(w, m) {
      for (const pair of [m.packetInMask, m.portStatusMask, m.flowRemovedMask]) w.u32(pair[0]).u32(pair[1]);
    },
    decode: (r) => ({ type, packetInMask: [r.u32(), r.u32()], portStatusMask: [r.u32(), r.u32()], flowRemovedMask: [r.u32(), r.u32()] }),
  };
}

export const getAsyncRequestCodec: BodyCodec<GetAsyncRequest> = emptyBody('get_async_request', OFPT.GET_ASYNC_REQUEST);
export const getAsyncReplyCodec: BodyCodec<GetAsyncReply> = asyncConfig('get_async_reply', OFPT.GET_ASYNC_REPLY);
export const setAsyncCodec: BodyCodec<SetAsync> = asyncConfig('set_async', OFPT.SET_ASYNC);
