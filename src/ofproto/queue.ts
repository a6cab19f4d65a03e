import { OFPT, type BodyCodec } from './header.js';

/** `struct ofp_queue_get_config_request` / `_reply` (header included). */
export const OFP_QUEUE_GET_CONFIG_REQUEST_SIZE = 16;
export const OFP_QUEUE_GET_CONFIG_REPLY_SIZE = 16;

export interface QueueGetConfigRequest {
  type: 'queue_get_config_request';
  xid?: number;
  port: number;
}
/** OFPT_QUEUE_GET_CONFIG_REPLY; the `ofp_packet_queue` list is kept as raw bytes. */
export interface QueueGetConfigReply {
  type: 'queue_get_config_reply';
  xid?: number;
  port: number;
  queues: Buffer;
}

export const queueGetConfigRequestCodec: BodyCodec<QueueGetConfigRequest> = {
  type: 'queue_get_config_request',
  ofpt: OFPT.QUEUE_GET_CONFIG_REQUEST,
  encode: (w, m) => void w.u32(m.port).zeros(4),
  decode(r) {
    const port = r.u32();
    r.skip(4);
    return { type: 'queue_get_config_request', port };
  },
};

export const queueGetConfigReplyCodec: BodyCodec<QueueGetConfigReply> = {
  type: 'queue_get_config_reply',
  ofpt: OFPT.QUEUE_GET_CONFIG_REPLY,
  encode: (w, m) => void w.u32(m.port).zeros(4).bytes(m.queues),
  decode(r) {
    const port = r.u32();
    r.skip(4);
    return { type: 'queue_get_config_reply', port, queues: r.bytes(r.remaining) };
  },
};
