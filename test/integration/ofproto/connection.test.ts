import test from 'ava';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { PassThrough } from 'node:stream';
import { addFlows, dumpFlows } from '../../../src/cli/ofp.js';
import type { Action } from '../../../src/ofproto/actions.js';
import { ofJsonStringify } from '../../../src/ofproto/json.js';
import { join } from 'node:path';
import { Lab, type LabHost } from '../../../src/lab/index.js';
import { waitUntil } from '../../../src/lab/exec.js';
import { EchoTimeoutError, OfConnection } from '../../../src/ofproto/connection.js';
import { OfListener } from '../../../src/ofproto/listener.js';
import { OfpError } from '../../../src/ofproto/error.js';
import { LorisError } from '../../../src/errors.js';
import type { FlowRemoved } from '../../../src/ofproto/flow-removed.js';
import type { PacketIn } from '../../../src/ofproto/packet-in.js';
import type { PortStatus } from '../../../src/ofproto/port-status.js';
import { flowMod, manyFlows } from './flows.js';

let lab: Lab;
let h: LabHost;
let mgmt: string;

test.before(async () => {
  lab = await Lab.create();
  h = await lab.addHost('h1');
  await lab.addBridge(h, 'br-int', ['--', 'set', 'bridge', 'br-int', 'protocols=OpenFlow13', 'fail_mode=secure']);
  mgmt = `unix:${lab.mgmtSocket(h, 'br-int')}`;
});
test.after.always(async () => {
  await lab?.dispose();
});

async function dump(extra: string[] = []): Promise<string[]> {
  const out = await lab.ofctl(h, ['dump-flows', '--no-stats', lab.mgmtSocket(h, 'br-int'), ...extra]);
  return out.split('\n').filter((l) => l.includes('actions='));
}

async function withConn<T>(f: (c: OfConnection) => Promise<T>): Promise<T> {
  const c = await OfConnection.connect(mgmt);
  try {
    return await f(c);
  } finally {
    await c.close();
  }
}

test.serial('handshake over the mgmt unix socket: OF1.3, features, desc, echo, role', async (t) => {
  await withConn(async (c) => {
    t.truthy(c.features);
    t.true((c.features?.nTables ?? 0) > 0);
    const [desc] = await c.multipartAll({ kind: 'desc' });
    t.is(desc.kind, 'desc');
    if (desc.kind === 'desc') t.is(desc.mfrDesc, 'Nicira, Inc.');
    t.true((await c.echo(Buffer.from('hi'))) >= 0);
    const role = await c.role(0);
    t.is(role.role, 1, 'EQUAL (ovs-facts §1)');
    const [ports] = await c.multipartAll({ kind: 'port_desc' });
    t.is(ports.kind, 'port_desc');
  });
});

test.serial('install, modify, delete by cookie/mask; each request resolves after a barrier', async (t) => {
  await withConn(async (c) => {
    await c.request(flowMod({ cookie: 0x101n, priority: 10, match: { inPort: 1 }, actions: [{ type: 'output', port: 2 }] }));
    await c.request(flowMod({ cookie: 0x102n, priority: 10, match: { inPort: 2 }, actions: [{ type: 'output', port: 1 }] }));
    await c.request(flowMod({ cookie: 0x201n, priority: 10, match: { inPort: 3 }, actions: [{ type: 'output', port: 1 }] }));
    t.is((await dump()).length, 3);
    // Modify the two 0x1xx flows: output to 9.
    await c.request(flowMod({ command: 'modify', cookie: 0x100n, cookieMask: 0xf00n, actions: [{ type: 'output', port: 9 }] }));
    const after = await dump();
    t.is(after.filter((l) => l.includes('output:9')).length, 2, after.join('\n'));
    // Delete by cookie/mask leaves only 0x201.
    await c.request(flowMod({ command: 'delete', tableId: 0xff, cookie: 0x100n, cookieMask: 0xf00n }));
    const left = await dump();
    t.is(left.length, 1);
    t.regex(left[0], /cookie=0x201/);
    await c.request(flowMod({ command: 'delete', tableId: 0xff }));
    t.is((await dump()).length, 0);
  });
});

