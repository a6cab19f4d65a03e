import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotConnectedError, ProtocolError, TimeoutError } from '../../../src/errors.js';
import { OfConnection } from '../../../src/ofproto/connection.js';
import type { OfMessage } from '../../../src/ofproto/message.js';
import { FakeSwitch } from './fake-switch.js';

/** OfConnection's own logic against a scripted fake switch: timeouts, peer loss, bad frames, multipart parts. */
let dir: string;
test.before(() => {
  dir = mkdtempSync(join(tmpdir(), 'loris-ofconn-'));
});
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

async function pair(name: string, o: Parameters<typeof OfConnection.connect>[1] = {}): Promise<{ sw: FakeSwitch; c: OfConnection }> {
  const sw = await FakeSwitch.listen(`punix:${join(dir, `${name}.sock`)}`);
  const c = await OfConnection.connect(`unix:${join(dir, `${name}.sock`)}`, o);
  return { sw, c };
}

test('a request without a reply times out with TimeoutError; the connection keeps working', async (t) => {
  const { sw, c } = await pair('timeout');
  try {
    sw.override = (m) => m.type === 'get_config_request';
    await t.throwsAsync(c.request({ type: 'get_config_request' }, { timeoutMs: 200 }), { instanceOf: TimeoutError });
    t.truthy(await c.echo());
  } finally {
    await c.close();
    await sw.close();
  }
});

test('the peer going away rejects pending requests with NotConnectedError and emits close', async (t) => {
  const { sw, c } = await pair('gone');
  sw.override = (m, _send, s) => {
    if (m.type === 'get_config_request') s.destroy();
    return true;
  };
  const closed = new Promise<Error | undefined>((res) => c.once('close', res));
  await t.throwsAsync(c.request({ type: 'get_config_request' }), { instanceOf: NotConnectedError });
  t.true((await closed) instanceof NotConnectedError);
  await t.throwsAsync(c.send({ type: 'barrier_request' }), { instanceOf: NotConnectedError });
  await sw.close();
});

test('an undecodable reply rejects its request with ProtocolError; others go on', async (t) => {
  const { sw, c } = await pair('bad');
  const seen: ProtocolError[] = [];
  c.on('protocol_error', (e) => seen.push(e));
  sw.override = (m, _send, s) => {
    if (m.type !== 'get_config_request') return false;
    const bad = Buffer.from('04080009000000000000000000', 'hex').subarray(0, 9); // GET_CONFIG_REPLY with a 1-byte body
    bad.writeUInt32BE(m.xid ?? 0, 4);
    s.write(bad);
    const stray = Buffer.from(bad);
    stray.writeUInt32BE(0xabcdef, 4);
    s.write(stray);
    return true;
  };
  try {
    await t.throwsAsync(c.getConfig(), { instanceOf: ProtocolError });
    t.truthy(await c.echo());
    t.is(seen.length, 1, 'a bad frame nobody waits for is an event');
  } finally {
    await c.close();
    await sw.close();
  }
});

test('multipart: every part with REPLY_MORE is yielded in order; breaking early ignores the rest', async (t) => {
  const { sw, c } = await pair('mp');
  sw.override = (m, send) => {
    if (m.type !== 'multipart_request' || m.body.kind !== 'table') return false;
    for (let i = 0; i < 5; i++) {
      const reply: OfMessage = { type: 'multipart_reply', flags: i < 4 ? 1 : 0, body: { kind: 'table', tables: [{ tableId: i, activeCount: i, lookupCount: 0n, matchedCount: 0n }] } };
      send(reply);
    }
    return true;
  };
  try {
    const all = await c.multipartAll({ kind: 'table' });
    t.deepEqual(all.map((b) => (b.kind === 'table' ? b.tables[0].tableId : -1)), [0, 1, 2, 3, 4]);
    const firstTwo: number[] = [];
    for await (const b of c.multipart({ kind: 'table' })) {
      if (b.kind === 'table') firstTwo.push(b.tables[0].tableId);
      if (firstTwo.length === 2) break;
    }
    t.deepEqual(firstTwo, [0, 1]);
    const stray: OfMessage[] = [];
    c.on('message', (m) => stray.push(m));
    t.truthy(await c.echo());
    t.deepEqual(stray, [], 'the parts after the break are dropped, not emitted');
  } finally {
    await c.close();
    await sw.close();
  }
});

test('echo requests from the switch are answered with the same xid and data', async (t) => {
  const { sw, c } = await pair('echo');
  try {
    const replies: OfMessage[] = [];
    sw.override = (m) => {
      if (m.type === 'echo_reply') replies.push(m);
      return m.type === 'echo_reply';
    };
    sw.broadcast(Buffer.from('040200090000abcd58', 'hex'));
    await c.barrier();
    const deadline = Date.now() + 2000;
    while (replies.length === 0 && Date.now() < deadline) await c.echo();
    t.deepEqual(replies, [{ type: 'echo_reply', xid: 0xabcd, data: Buffer.from('X') }]);
  } finally {
    await c.close();
    await sw.close();
  }
});
