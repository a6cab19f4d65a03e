import type { Reader, Writer } from './bytes.js';
import { OFPT, type BodyCodec } from './header.js';

/** `ofp_hello_elem_header` type for the version bitmap. */
export const OFPHET_VERSIONBITMAP = 1;

/** OFPT_HELLO. `versions` lists the wire versions of a VERSIONBITMAP element; absent when the peer sent none. */
export interface Hello {
  type: 'hello';
  xid?: number;
  /** Header version, only when it is not 4 (a peer offering something else). */
  version?: number;
  versions?: number[];
  /** Elements other than the version bitmap, kept as sent (type + payload without padding). */
  elements?: { elemType: number; data: Buffer }[];
}

function writeElem(w: Writer, elemType: number, body: (w: Writer) => void): void {
  const start = w.offset;
  w.u16(elemType).u16(0);
  body(w);
  w.patchU16(start + 2, w.offset - start);
  w.padTo(start, 8);
}

export const helloCodec: BodyCodec<Hello> = {
  type: 'hello',
  ofpt: OFPT.HELLO,
  encode(w, m) {
    if (m.versions) {
      const words: number[] = [];
      for (const v of m.versions) {
        const i = v >>> 5;
        while (words.length <= i) words.push(0);
        words[i] = (words[i] | (1 << (v & 31))) >>> 0;
      }
      writeElem(w, OFPHET_VERSIONBITMAP, (ww) => words.forEach((x) => ww.u32(x)));
    }
    for (const e of m.elements ?? []) writeElem(w, e.elemType, (ww) => ww.bytes(e.data));
  },
  decode(r: Reader) {
    const m: Hello = { type: 'hello' };
    while (r.remaining >= 4) {
      const at = r.pos;
      const elemType = r.u16();
      const len = r.u16();
      if (len < 4) r.fail(`hello element length ${len} is below 4`, at + 2);
      const body = r.sub(len - 4, 'hello element');
      const padded = (len + 7) & ~7;
      r.skip(Math.min(padded - len, r.remaining));
      if (elemType === OFPHET_VERSIONBITMAP && !m.versions) {
        if ((len - 4) % 4 !== 0) r.fail(`version bitmap length ${len - 4} is not a multiple of 4`, at + 2);
        const versions: number[] = [];
        for (let word = 0; body.remaining > 0; word++) {
          const bits = body.u32();
          for (let b = 0; b < 32; b++) if (bits & (1 << b)) versions.push(word * 32 + b);
        }
        m.versions = versions;
      } else {
        (m.elements ??= []).push({ elemType, data: body.bytes(body.remaining) });
      }
    }
    r.skip(r.remaining, 'trailing hello bytes');
    return m;
  },
};