test.serial('errors from bad flows reject the request that caused them, not its neighbours', async (t) => {
  await withConn(async (c) => {
    const good1 = c.request(flowMod({ priority: 5, match: { inPort: 1 }, actions: [{ type: 'output', port: 2 }] }));
    const bad = c.request(flowMod({ priority: 5, match: { inPort: 2 }, actions: [{ type: 'group', groupId: 99 }] }));
    const good2 = c.request(flowMod({ priority: 5, match: { inPort: 3 }, actions: [{ type: 'output', port: 2 }] }));
    const badTable = c.request(flowMod({ tableId: 254, priority: 5, actions: [] }));
    await t.notThrowsAsync(good1);
    await t.notThrowsAsync(good2);
    const e = await t.throwsAsync(bad, { instanceOf: OfpError });
    t.is(e?.errName, 'OFPBAC_BAD_OUT_GROUP');
    t.is(e?.type, 2);
    t.is(e?.errCode, 9);
    t.true((e?.data.length ?? 0) > 0, 'error data holds the failed request');
    const e2 = await t.throwsAsync(badTable, { instanceOf: OfpError });
    t.regex(e2?.errName ?? '', /TABLE_ID|EPERM/);
    t.is((await dump()).length, 2);
    // A fire-and-forget send's error arrives as an event.
    const ev = new Promise<OfpError>((res) => c.once('ofp_error', res));
    await c.send(flowMod({ priority: 6, actions: [{ type: 'group', groupId: 98 }] }));
    t.is((await ev).errName, 'OFPBAC_BAD_OUT_GROUP');
    await c.request(flowMod({ command: 'delete', tableId: 0xff }));
  });
});

test.serial('bundles commit atomically; a failing bundle rejects with the inner error and leaves the table unchanged', async (t) => {
  await withConn(async (c) => {
    await c.request(flowMod({ cookie: 0x7n, priority: 1, actions: [] }));
    const before = await dump();
    await c.bundle([
      flowMod({ cookie: 0x8n, priority: 20, match: { inPort: 1 }, actions: [{ type: 'output', port: 2 }] }),
      flowMod({ cookie: 0x8n, priority: 20, match: { inPort: 2 }, actions: [{ type: 'output', port: 1 }] }),
    ]);
    t.is((await dump()).length, before.length + 2);
    const mid = await dump();
    const e = await t.throwsAsync(
      c.bundle([
        flowMod({ cookie: 0x9n, priority: 30, match: { inPort: 5 }, actions: [{ type: 'output', port: 2 }] }),
        flowMod({ cookie: 0x9n, priority: 30, match: { inPort: 6 }, actions: [{ type: 'group', groupId: 99 }] }),
      ]),
      { instanceOf: OfpError },
    );
    t.is(e?.errName, 'OFPBAC_BAD_OUT_GROUP', 'the inner error, not OFPBFC_MSG_FAILED');
    t.deepEqual(await dump(), mid, 'table unchanged (ovs-ofctl dump-flows)');
    await c.request(flowMod({ command: 'delete', tableId: 0xff }));
  });
});

test.serial('a message that cannot be encoded rejects with a typed error, writes nothing, and a bundle holding one is discarded', async (t) => {
  await withConn(async (c) => {
    const bad = flowMod({ priority: 7, match: { ipv4Dst: '10.0.0.1' }, actions: [] }); // no ethType: prerequisite missing
    const e = await t.throwsAsync(c.request(bad));
    t.true(e instanceof LorisError && !(e instanceof OfpError), String(e));
    await c.request(flowMod({ cookie: 0x61n, priority: 7, match: { inPort: 1 }, actions: [] }));
    await t.throwsAsync(c.bundle([flowMod({ cookie: 0x62n, priority: 8, match: { inPort: 2 }, actions: [] }), bad]));
    const flows = await dump();
    t.is(flows.length, 1, flows.join('\n'));
    t.regex(flows[0], /cookie=0x61/);
    t.truthy(await c.echo(), 'the stream is still in sync');
    await c.request(flowMod({ command: 'delete', tableId: 0xff }));
  });
});

test.serial('100,000 flows: back-pressured bundle install, then a multipart dump counts them all', async (t) => {
  await withConn(async (c) => {
    const flows = manyFlows(100_000);
    await c.bundle(flows);
    t.true(c.peakBuffered <= (1 << 20) + (1 << 17), `socket queue peaked at ${c.peakBuffered} bytes`);
    let n = 0;
    let parts = 0;
    for await (const part of c.multipart({ kind: 'flow', tableId: 0xff, outPort: 0xffffffff, outGroup: 0xffffffff, cookie: 0x42n, cookieMask: 0xffn, match: {} })) {
      if (part.kind === 'flow') n += part.flows.length;
      parts++;
    }
    t.is(n, 100_000);
    t.true(parts > 1, `${parts} reply parts (OFPMPF_REPLY_MORE)`);
    const [agg] = await c.multipartAll({ kind: 'aggregate', tableId: 0xff, outPort: 0xffffffff, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, match: {} });
    t.is(agg.kind === 'aggregate' ? agg.flowCount : -1, 100_000);
    // Plain sends respect back-pressure too: delete them one by one, awaiting send().
    for (const f of flows.slice(0, 20_000)) await c.send({ ...f, command: 'delete_strict' });
    await c.barrier();
    const [agg2] = await c.multipartAll({ kind: 'aggregate', tableId: 0xff, outPort: 0xffffffff, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, match: {} });
    t.is(agg2.kind === 'aggregate' ? agg2.flowCount : -1, 80_000);
    await c.request(flowMod({ command: 'delete', tableId: 0xff }), { timeoutMs: 60_000 });
  });
});

