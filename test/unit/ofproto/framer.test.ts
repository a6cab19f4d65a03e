import test from 'ava';
import { ProtocolError } from '../../../src/errors.js';
import { OfFramer } from '../../../src/ofproto/framer.js';
import { encodeMessage } from '../../../src/ofproto/message.js';
import { SAMPLES } from './of13-samples.js';

const frames = SAMPLES.map((m) => encodeMessage(m));

test('every frame split at every offset is reassembled whole', (t) => {
  for (const f of frames) {
    for (let cut = 0; cut <= f.length; cut++) {
      const fr = new OfFramer();
      const out = [...fr.push(f.subarray(0, cut)), ...fr.push(f.subarray(cut))];
      if (out.length !== 1 || !out[0].equals(f)) return t.fail(`frame of ${f.length} bytes cut at ${cut}`);
      t.is(fr.pending, 0);
    }
  }
  t.pass();
});

test('two messages in one chunk, in order', (t) => {
  const fr = new OfFramer();
  const out = fr.push(Buffer.concat([frames[0], frames[4]]));
  t.deepEqual(out, [frames[0], frames[4]]);
});

test('a frame across three chunks, with the next frame starting in the last one', (t) => {
  const f = frames.find((x) => x.length > 40) as Buffer;
  const fr = new OfFramer();
  t.deepEqual(fr.push(f.subarray(0, 3)), []);
  t.deepEqual(fr.push(f.subarray(3, 20)), []);
  const out = fr.push(Buffer.concat([f.subarray(20), frames[0].subarray(0, 5)]));
  t.deepEqual(out, [f]);
  t.is(fr.pending, 5);
  t.deepEqual(fr.push(frames[0].subarray(5)), [frames[0]]);
});

test('the whole sample stream fed one byte at a time keeps order', (t) => {
  const all = Buffer.concat(frames);
  const fr = new OfFramer();
  const out: Buffer[] = [];
  for (let i = 0; i < all.length; i++) out.push(...fr.push(all.subarray(i, i + 1)));
  t.deepEqual(out, frames);
});

test('a length below 8 is a ProtocolError, and the framer stays failed', (t) => {
  for (const len of [0, 1, 7]) {
    const fr = new OfFramer();
    const bad = Buffer.from([4, 0, 0, len, 0, 0, 0, 0]);
    const e = t.throws(() => fr.push(bad), { instanceOf: ProtocolError });
    t.is(e?.offset, 2);
    t.throws(() => fr.push(frames[0]), { instanceOf: ProtocolError });
  }
  // The fault is found at its stream offset, after good frames.
  const fr = new OfFramer();
  const e = t.throws(() => fr.push(Buffer.concat([frames[0], Buffer.from([4, 0, 0, 4])])), { instanceOf: ProtocolError });
  t.is(e?.offset, frames[0].length + 2);
});
