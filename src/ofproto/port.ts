import type { Reader, Writer } from './bytes.js';
import { readMac, writeMac } from './header.js';

/** `struct ofp_port`. */
export const OFP_PORT_SIZE = 64;
export const OFP_MAX_PORT_NAME_LEN = 16;

export const OFPPC = { PORT_DOWN: 1 << 0, NO_RECV: 1 << 2, NO_FWD: 1 << 5, NO_PACKET_IN: 1 << 6 } as const;
export const OFPPS = { LINK_DOWN: 1 << 0, BLOCKED: 1 << 1, LIVE: 1 << 2 } as const;

/** A switch port as FEATURES/PORT_DESC/PORT_STATUS describe it. */
export interface OfpPort {
  portNo: number;
  hwAddr: string;
  name: string;
  config: number;
  state: number;
  curr: number;
  advertised: number;
  supported: number;
  peer: number;
  currSpeed: number;
  maxSpeed: number;
}

export function encodePort(w: Writer, p: OfpPort): void {
  w.u32(p.portNo).zeros(4);
  writeMac(w, p.hwAddr);
  w.zeros(2).str(p.name, OFP_MAX_PORT_NAME_LEN);
  w.u32(p.config).u32(p.state).u32(p.curr).u32(p.advertised).u32(p.supported).u32(p.peer).u32(p.currSpeed).u32(p.maxSpeed);
}

export function decodePort(r: Reader): OfpPort {
  const portNo = r.u32();
  r.skip(4);
  const hwAddr = readMac(r);
  r.skip(2);
  const name = r.str(OFP_MAX_PORT_NAME_LEN);
  return {
    portNo, hwAddr, name, config: r.u32(), state: r.u32(), curr: r.u32(), advertised: r.u32(), supported: r.u32(),
    peer: r.u32(), currSpeed: r.u32(), maxSpeed: r.u32(),
  };
}
