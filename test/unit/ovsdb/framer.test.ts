import test from 'ava';
import fc from 'fast-check';
import { ProtocolError } from '../../../src/errors.js';
import { JsonFramer } from '../../../src/ovsdb/framer.js';

const MESSAGES: unknown[] = [
  { id: 1, method: 'echo', params: [] },
  { result: ['a{b}c', 'quote \\" and "brace" {[', '\\', 'x\\\\'], error: null, id: 'str"id' },
  [{ nested: [[[{}]]], s: '}]}]' }],
  { unicode: 'héllo — 日本語 🦥 \u2028', esc: '\u0000\u001f' },
  { method: 'update2', params: ['m', { Bridge: { 'aaaa-bbbb': { modify: { name: '{"not":"json"}' } } } }], id: null },
];

function feed(f: JsonFramer, buf: Buffer, cuts: number[]): unknown[] {
  const out: unknown[] = [];
  let prev = 0;
  for (const c of [...cuts, buf.length]) {
    out.push(...f.push(buf.subarray(prev, c)));
    prev = c;
  }
  return out;
}

test('every message split at every offset decodes the same', (t) => {
  const stream = Buffer.from(MESSAGES.map((m) => JSON.stringify(m)).join(' \n'));
  for (let i = 0; i <= stream.length; i++) {
    const out = feed(new JsonFramer(), stream, [i]);
    t.deepEqual(out, MESSAGES, `split at ${i}`);
  }
});

test('every message split at every pair of offsets (one message)', (t) => {
  const buf = Buffer.from(JSON.stringify(MESSAGES[1]) + JSON.stringify(MESSAGES[3]));
  for (let i = 0; i <= buf.length; i++) for (let j = i; j <= buf.length; j++) t.deepEqual(feed(new JsonFramer(), buf, [i, j]), [MESSAGES[1], MESSAGES[3]]);
});

test('byte-at-a-time delivery and split inside multi-byte UTF-8', (t) => {
  const buf = Buffer.from(JSON.stringify(MESSAGES[3]));
  const f = new JsonFramer();
  const out: unknown[] = [];
  for (let i = 0; i < buf.length; i++) out.push(...f.push(buf.subarray(i, i + 1)));
  t.deepEqual(out, [MESSAGES[3]]);
});

test('garbage between messages is a ProtocolError; bad JSON is a ProtocolError', (t) => {
  t.throws(() => new JsonFramer().push(Buffer.from('{"a":1} x')), { instanceOf: ProtocolError });
  t.throws(() => new JsonFramer().push(Buffer.from('{"a":}')), { instanceOf: ProtocolError });
  t.throws(() => new JsonFramer({ maxBytes: 10 }).push(Buffer.from('{"a":"0123456789"}')), { instanceOf: ProtocolError });
});

test('the caller may reuse the chunk buffer after push', (t) => {
  const f = new JsonFramer();
  const chunk = Buffer.from('{"k":"abc');
  t.deepEqual(f.push(chunk), []);
  chunk.fill(0x20);
  t.deepEqual(f.push(Buffer.from('def"}')), [{ k: 'abcdef' }]);
});

test('property: any JSON values, any chunking, decode to themselves', (t) => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.array(fc.jsonValue()), fc.dictionary(fc.string({ unit: 'grapheme' }), fc.jsonValue())), { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 8 }), (vals, cutsRaw) => {
      const buf = Buffer.from(vals.map((v) => JSON.stringify(v)).join(''));
      const cuts = [...new Set(cutsRaw.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
      const out = feed(new JsonFramer(), buf, cuts);
      t.deepEqual(out, JSON.parse(JSON.stringify(vals)));
    }),
    { numRuns: 300 },
  );
});

test('property: random bytes only ever throw ProtocolError', (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      try {
        new JsonFramer().push(Buffer.from(bytes));
      } catch (e) {
        if (!(e instanceof ProtocolError)) throw e;
      }
    }),
    { numRuns: 1000 },
  );
  t.pass();
});

function bigReply(mb: number): Buffer {
  // One huge string full of escapes, quotes and braces: the worst case for a framer that rescans, and
  // cheap for JSON.parse, so the time measured is the framer's.
  const piece = 'a\\"b{c}[d]\\\\e ';
  const s = piece.repeat(Math.ceil((mb * 1024 * 1024) / piece.length));
  return Buffer.from(`{"id":7,"result":"${s}","error":null}`);
}

function timeParse(buf: Buffer): number {
  const f = new JsonFramer();
  const t0 = performance.now();
  let n = 0;
  for (let i = 0; i < buf.length; i += 65536) n += f.push(buf.subarray(i, i + 65536)).length;
  if (n !== 1) throw new Error('expected one message');
  return performance.now() - t0;
}

test('a 50 MB reply in 64 KiB chunks is framed in linear time', (t) => {
  const small = bigReply(10);
  const big = bigReply(50);
  timeParse(small); // warm-up
  const ts = Math.min(timeParse(small), timeParse(small));
  const tb = Math.min(timeParse(big), timeParse(big));
  t.log(`10 MB: ${ts.toFixed(0)} ms, 50 MB: ${tb.toFixed(0)} ms`);
  t.true(tb < 15_000);
  t.true(tb / ts < 15, `50 MB took ${(tb / ts).toFixed(1)}× the 10 MB time (linear would be ~5×, quadratic ~25×)`);
});
