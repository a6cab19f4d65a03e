import test from 'ava';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ofJsonParse } from '../../../src/ofproto/json.js';
import { decodeMessage, encodeMessage, type OfMessage } from '../../../src/ofproto/message.js';

/** Golden messages captured from ovs-ofctl and ovs-vswitchd by scripts/capture-of-messages.ts. */
const DIR = join(import.meta.dirname, '..', '..', 'vectors', 'of13-msg');
const names = readdirSync(DIR).filter((f) => f.endsWith('.bin')).map((f) => f.slice(0, -4)).sort();

function firstDiff(a: Buffer, b: Buffer): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const at = (x: Buffer): string => x.subarray(Math.max(0, i - 8), i + 16).toString('hex');
  return `first difference at byte ${i} (lengths ${a.length}/${b.length}): want …${at(a)}… got …${at(b)}…`;
}

function hasLengthKey(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(hasLengthKey);
  if (v && typeof v === 'object' && !Buffer.isBuffer(v)) return Object.entries(v).some(([k, x]) => /^(len|length|.*Len)$/.test(k) && k !== 'totalLen' && k !== 'missSendLen' && k !== 'maxLen' ? true : hasLengthKey(x));
  return false;
}

test('there are golden vectors from both ovs-ofctl and ovs-vswitchd', (t) => {
  t.true(names.filter((n) => n.startsWith('ofctl-')).length >= 60, 'ovs-ofctl requests');
  t.true(names.filter((n) => n.startsWith('ovs-')).length >= 20, 'ovs-vswitchd replies and async messages');
});

for (const name of names) {
  test(`vector ${name}: bytes→object equals the JSON, JSON→bytes is identical, the JSON holds no lengths`, (t) => {
    const bin = readFileSync(join(DIR, `${name}.bin`));
    const { message } = ofJsonParse<{ message: OfMessage }>(readFileSync(join(DIR, `${name}.json`), 'utf8'));
    t.deepEqual(decodeMessage(bin), message);
    const enc = encodeMessage(message);
    if (!enc.equals(bin)) t.fail(firstDiff(bin, enc));
    t.false(hasLengthKey(message), 'lengths are computed, never carried');
  });
}
