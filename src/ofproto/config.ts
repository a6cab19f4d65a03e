import { OFPT, emptyBody, type BodyCodec } from './header.js';

/** `struct ofp_switch_config` (header included). */
export const OFP_SWITCH_CONFIG_SIZE = 12;
export const OFPC_FRAG = { NORMAL: 0, DROP: 1, REASM: 2 } as const;

export interface GetConfigRequest {
  type: 'get_config_request';
  xid?: number;
}
export interface GetConfigReply {
  type: 'get_config_reply';
  xid?: number;
  flags: number;
  missSendLen: number;
}
/** OFPT_SET_CONFIG. On a mgmt (service) connection OVS sends no async messages while missSendLen is 0 (ovs-facts §1). */
export interface SetConfig {
  type: 'set_config';
  xid?: number;
  flags: number;
  missSendLen: number;
}

function switchConfig<K extends 'get_config_reply' | 'set_config'>(type: K, ofpt: number): BodyCodec<{ type: K; xid?: number; flags: number; missSendLen: number }> {
  return {
    type,
    ofpt,
    encode: (w, m) => void w.u16(m.flags).u16(m.missSendLen),
    decode: (r) => ({ type, flags: r.u16(), missSendLen: r.u16() }),
  };
}

export const getConfigRequestCodec: BodyCodec<GetConfigRequest> = emptyBody('get_config_request', OFPT.GET_CONFIG_REQUEST);
export const getConfigReplyCodec: BodyCodec<GetConfigReply> = switchConfig('get_config_reply', OFPT.GET_CONFIG_REPLY);
export const setConfigCodec: BodyCodec<SetConfig> = switchConfig('set_config', OFPT.SET_CONFIG);
