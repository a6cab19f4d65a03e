import test from 'ava';
import fc from 'fast-check';
import { Reader, Writer } from '../../../src/ofproto/bytes.js';
import { decodeMatch, encodeMatch, matchLength } from '../../../src/ofproto/match.js';
import { decodeActions, encodeActions } from '../../../src/ofproto/actions.js';
import { decodeInstructions, encodeInstructions } from '../../../src/ofproto/instructions.js';
import { decodeFlowModBody, encodeFlowModBody } from '../../../src/ofproto/flow-mod.js';
import { ofJsonParse, ofJsonStringify } from '../../../src/ofproto/json.js';
import { actionsArb, flowModArb, instructionArb, matchArb } from './arbitraries.js';

const w = new Writer();
function bytes(enc: (w: Writer) => void): Buffer {
  w.reset();
  enc(w);
  return w.finish();
}

test('match: decode(encode(x)) deep-equals x, and matchLength is exact', (t) => {
  fc.assert(
    fc.property(matchArb, (m) => {
      const b = bytes((x) => encodeMatch(x, m));
      t.is(b.length, matchLength(m));
      t.is(b.length % 8, 0);
      const r = new Reader(b);
      t.deepEqual(decodeMatch(r), m);
      t.is(r.remaining, 0);
    }),
    { numRuns: 2000 },
  );
});

test('actions: decode(encode(x)) deep-equals x', (t) => {
  fc.assert(
    fc.property(actionsArb, (as) => {
      const b = bytes((x) => encodeActions(x, as));
      t.is(b.length % 8, 0);
      t.deepEqual(decodeActions(new Reader(b)), as);
    }),
    { numRuns: 2000 },
  );
});

test('instructions: decode(encode(x)) deep-equals x', (t) => {
  fc.assert(
    fc.property(fc.array(instructionArb, { maxLength: 4 }), (ins) => {
      const b = bytes((x) => encodeInstructions(x, ins));
      t.deepEqual(decodeInstructions(new Reader(b)), ins);
    }),
    { numRuns: 1000 },
  );
});

test('flow-mod: decode(encode(x)) deep-equals x, also through JSON', (t) => {
  fc.assert(
    fc.property(flowModArb, (m) => {
      const b = bytes((x) => encodeFlowModBody(x, m));
      const d = decodeFlowModBody(new Reader(b));
      t.deepEqual(d, m);
      t.deepEqual(ofJsonParse(ofJsonStringify(d)), m);
    }),
    { numRuns: 1000 },
  );
});