test.serial('100,000 plain flow-mod sends: awaiting send() bounds the buffer and none is dropped', async (t) => {
  await withConn(async (c) => {
    const errors: OfpError[] = [];
    c.on('ofp_error', (e) => errors.push(e));
    for (const f of manyFlows(100_000, 0x43n)) await c.send(f);
    t.true(c.peakBuffered <= (1 << 20) + (1 << 17), `socket queue peaked at ${c.peakBuffered} bytes`);
    await c.barrier({ timeoutMs: 120_000 });
    const [agg] = await c.multipartAll({ kind: 'aggregate', tableId: 0xff, outPort: 0xffffffff, outGroup: 0xffffffff, cookie: 0x43n, cookieMask: 0xffn, match: {} });
    t.is(agg.kind === 'aggregate' ? agg.flowCount : -1, 100_000);
    t.deepEqual(errors, []);
    await c.request(flowMod({ command: 'delete', tableId: 0xff }), { timeoutMs: 60_000 });
  });
});

test.serial('packet-in from a container ping, and packet-out back into the switch', async (t) => {
  const c1 = await lab.addContainer('c1');
  const c2 = await lab.addContainer('c2');
  await lab.plug(c1, h, { ip: '10.9.0.1/24', ofport: 1, mac: '02:00:00:00:09:01' });
  await lab.plug(c2, h, { ip: '10.9.0.2/24', ofport: 2, mac: '02:00:00:00:09:02' });
  await withConn(async (c) => {
    await c.setAsync(); // mgmt connections get nothing until this (ovs-facts §1)
    await c.request(flowMod({ priority: 50, match: { inPort: 1 }, actions: [{ type: 'output', port: 0xfffffffd, maxLen: 0xffff }] }));
    const got = new Promise<PacketIn>((res) => c.once('packet_in', res));
    await lab.ping(c1, '10.9.0.2', { count: 1, timeoutS: 1 });
    const pin = await got;
    t.is(pin.match.inPort, 1);
    t.is(pin.reason, 1, 'OFPR_ACTION');
    t.true(pin.data.length >= 42);
    const stats = async (): Promise<bigint> => {
      const [p] = await c.multipartAll({ kind: 'port_stats', portNo: 2 });
      return p.kind === 'port_stats' ? p.ports[0].txPackets : -1n;
    };
    const before = await stats();
    await c.request({ type: 'packet_out', bufferId: 0xffffffff, inPort: 0xfffffffd, actions: [{ type: 'output', port: 2 }], data: pin.data });
    await waitUntil('port 2 tx counter', async () => (await stats()) > before, 5000);
    t.pass();
    await c.request(flowMod({ command: 'delete', tableId: 0xff }));
  });
});

test.serial('port-status on port add and delete', async (t) => {
  await withConn(async (c) => {
    await c.setAsync();
    const seen: PortStatus[] = [];
    c.on('port_status', (m) => seen.push(m));
    await lab.vsctl(h, ['add-port', 'br-int', 'pst0', '--', 'set', 'interface', 'pst0', 'type=internal']);
    await waitUntil('port-status ADD', () => seen.some((m) => m.reason === 0 && m.port.name === 'pst0'), 10_000);
    await lab.vsctl(h, ['del-port', 'br-int', 'pst0']);
    await waitUntil('port-status DELETE', () => seen.some((m) => m.reason === 1 && m.port.name === 'pst0'), 10_000);
    t.pass();
  });
});

test.serial('flow-removed when a send_flow_rem flow times out', async (t) => {
  await withConn(async (c) => {
    await c.setAsync();
    const got = new Promise<FlowRemoved>((res) => c.once('flow_removed', res));
    await c.request(flowMod({ cookie: 0x71n, priority: 3, hardTimeout: 1, flags: 1, match: { inPort: 9 }, actions: [] }));
    const fr = await got;
    t.is(fr.cookie, 0x71n);
    t.is(fr.reason, 1, 'OFPRR_HARD_TIMEOUT');
    t.is(fr.match.inPort, 9);
  });
});

