import { OFPT, type BodyCodec } from './header.js';
import { decodePort, encodePort, type OfpPort } from './port.js';

/** `struct ofp_port_status` (header included). */
export const OFP_PORT_STATUS_SIZE = 80;
export const OFPPR = { ADD: 0, DELETE: 1, MODIFY: 2 } as const;

/** OFPT_PORT_STATUS: a port was added, deleted or changed. */
export interface PortStatus {
  type: 'port_status';
  xid?: number;
  reason: number;
  port: OfpPort;
}

export const portStatusCodec: BodyCodec<PortStatus> = {
  type: 'port_status',
  ofpt: OFPT.PORT_STATUS,
  encode(w, m) {
    w.u8(m.reason).zeros(7);
    encodePort(w, m.port);
  },
  decode(r) {
    const reason = r.u8();
    r.skip(7);
    return { type: 'port_status', reason, port: decodePort(r) };
  },
};
