import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFlowFile } from '../../../src/cli/ofp.js';
import { InvalidArgumentError } from '../../../src/errors.js';
import { ofJsonStringify } from '../../../src/ofproto/json.js';
import { parseFlow } from '../../../src/ofproto/parse.js';

function withFile(text: string, fn: (file: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'loris-flowfile-'));
  try {
    const f = join(dir, 'flows.txt');
    writeFileSync(f, text);
    fn(f);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a flow file in ovs-ofctl syntax, JSON lines and comments reads as the same flow-mods', (t) => {
  const a = 'table=0,priority=100,in_port=3,dl_src=02:00:00:00:00:01 actions=set_field:0x64->tun_id,output:2';
  const b = parseFlow('cookie=0x5,table=1,priority=10,ip,nw_dst=10.0.0.1 actions=drop');
  withFile(['# flows', a, '', ofJsonStringify(b)].join('\n'), (f) => {
    t.deepEqual(readFlowFile(f), [parseFlow(a), b]);
  });
});

test('a bad line is refused with its file and line number', (t) => {
  withFile(['priority=1 actions=drop', 'priority=1,no_such_field=3 actions=drop'].join('\n'), (f) => {
    const e = t.throws(() => readFlowFile(f), { instanceOf: InvalidArgumentError });
    t.regex(e?.message ?? '', /flows\.txt:2: not a flow in ovs-ofctl syntax/);
  });
});
