import { decodeActions, encodeActions, type Action } from './actions.js';
import type { Reader, Writer } from './bytes.js';
import { OFPG_ANY, OFPP, OFPT, type BodyCodec } from './header.js';

/** `struct ofp_group_mod` (header included) and `struct ofp_bucket`, before their lists. */
export const OFP_GROUP_MOD_SIZE = 16;
export const OFP_BUCKET_SIZE = 16;
export const OFPGC = { ADD: 0, MODIFY: 1, DELETE: 2 } as const;
export const OFPGT = { ALL: 0, SELECT: 1, INDIRECT: 2, FF: 3 } as const;

export interface Bucket {
  weight: number;
  watchPort: number;
  watchGroup: number;
  actions: Action[];
}

/** OFPT_GROUP_MOD. */
export interface GroupMod {
  type: 'group_mod';
  xid?: number;
  command: number;
  groupType: number;
  groupId: number;
  buckets: Bucket[];
}

/** A bucket with defaults for an `all`/`indirect` group: weight 0, no watch. */
export function bucket(actions: Action[], o: Partial<Omit<Bucket, 'actions'>> = {}): Bucket {
  return { weight: o.weight ?? 0, watchPort: o.watchPort ?? OFPP.ANY, watchGroup: o.watchGroup ?? OFPG_ANY, actions };
}

export function encodeBuckets(w: Writer, buckets: Bucket[]): void {
  for (const b of buckets) {
    const start = w.offset;
    w.u16(0).u16(b.weight).u32(b.watchPort).u32(b.watchGroup).zeros(4);
    encodeActions(w, b.actions);
    w.patchU16(start, w.offset - start);
  }
}

/** Reads buckets until the reader's window ends. */
export function decodeBuckets(r: Reader): Bucket[] {
  const out: Bucket[] = [];
  while (r.remaining > 0) {
    const at = r.pos;
    const len = r.peekU16();
    if (len < OFP_BUCKET_SIZE) r.fail(`bucket length ${len} is below ${OFP_BUCKET_SIZE}`, at);
    const b = r.sub(len, 'bucket');
    b.skip(2);
    const weight = b.u16();
    const watchPort = b.u32();
    const watchGroup = b.u32();
    b.skip(4);
    out.push({ weight, watchPort, watchGroup, actions: decodeActions(b) });
  }
  return out;
}

export const groupModCodec: BodyCodec<GroupMod> = {
  type: 'group_mod',
  ofpt: OFPT.GROUP_MOD,
  encode(w, m) {
    w.u16(m.command).u8(m.groupType).zeros(1).u32(m.groupId);
    encodeBuckets(w, m.buckets);
  },
  decode(r) {
    const command = r.u16();
    const groupType = r.u8();
    r.skip(1);
    const groupId = r.u32();
    return { type: 'group_mod', command, groupType, groupId, buckets: decodeBuckets(r) };
  },
};
