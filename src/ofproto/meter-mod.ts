import type { Reader, Writer } from './bytes.js';
import { OFPT, type BodyCodec } from './header.js';

/** `struct ofp_meter_mod` (header included) and every `ofp_meter_band_*`. */
export const OFP_METER_MOD_SIZE = 16;
export const OFP_METER_BAND_SIZE = 16;
export const OFPMC = { ADD: 0, MODIFY: 1, DELETE: 2 } as const;
export const OFPMF = { KBPS: 1 << 0, PKTPS: 1 << 1, BURST: 1 << 2, STATS: 1 << 3 } as const;
export const OFPMBT = { DROP: 1, DSCP_REMARK: 2, EXPERIMENTER: 0xffff } as const;
export const OFPM_ALL = 0xffffffff;

export type MeterBand =
  | { bandType: 'drop'; rate: number; burstSize: number }
  | { bandType: 'dscp_remark'; rate: number; burstSize: number; precLevel: number }
  | { bandType: 'experimenter'; rate: number; burstSize: number; experimenter: number; data?: Buffer }
  | { bandType: 'unknown'; code: number; rate: number; burstSize: number; data: Buffer };

/** OFPT_METER_MOD. */
export interface MeterMod {
  type: 'meter_mod';
  xid?: number;
  command: number;
  flags: number;
  meterId: number;
  bands: MeterBand[];
}

export function encodeBands(w: Writer, bands: MeterBand[]): void {
  for (const b of bands) {
    const start = w.offset;
    const code = b.bandType === 'drop' ? OFPMBT.DROP : b.bandType === 'dscp_remark' ? OFPMBT.DSCP_REMARK : b.bandType === 'experimenter' ? OFPMBT.EXPERIMENTER : b.code;
    w.u16(code).u16(0).u32(b.rate).u32(b.burstSize);
    if (b.bandType === 'drop') w.zeros(4);
    else if (b.bandType === 'dscp_remark') w.u8(b.precLevel).zeros(3);
    else if (b.bandType === 'experimenter') w.u32(b.experimenter).bytes(b.data ?? Buffer.alloc(0));
    else w.bytes(b.data);
    w.patchU16(start + 2, w.offset - start);
  }
}

/** Reads bands until the reader's window ends. */
export function decodeBands(r: Reader): MeterBand[] {
  const out: MeterBand[] = [];
  while (r.remaining > 0) {
    const at = r.pos;
    const code = r.peekU16();
    const len = r.peekU16(2);
    if (len < 12) r.fail(`meter band length ${len} is below 12`, at + 2);
    const b = r.sub(len, 'meter band');
    b.skip(4);
    const rate = b.u32();
    const burstSize = b.u32();
    if (code === OFPMBT.DROP && len === OFP_METER_BAND_SIZE) {
      b.skip(4);
      out.push({ bandType: 'drop', rate, burstSize });
    } else if (code === OFPMBT.DSCP_REMARK && len === OFP_METER_BAND_SIZE) {
      const precLevel = b.u8();
      b.skip(3);
      out.push({ bandType: 'dscp_remark', rate, burstSize, precLevel });
    } else if (code === OFPMBT.EXPERIMENTER && len >= OFP_METER_BAND_SIZE) {
      const experimenter = b.u32();
      const data = b.bytes(b.remaining);
      out.push(data.length ? { bandType: 'experimenter', rate, burstSize, experimenter, data } : { bandType: 'experimenter', rate, burstSize, experimenter });
    } else {
      out.push({ bandType: 'unknown', code, rate, burstSize, data: b.bytes(b.remaining) });
    }
  }
  return out;
}

export const meterModCodec: BodyCodec<MeterMod> = {
  type: 'meter_mod',
  ofpt: OFPT.METER_MOD,
  encode(w, m) {
    w.u16(m.command).u16(m.flags).u32(m.meterId);
    encodeBands(w, m.bands);
  },
  decode(r) {
    const command = r.u16();
    const flags = r.u16();
    const meterId = r.u32();
    return { type: 'meter_mod', command, flags, meterId, bands: decodeBands(r) };
  },
};