test.serial('echo keepalive detects a stopped switch (SIGSTOP), then it is resumed', async (t) => {
  const c = await OfConnection.connect(mgmt, { echoIntervalMs: 200, echoTimeoutMs: 400 });
  const pid = Number(readFileSync(h.ovs.vswitchdPid, 'utf8').trim());
  const closed = new Promise<Error | undefined>((res) => c.once('close', res));
  const pendingReq = c.multipartAll({ kind: 'desc' }).catch((e: unknown) => e);
  process.kill(pid, 'SIGSTOP');
  try {
    const t0 = Date.now();
    const err = await closed;
    t.true(err instanceof EchoTimeoutError, String(err));
    t.true(Date.now() - t0 < 3000);
    t.true((await pendingReq) instanceof EchoTimeoutError, 'pending requests reject with the same error');
  } finally {
    process.kill(pid, 'SIGCONT');
  }
  await withConn(async (c2) => t.truthy(c2.features, 'the switch answers again'));
});

test.serial('CLI dumpFlows and addFlows against the live bridge (addFlows is one atomic bundle)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'loris-ofp-cli-'));
  try {
    const good = join(dir, 'good.jsonl');
    const bad = join(dir, 'bad.jsonl');
    const f = (cookie: bigint, inPort: number, actions: Action[]): string => ofJsonStringify(flowMod({ cookie, priority: 40, match: { inPort }, actions }));
    writeFileSync(good, ['# two flows', f(0x51n, 1, [{ type: 'output', port: 2 }]), '', f(0x52n, 2, [{ type: 'output', port: 1 }])].join('\n'));
    writeFileSync(bad, [f(0x53n, 3, [{ type: 'output', port: 2 }]), f(0x54n, 4, [{ type: 'group', groupId: 99 }])].join('\n'));
    const out = new PassThrough();
    t.is(await addFlows(mgmt, good, { out }), 2);
    await t.throwsAsync(addFlows(mgmt, bad, { out }), { instanceOf: OfpError });
    const text: Buffer[] = [];
    const captured = new PassThrough();
    captured.on('data', (b: Buffer) => text.push(b));
    const flows = await dumpFlows(mgmt, { out: captured });
    t.deepEqual(flows.map((x) => x.cookie).sort(), [0x51n, 0x52n]);
    const noDuration = (l: string): string => l.trim().replace(/ duration=[\d.]+s,/, '');
    const ours = Buffer.concat(text).toString().split('\n').filter(Boolean).map(noDuration).sort();
    const theirs = (await lab.ofctl(h, ['dump-flows', lab.mgmtSocket(h, 'br-int')])).split('\n').filter((l) => l.includes('actions=')).map(noDuration).sort();
    t.deepEqual(ours, theirs, 'dumpFlows prints what ovs-ofctl dump-flows prints');
    t.is((await dump()).length, 2, 'ovs-ofctl sees the same two flows');
    await withConn((c) => c.request(flowMod({ command: 'delete', tableId: 0xff })));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.serial('listen role: a bridge with set-controller punix connects to OfListener; async messages flow', async (t) => {
  await lab.addBridge(h, 'br-ctl', ['--', 'set', 'bridge', 'br-ctl', 'protocols=OpenFlow13', 'fail_mode=secure']);
  const path = join(h.ovs.dir, 'loris-ctl.sock');
  const l = await OfListener.listen(`punix:${path}`);
  try {
    await lab.vsctl(h, ['set-controller', 'br-ctl', `unix:${path}`]);
    const c = await l.accept(20_000);
    try {
      t.truthy(c.features?.datapathId);
      t.is((await c.role(2, 1n)).role, 2, 'MASTER');
      const cfg = await c.getConfig();
      t.is(cfg.missSendLen, 128, 'a controller connection has miss_send_len 128 (ovs-facts §1)');
      const seen = new Promise<PortStatus>((res) => c.once('port_status', res));
      await lab.vsctl(h, ['add-port', 'br-ctl', 'pct0', '--', 'set', 'interface', 'pct0', 'type=internal']);
      t.is((await seen).port.name, 'pct0');
    } finally {
      await c.close();
    }
  } finally {
    await lab.vsctl(h, ['del-controller', 'br-ctl']);
    await l.close();
  }
});
