import { OFPT, readMac, writeMac, type BodyCodec } from './header.js';

/** `struct ofp_port_mod` (header included). */
export const OFP_PORT_MOD_SIZE = 40;

/** OFPT_PORT_MOD: change the bits of `config` selected by `mask` (OFPPC_*), and what the port advertises. */
export interface PortMod {
  type: 'port_mod';
  xid?: number;
  portNo: number;
  hwAddr: string;
  config: number;
  mask: number;
  advertise: number;
}

export const portModCodec: BodyCodec<PortMod> = {
  type: 'port_mod',
  ofpt: OFPT.PORT_MOD,
  encode(w, m) {
    w.u32(m.portNo).zeros(4);
    writeMac(w, m.hwAddr);
    w.zeros(2).u32(m.config).u32(m.mask).u32(m.advertise).zeros(4);
  },
  decode(r) {
    const portNo = r.u32();
    r.skip(4);
    const hwAddr = readMac(r);
    r.skip(2);
    const m: PortMod = { type: 'port_mod', portNo, hwAddr, config: r.u32(), mask: r.u32(), advertise: r.u32() };
    r.skip(4);
    return m;
  },
};
