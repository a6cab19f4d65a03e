import { OFPT, type BodyCodec } from './header.js';

/** `struct ofp_experimenter_header` (header included). */
export const OFP_EXPERIMENTER_HEADER_SIZE = 16;

/** OFPT_EXPERIMENTER that loris does not decode further (bundles are decoded: see bundle.ts). */
export interface Experimenter {
  type: 'experimenter';
  xid?: number;
  experimenter: number;
  expType: number;
  data: Buffer;
}

export const experimenterCodec: BodyCodec<Experimenter> = {
  type: 'experimenter',
  ofpt: OFPT.EXPERIMENTER,
  encode: (w, m) => void w.u32(m.experimenter).u32(m.expType).bytes(m.data),
  decode: (r) => ({ type: 'experimenter', experimenter: r.u32(), expType: r.u32(), data: r.bytes(r.remaining) }),
};
