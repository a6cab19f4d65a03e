import test from 'ava';
import { Reader, Writer } from '../../../src/ofproto/bytes.js';
import { decodeFlowModBody, encodeFlowModBody, OFP_HEADER_SIZE, type FlowMod } from '../../../src/ofproto/flow-mod.js';
import { hexDiff, loadVectors } from './vectors.js';

const vectors = loadVectors();

/** Encodes a flow-mod with the vector's own header (version, type, xid) so whole messages compare. */
function encodeWithHeader(m: FlowMod, header: Buffer): Buffer {
  const w = new Writer();
  w.bytes(header.subarray(0, OFP_HEADER_SIZE));
  encodeFlowModBody(w, m);
  w.patchU16(2, w.offset);
  return w.finish();
}

/** Deep copy without any length-like keys: the model must not need them. */
function stripLengths(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripLengths);
  if (v && typeof v === 'object' && !Buffer.isBuffer(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (!/^(len|length)$/i.test(k)) out[k] = stripLengths(x);
    return out;
  }
  return v;
}

test('there are several hundred golden vectors', (t) => {
  t.true(vectors.length >= 300, `${vectors.length} vectors`);
});

test('bytes -> object equals the JSON for every vector', (t) => {
  for (const v of vectors) {
    const got = decodeFlowModBody(new Reader(v.bin, OFP_HEADER_SIZE, v.bin.readUInt16BE(2)));
    t.deepEqual(got, v.message, `${v.name}: ${v.flow}`);
  }
});

test('JSON -> bytes is identical for every vector', (t) => {
  const bad: string[] = [];
  for (const v of vectors) {
    const diff = hexDiff(v.bin, encodeWithHeader(v.message, v.bin));
    if (diff) bad.push(`${v.name}: ${v.flow}\n${diff}`);
  }
  t.deepEqual(bad, [], bad.slice(0, 5).join('\n'));
});

test('JSON with lengths removed still encodes identically', (t) => {
  for (const v of vectors) {
    const stripped = stripLengths(v.message) as FlowMod;
    t.is(hexDiff(v.bin, encodeWithHeader(stripped, v.bin)), undefined, v.name);
  }
});
