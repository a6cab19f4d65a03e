import { OFPT, type BodyCodec } from './header.js';

/** `struct ofp_role_request` (header included). */
export const OFP_ROLE_REQUEST_SIZE = 24;
export const OFPCR_ROLE = { NOCHANGE: 0, EQUAL: 1, MASTER: 2, SLAVE: 3 } as const;

export interface RoleRequest {
  type: 'role_request';
  xid?: number;
  role: number;
  generationId: bigint;
}
export interface RoleReply {
  type: 'role_reply';
  xid?: number;
  role: number;
  generationId: bigint;
}

function role<K extends 'role_request' | 'role_reply'>(type: K, ofpt: number): BodyCodec<{ type: K; xid?: number; role: number; generationId: bigint }> {
  return {
    type,
    ofpt,
    encode: (w, m) => void w.u32(m.role).zeros(4).u64(m.generationId),
    decode(r) {
      const rl = r.u32();
      r.skip(4);
      return { type, role: rl, generationId: r.u64() };
    },
  };
}

export const roleRequestCodec: BodyCodec<RoleRequest> = role('role_request', OFPT.ROLE_REQUEST);
export const roleReplyCodec: BodyCodec<RoleReply> = role('role_reply', OFPT.ROLE_REPLY);
