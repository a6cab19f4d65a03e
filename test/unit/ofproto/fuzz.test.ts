import test from 'ava';
import { Reader } from '../../../src/ofproto/bytes.js';
import { ProtocolError } from '../../../src/errors.js';
import { decodeMatch } from '../../../src/ofproto/match.js';
import { decodeActions } from '../../../src/ofproto/actions.js';
import { decodeInstructions } from '../../../src/ofproto/instructions.js';
import { decodeFlowModBody, OFP_HEADER_SIZE } from '../../../src/ofproto/flow-mod.js';
import { loadVectors } from './vectors.js';

/** Seeded xorshift32: the fuzz run is reproducible. */
function rng(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

const bodies = loadVectors().map((v) => v.bin.subarray(OFP_HEADER_SIZE));
/** Windows into a flow-mod body where each decoder starts: fixed part 40 bytes, then the match. */
const MATCH_AT = 40;

const decoders: Array<[string, (r: Reader) => unknown, (b: Buffer) => Buffer]> = [
  ['flow-mod', decodeFlowModBody, (b) => b],
  ['match', decodeMatch, (b) => b.subarray(MATCH_AT)],
  ['instructions', decodeInstructions, (b) => b.subarray(MATCH_AT + ((b.readUInt16BE(MATCH_AT + 2) + 7) & ~7))],
  ['actions', decodeActions, (b) => b.subarray(MATCH_AT + ((b.readUInt16BE(MATCH_AT + 2) + 7) & ~7) + 8)],
];

function mutate(src: Buffer, next: (n: number) => number): Buffer {
  let b = Buffer.from(src);
  const edits = 1 + next(4);
  for (let e = 0; e < edits; e++) {
    const op = next(6);
    if (op === 0 && b.length) b[next(b.length)] = next(256);
    else if (op === 1 && b.length) b[next(b.length)] ^= 1 << next(8);
    else if (op === 2) b = b.subarray(0, next(b.length + 1));
    else if (op === 3) {
      const at = next(b.length + 1);
      b = Buffer.concat([b.subarray(0, at), Buffer.from([next(256), next(256)]), b.subarray(at)]);
    } else if (op === 4 && b.length >= 2)
      b.writeUInt16BE(next(65536), next(b.length - 1)); // lengths, types
    else if (op === 5 && b.length >= 4) b.writeUInt16BE([0, 4, 8, 0xffff][next(4)], (2 * next(b.length >> 1)) & ~1);
  }
  return b;
}

test('random and mutated input only ever throws ProtocolError (>= 100,000 inputs)', (t) => {
  const next = rng(0x5eed);
  const counts = { inputs: 0, decoded: 0, protocolErrors: 0 };
  const N = 26_000;
  for (let i = 0; i < N; i++) {
    const random = Buffer.alloc(next(160));
    for (let k = 0; k < random.length; k++) random[k] = next(256);
    const body = bodies[next(bodies.length)];
    for (const [name, decode, window] of decoders) {
      let base: Buffer;
      try {
        base = window(body);
      } catch {
        base = body;
      }
      const input = i % 4 === 0 ? random : mutate(base, next);
      counts.inputs++;
      try {
        decode(new Reader(input));
        counts.decoded++;
      } catch (e) {
        if (!(e instanceof ProtocolError)) {
          t.fail(`${name} threw ${String(e)} for ${input.toString('hex')}`);
          return;
        }
        if (!Number.isInteger(e.offset) || e.offset < 0 || e.offset > input.length)
          t.fail(`${name}: bad offset ${e.offset}`);
        counts.protocolErrors++;
      }
    }
  }
  t.log(counts);
  t.true(counts.inputs >= 100_000);
  t.true(counts.decoded > 1000, 'mutations should still decode sometimes');
});

test('deeply nested clone actions fail with ProtocolError, not a stack overflow', (t) => {
  // 2000 clone actions, each wrapping the rest: NXAST_CLONE header (16 bytes) whose length covers everything after it.
  const depth = 2000;
  const b = Buffer.alloc(depth * 16);
  for (let i = 0; i < depth; i++) {
    const at = i * 16;
    b.writeUInt16BE(0xffff, at);
    b.writeUInt16BE(b.length - at, at + 2);
    b.writeUInt32BE(0x2320, at + 4);
    b.writeUInt16BE(42, at + 8);
  }
  t.throws(() => decodeActions(new Reader(b)), { instanceOf: ProtocolError, message: /nested deeper/ });
});
