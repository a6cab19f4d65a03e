import test from 'ava';
import { LorisError, ProtocolError } from '../../../src/errors.js';
import { OfFramer } from '../../../src/ofproto/framer.js';
import { decodeMessage, encodeMessage } from '../../../src/ofproto/message.js';
import { OFPT } from '../../../src/ofproto/header.js';
import { SAMPLES } from './of13-samples.js';

/** Small deterministic PRNG so a failure can be replayed from its seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

const valid = SAMPLES.map((m) => encodeMessage(m));
const types = Object.values(OFPT);

function randomFrame(r: () => number): Buffer {
  const len = 8 + Math.floor(r() * 120);
  const b = Buffer.alloc(len);
  for (let i = 0; i < len; i++) b[i] = Math.floor(r() * 256);
  b[0] = r() < 0.9 ? 4 : b[0];
  b[1] = r() < 0.9 ? types[Math.floor(r() * types.length)] : b[1];
  b.writeUInt16BE(r() < 0.9 ? len : b.readUInt16BE(2), 2);
  return b;
}

function mutate(r: () => number, src: Buffer): Buffer {
  const b = Buffer.from(src);
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(r() * b.length);
    const what = r();
    if (what < 0.6) b[at] = Math.floor(r() * 256);
    else if (what < 0.8 && at + 1 < b.length) b.writeUInt16BE(Math.floor(r() * 0x10000), at);
    else b[at] ^= 1 << Math.floor(r() * 8);
  }
  // Keep the outer length right most of the time so the body decoders get exercised.
  if (r() < 0.8) b.writeUInt16BE(b.length, 2);
  return r() < 0.1 ? b.subarray(0, Math.floor(r() * b.length)) : b;
}

test('120,000 random and mutated frames: decodeMessage and the framer throw only ProtocolError', (t) => {
  const r = rng(0x5eed);
  const started = Date.now();
  let decoded = 0;
  let rejected = 0;
  const stream: Buffer[] = [];
  for (let i = 0; i < 120_000; i++) {
    const f = i % 2 === 0 ? randomFrame(r) : mutate(r, valid[Math.floor(r() * valid.length)]);
    try {
      const m = decodeMessage(f);
      decoded++;
      // Whatever decodes encodes again, or is refused with a typed error (e.g. a match missing a prerequisite).
      try {
        encodeMessage(m);
      } catch (e) {
        if (!(e instanceof LorisError)) return t.fail(`seed 0x5eed frame ${i} re-encode ${f.toString('hex')}: ${String(e)}`);
      }
    } catch (e) {
      if (!(e instanceof ProtocolError)) return t.fail(`seed 0x5eed frame ${i} ${f.toString('hex')}: ${String(e)}`);
      rejected++;
    }
    if (i % 10 === 0) stream.push(f);
  }
  // The framer over a byte stream of those frames in random chunk sizes.
  const all = Buffer.concat(stream);
  const fr = new OfFramer();
  let pos = 0;
  try {
    while (pos < all.length) {
      const n = 1 + Math.floor(r() * 300);
      fr.push(all.subarray(pos, pos + n));
      pos += n;
    }
  } catch (e) {
    t.true(e instanceof ProtocolError, String(e));
  }
  t.true(decoded > 1000 && rejected > 1000, `decoded ${decoded}, rejected ${rejected}`);
  t.true(Date.now() - started < 20_000, 'under 20 s');
});
