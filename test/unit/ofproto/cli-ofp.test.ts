import test from 'ava';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { InvalidArgumentError, ProtocolError } from '../../../src/errors.js';
import { ofpEncode, ofpPrint } from '../../../src/cli/ofp.js';
import { encodeMessage } from '../../../src/ofproto/message.js';
import { SAMPLES } from './of13-samples.js';

function sink(): { out: PassThrough; text: () => string } {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  return { out, text: () => Buffer.concat(chunks).toString('utf8') };
}

const DIR = join(import.meta.dirname, '..', '..', 'vectors', 'of13-msg');
const captured = readdirSync(DIR).filter((f) => f.endsWith('.bin')).map((f) => readFileSync(join(DIR, f)));

test('ofpPrint --json then ofpEncode is byte-exact for every captured and sample message', async (t) => {
  for (const bytes of [...captured, ...SAMPLES.map((m) => encodeMessage(m))]) {
    const a = sink();
    await ofpPrint(bytes.toString('hex'), { json: true, out: a.out });
    const b = sink();
    const [hex] = ofpEncode(a.text(), { out: b.out });
    if (hex !== bytes.toString('hex')) return t.fail(`${bytes.toString('hex')} came back as ${hex}`);
    t.is(b.text(), `${hex}\n`);
  }
  t.pass();
});

test('ofpPrint text: one line per message, several messages from a stream, error names spelled out', async (t) => {
  const hex = [{ type: 'barrier_request', xid: 1 } as const, { type: 'error', xid: 2, errType: 2, code: 9, data: Buffer.alloc(0) } as const]
    .map((m) => encodeMessage(m).toString('hex'))
    .join(' \n');
  const s = sink();
  const msgs = await ofpPrint(Readable.from([hex]), { out: s.out });
  t.is(msgs.length, 2);
  t.is(s.text(), 'OFPT_BARRIER_REQUEST (OF1.3) (xid=0x1):\nOFPT_ERROR (OF1.3) (xid=0x2): OFPBAC_BAD_OUT_GROUP\n');
});

test('ofpPrint rejects non-hex and truncated input; ofpEncode rejects bad JSON', async (t) => {
  await t.throwsAsync(ofpPrint('zz', { out: sink().out }), { instanceOf: InvalidArgumentError });
  await t.throwsAsync(ofpPrint('0414000800', { out: sink().out }), { instanceOf: ProtocolError });
  t.throws(() => ofpEncode('{', { out: sink().out }), { instanceOf: InvalidArgumentError });
  t.throws(() => ofpEncode('{"xid":1}', { out: sink().out }), { instanceOf: InvalidArgumentError });
});
