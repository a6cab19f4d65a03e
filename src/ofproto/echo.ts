import { OFPT, type BodyCodec } from './header.js';

/** OFPT_ECHO_REQUEST: arbitrary payload the peer must echo back. */
export interface EchoRequest {
  type: 'echo_request';
  xid?: number;
  data: Buffer;
}
export interface EchoReply {
  type: 'echo_reply';
  xid?: number;
  data: Buffer;
}

function echo<K extends 'echo_request' | 'echo_reply'>(type: K, ofpt: number): BodyCodec<{ type: K; xid?: number; data: Buffer }> {
  return {
    type,
    ofpt,
    encode: (w, m) => void w.bytes(m.data),
    decode: (r) => ({ type, data: r.bytes(r.remaining) }),
  };
}

export const echoRequestCodec: BodyCodec<EchoRequest> = echo('echo_request', OFPT.ECHO_REQUEST);
export const echoReplyCodec: BodyCodec<EchoReply> = echo('echo_reply', OFPT.ECHO_REPLY);
