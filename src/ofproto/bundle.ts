import type { Reader, Writer } from './bytes.js';
import { ONF_VENDOR_ID } from './error.js';

/** ONF bundle extension over OF1.3 (ovs-facts §6): OFPT_EXPERIMENTER, experimenter 0x4f4e4600. */
export const ONF_ET_BUNDLE_CONTROL = 2300;
export const ONF_ET_BUNDLE_ADD_MESSAGE = 2301;
/** Control message: header | experimenter | exp_type | bundle_id u32 | type u16 | flags u16. */
export const ONF_BUNDLE_CTRL_SIZE = 24;
/** Add message before the embedded message: header | experimenter | exp_type | bundle_id u32 | pad 2 | flags u16. */
export const ONF_BUNDLE_ADD_SIZE = 24;
export { ONF_VENDOR_ID };

export const OFPBCT = {
  OPEN_REQUEST: 0, OPEN_REPLY: 1, CLOSE_REQUEST: 2, CLOSE_REPLY: 3, COMMIT_REQUEST: 4, COMMIT_REPLY: 5, DISCARD_REQUEST: 6, DISCARD_REPLY: 7,
} as const;
export const OFPBF = { ATOMIC: 1, ORDERED: 2 } as const;

/** ONF_ET_BUNDLE_CONTROL: open, close, commit or discard a bundle (request types even, replies odd). */
export interface BundleControl {
  type: 'bundle_control';
  xid?: number;
  bundleId: number;
  ctrlType: number;
  flags: number;
  /** Bundle properties, raw, when present. */
  properties?: Buffer;
}

/** ONF_ET_BUNDLE_ADD_MESSAGE: adds `message` to an open bundle. OVS wants the outer xid equal to the inner one. */
export interface BundleAdd<M> {
  type: 'bundle_add';
  xid?: number;
  bundleId: number;
  flags: number;
  message: M;
  properties?: Buffer;
}

export function encodeBundleControlBody(w: Writer, m: BundleControl): void {
  w.u32(ONF_VENDOR_ID).u32(ONF_ET_BUNDLE_CONTROL).u32(m.bundleId).u16(m.ctrlType).u16(m.flags);
  if (m.properties) w.bytes(m.properties);
}

/** Reads the control body after experimenter and exp_type. */
export function decodeBundleControlBody(r: Reader): BundleControl {
  const m: BundleControl = { type: 'bundle_control', bundleId: r.u32(), ctrlType: r.u16(), flags: r.u16() };
  if (r.remaining > 0) m.properties = r.bytes(r.remaining);
  return m;
}

export function encodeBundleAddBody<M>(w: Writer, m: BundleAdd<M>, xid: number, encodeInner: (w: Writer, inner: M, xid: number) => void): void {
  w.u32(ONF_VENDOR_ID).u32(ONF_ET_BUNDLE_ADD_MESSAGE).u32(m.bundleId).zeros(2).u16(m.flags);
  encodeInner(w, m.message, xid);
  if (m.properties) w.bytes(m.properties);
}

/** Reads the add body after experimenter and exp_type; `decodeInner` reads one whole embedded message. */
export function decodeBundleAddBody<M>(r: Reader, decodeInner: (r: Reader) => M): BundleAdd<M> {
  const bundleId = r.u32();
  r.skip(2);
  const flags = r.u16();
  const m: BundleAdd<M> = { type: 'bundle_add', bundleId, flags, message: decodeInner(r) };
  if (r.remaining > 0) m.properties = r.bytes(r.remaining);
  return m;
}
