/** Shared pieces of the Nicira action codecs: subtypes, field references in actions, bit slices, padding. */
import { InvalidArgumentError } from '../errors.js';
import type { Reader, Writer } from './bytes.js';
import { OFPXMC_EXPERIMENTER, lookupField, type AnyFieldDef, type FieldName } from './oxm.js';

/** Nicira extension action subtypes (NXAST_*), all under experimenter 0x00002320. */
export const NXAST_RESUBMIT = 1;
export const NXAST_SET_TUNNEL = 2;
export const NXAST_POP_QUEUE = 5;
export const NXAST_REG_MOVE = 6;
export const NXAST_REG_LOAD = 7;
export const NXAST_NOTE = 8;
export const NXAST_SET_TUNNEL64 = 9;
export const NXAST_MULTIPATH = 10;
export const NXAST_BUNDLE = 12;
export const NXAST_BUNDLE_LOAD = 13;
export const NXAST_RESUBMIT_TABLE = 14;
export const NXAST_OUTPUT_REG = 15;
export const NXAST_LEARN = 16;
export const NXAST_EXIT = 17;
export const NXAST_DEC_TTL = 18;
export const NXAST_FIN_TIMEOUT = 19;
export const NXAST_CONTROLLER = 20;
export const NXAST_DEC_TTL_CNT_IDS = 21;
export const NXAST_OUTPUT_REG2 = 32;
export const NXAST_REG_LOAD2 = 33;
export const NXAST_CONJUNCTION = 34;
export const NXAST_CT = 35;
export const NXAST_NAT = 36;
export const NXAST_CONTROLLER2 = 37;
export const NXAST_CLONE = 42;
export const NXAST_CT_CLEAR = 43;
export const NXAST_RESUBMIT_TABLE_CT = 44;

/** 16-bit OpenFlow 1.0 port meaning "the input port" (resubmit's default). */
export const OFPP10_IN_PORT = 0xfff8;

/** Bits `ofs .. ofs+nBits-1` of a field (ovs-ofctl `NXM_NX_REG0[8..15]`). */
export interface FieldSlice {
  field: FieldName;
  ofs: number;
  nBits: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Field references inside Nicira actions

/** Writes the header Nicira actions use for a field (its NXM spelling if it has one; 8 bytes for experimenter OXM). */
export function writeFieldHeader(w: Writer, d: AnyFieldDef): void {
  w.u32(d.nxmHeader);
  if (d.nxmHeader >>> 16 === OFPXMC_EXPERIMENTER) w.u32(d.experimenter);
}

export function readFieldHeader(r: Reader): AnyFieldDef {
  const at = r.pos;
  const cls = r.u16();
  const fh = r.u8();
  r.u8();
  const exp = cls === OFPXMC_EXPERIMENTER ? r.u32() : 0;
  const d = lookupField(cls, fh >>> 1, exp);
  if (!d) r.fail(`unknown field header 0x${cls.toString(16)}:${fh >>> 1} in Nicira action`, at);
  return d;
}

export function checkBits(d: AnyFieldDef, ofs: number, nBits: number): void {
  if (
    !Number.isInteger(ofs) ||
    !Number.isInteger(nBits) ||
    ofs < 0 ||
    nBits < 1 ||
    ofs + nBits > d.width * 8 ||
    nBits > 64
  ) {
    throw new InvalidArgumentError(
      `bits ${ofs}..${ofs + nBits - 1} are outside field ${d.name} (${d.width * 8} bits); use 0 <= ofs, 1 <= nBits <= 64, ofs + nBits <= width`,
    );
  }
}
export const ofsNbits = (ofs: number, nBits: number): number => (ofs << 6) | (nBits - 1);

export function readSlice(r: Reader, d: AnyFieldDef, ofs: number, nBits: number, at: number): FieldSlice {
  if (ofs + nBits > d.width * 8) r.fail(`bits ${ofs}..${ofs + nBits - 1} are outside field ${d.name}`, at);
  return { field: d.name, ofs, nBits };
}

export function pad(r: Reader, n: number): void {
  r.skip(n);
}

export function u16List(r: Reader, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(r.u16());
  return out;
}

/** Requires that only zero padding is left in an action's window. */
export function endPadding(r: Reader): void {
  if (r.remaining >= 8) r.fail(`Nicira action has ${r.remaining} bytes after its layout`, r.pos);
  while (r.remaining > 0) if (r.u8() !== 0) r.fail('non-zero padding in Nicira action', r.pos - 1);
}
