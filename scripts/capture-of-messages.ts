/**
 * Captures golden OpenFlow 1.3 messages (everything but plain flow-mods, which capture-of-vectors.ts covers).
 *
 * Phase 1, requests: a loris fake switch listens on a unix socket; each `ovs-ofctl -O OpenFlow13 …` command below
 * runs against it and every frame it sends (except HELLO) is recorded.
 * Phase 2, replies and async messages (needs root): a lab host runs a real ovs-vswitchd with a netdev bridge; a raw
 * client (framer + encoder, no OfConnection) sends requests and records what OVS answers, including errors,
 * bundle replies, packet-in and port-status.
 *
 * Each vector is test/vectors/of13-msg/<name>.bin (one whole message) + <name>.json:
 *   { name, source, message }   (message: loris's decoding, via ofJsonStringify: bigint "0x..n", bytes "bytes:..")
 *
 *   npx tsx scripts/capture-of-messages.ts [--out DIR] [--no-lab]
 */
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { Lab } from '../src/lab/index.js';
import { run, waitUntil } from '../src/lab/exec.js';
import { OfFramer } from '../src/ofproto/framer.js';
import { ofJsonStringify } from '../src/ofproto/json.js';
import { decodeMessage, encodeMessage, type OfMessage } from '../src/ofproto/message.js';
import { FakeSwitch } from '../test/integration/ofproto/fake-switch.js';

const args = process.argv.slice(2);
const outDir = args.includes('--out') ? args[args.indexOf('--out') + 1] : path.join(import.meta.dirname, '..', 'test', 'vectors', 'of13-msg');
const withLab = !args.includes('--no-lab');

const PKT = 'ffffffffffff0200000000010806000108000604000102000000000100000000000000000000000a000002';

/** ovs-ofctl commands (after `-O OpenFlow13`, SOCK is replaced by the fake switch's socket). */
const OFCTL: [string, string[]][] = [
  ['add-group-all', ['add-group', 'SOCK', 'group_id=1,type=all,bucket=output:1,bucket=output:2']],
  ['add-group-select', ['add-group', 'SOCK', 'group_id=2,type=select,bucket=weight:30,output:1,bucket=weight:70,output:2']],
  ['add-group-ff', ['add-group', 'SOCK', 'group_id=3,type=fast_failover,bucket=watch_port:1,output:1,bucket=watch_port:2,output:2']],
  ['add-group-indirect', ['add-group', 'SOCK', 'group_id=4,type=indirect,bucket=actions=set_field:02:00:00:00:00:09->eth_dst,output:3']],
  ['mod-group', ['mod-group', 'SOCK', 'group_id=1,type=all,bucket=output:3']],
  ['del-group', ['del-groups', 'SOCK', 'group_id=1']],
  ['del-groups-all', ['del-groups', 'SOCK']],
  ['packet-out', ['packet-out', 'SOCK', `in_port=controller packet=${PKT} actions=output:1`]],
  ['packet-out-in-port', ['packet-out', 'SOCK', `in_port=3 packet=${PKT} actions=set_field:5->reg0,output:in_port`]],
  ['mod-port-down', ['mod-port', 'SOCK', 'p1', 'down']],
  ['mod-port-no-flood', ['mod-port', 'SOCK', 'p1', 'no-flood']],
  ['add-meter-drop', ['add-meter', 'SOCK', 'meter=1,kbps,band=type=drop,rate=1000']],
  ['add-meter-burst', ['add-meter', 'SOCK', 'meter=2,pktps,burst,stats,band=type=drop,rate=100,burst_size=10']],
  ['add-meter-dscp', ['add-meter', 'SOCK', 'meter=3,kbps,band=type=dscp_remark,rate=500,prec_level=1']],
  ['mod-meter', ['mod-meter', 'SOCK', 'meter=1,kbps,band=type=drop,rate=2000']],
  ['del-meter', ['del-meter', 'SOCK', 'meter=1']],
  ['dump-flows', ['dump-flows', 'SOCK']],
  ['dump-flows-filter', ['dump-flows', 'SOCK', 'table=0,cookie=0x10/0xff,in_port=1']],
  ['dump-aggregate', ['dump-aggregate', 'SOCK']],
  ['dump-tables', ['dump-tables', 'SOCK']],
  ['dump-ports', ['dump-ports', 'SOCK']],
  ['dump-ports-one', ['dump-ports', 'SOCK', '1']],
  ['dump-ports-desc', ['dump-ports-desc', 'SOCK']],
  ['dump-groups', ['dump-groups', 'SOCK']],
  ['dump-group-stats', ['dump-group-stats', 'SOCK']],
  ['dump-group-features', ['dump-group-features', 'SOCK']],
  ['dump-meters', ['dump-meters', 'SOCK']],
  ['meter-stats', ['meter-stats', 'SOCK']],
  ['meter-features', ['meter-features', 'SOCK']],
  ['queue-stats', ['queue-stats', 'SOCK']],
  ['show', ['show', 'SOCK']],
  ['get-frags', ['get-frags', 'SOCK']],
  ['set-frags', ['set-frags', 'SOCK', 'drop']],
  ['probe', ['probe', 'SOCK']],
  ['del-flows-cookie', ['del-flows', 'SOCK', 'cookie=0x10/-1']],
  ['bundle-add-flows', ['--bundle', 'add-flows', 'SOCK', 'FLOWFILE']],
];

function write(name: string, source: string, bytes: Buffer): void {
  const message = decodeMessage(bytes);
  writeFileSync(path.join(outDir, `${name}.bin`), bytes);
  writeFileSync(path.join(outDir, `${name}.json`), ofJsonStringify({ name, source, message }, 2) + '\n');
}

async function captureOfctl(): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'loris-ofmsg-'));
  const sock = path.join(dir, 'sw.sock');
  const flowFile = path.join(dir, 'flows.txt');
  writeFileSync(flowFile, 'priority=10,in_port=1,actions=output:2\npriority=10,in_port=2,actions=output:1\n');
  let n = 0;
  try {
    for (const [name, argv] of OFCTL) {
      const sw = await FakeSwitch.listen(`punix:${sock}`);
      try {
        const full = ['ovs-ofctl', '-O', 'OpenFlow13', ...argv.map((a) => (a === 'SOCK' ? `unix:${sock}` : a === 'FLOWFILE' ? flowFile : a))];
        const r = await run(full, { timeoutMs: 10_000 });
        if (r.code !== 0) throw new Error(`${full.join(' ')} failed: ${r.stderr}`);
        const shown = ['ovs-ofctl', '-O', 'OpenFlow13', ...argv.map((a) => (a === 'SOCK' ? 'unix:SOCK' : a === 'FLOWFILE' ? 'flows.txt' : a))].join(' ');
        const frames = sw.recorded.filter((x) => x.msg?.type !== 'hello');
        frames.forEach((f, i) => {
          if (f.error) throw new Error(`${name}: loris could not decode ${f.bytes.toString('hex')}: ${f.error}`);
          write(`ofctl-${name}-${i}`, shown, f.bytes);
          n++;
        });
        process.stderr.write(`${name}: ${frames.length} messages\n`);
      } finally {
        await sw.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return n;
}

/** A raw OpenFlow client that records every frame the switch sends. */
class RawClient {
  readonly frames: Buffer[] = [];
  private readonly framer = new OfFramer();
  private constructor(private readonly s: net.Socket) {
    s.on('data', (c: Buffer) => this.frames.push(...this.framer.push(c)));
  }
  static async open(p: string): Promise<RawClient> {
    const s = net.connect(p);
    await new Promise((res, rej) => s.once('connect', res).once('error', rej));
    const c = new RawClient(s);
    c.s.write(encodeMessage({ type: 'hello', versions: [4] }, 1));
    await waitUntil('HELLO from the switch', () => c.frames.length > 0, 5000);
    return c;
  }
  send(m: OfMessage, xid: number): void {
    this.s.write(encodeMessage(m, xid));
  }
  async reply(xid: number, pred: (m: OfMessage) => boolean = () => true): Promise<Buffer[]> {
    await waitUntil(`reply ${xid}`, () => this.frames.some((f) => f.readUInt32BE(4) === xid && pred(decodeMessage(f))), 5000);
    return this.frames.filter((f) => f.readUInt32BE(4) === xid);
  }
  close(): void {
    this.s.destroy();
  }
}

async function captureOvs(): Promise<number> {
  const lab = await Lab.create();
  let n = 0;
  try {
    const h = await lab.addHost('h1');
    await lab.addBridge(h, 'br-int', ['--', 'set', 'bridge', 'br-int', 'protocols=OpenFlow13', 'fail_mode=secure']);
    const c1 = await lab.addContainer('c1');
    const c2 = await lab.addContainer('c2');
    await lab.plug(c1, h, { ip: '10.9.0.1/24', ofport: 1, mac: '02:00:00:00:09:01' });
    await lab.plug(c2, h, { ip: '10.9.0.2/24', ofport: 2, mac: '02:00:00:00:09:02' });
    const sock = lab.mgmtSocket(h, 'br-int');
    await lab.ofctl(h, ['add-group', sock, 'group_id=1,type=select,bucket=weight:30,output:1,bucket=weight:70,output:2']);
    await lab.ofctl(h, ['add-meter', sock, 'meter=1,kbps,band=type=drop,rate=1000']);
    await lab.ofctl(h, ['add-flow', sock, 'cookie=0x10,priority=100,ip,nw_dst=10.9.0.2,actions=group:1']);
    await lab.ofctl(h, ['add-flow', sock, 'cookie=0x11,priority=90,in_port=1,actions=meter:1,CONTROLLER:65535']);
    await lab.ofctl(h, ['add-flow', sock, 'cookie=0x12,table=1,priority=5,arp,actions=write_actions(output:2),goto_table:2']);
    const c = await RawClient.open(sock);
    const src = 'ovs-vswitchd 3.1 (lab netdev bridge, mgmt socket)';
    const keep = async (name: string, m: OfMessage, xid: number, pred?: (m: OfMessage) => boolean): Promise<void> => {
      c.send(m, xid);
      const got = await c.reply(xid, pred);
      got.forEach((f, i) => write(`ovs-${name}${got.length > 1 ? `-${i}` : ''}`, `${src}: answer to ${m.type}`, f));
      n += got.length;
    };
    write('ovs-hello', src, c.frames[0]);
    n++;
    const any = { tableId: 0xff, outPort: 0xffffffff, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, match: {} };
    await keep('features-reply', { type: 'features_request' }, 101);
    await keep('get-config-reply', { type: 'get_config_request' }, 102);
    await keep('echo-reply', { type: 'echo_request', data: Buffer.from('loris') }, 103);
    await keep('role-reply', { type: 'role_request', role: 0, generationId: 0n }, 104);
    await keep('get-async-reply', { type: 'get_async_request' }, 105);
    await keep('barrier-reply', { type: 'barrier_request' }, 106);
    await keep('desc-reply', { type: 'multipart_request', flags: 0, body: { kind: 'desc' } }, 107);
    await keep('flow-stats-reply', { type: 'multipart_request', flags: 0, body: { kind: 'flow', ...any } }, 108);
    await keep('aggregate-reply', { type: 'multipart_request', flags: 0, body: { kind: 'aggregate', ...any } }, 109);
    await keep('port-stats-reply', { type: 'multipart_request', flags: 0, body: { kind: 'port_stats', portNo: 1 } }, 110);
    await keep('port-desc-reply', { type: 'multipart_request', flags: 0, body: { kind: 'port_desc' } }, 111);
    await keep('group-stats-reply', { type: 'multipart_request', flags: 0, body: { kind: 'group', groupId: 0xfffffffc } }, 112);
    await keep('group-desc-reply', { type: 'multipart_request', flags: 0, body: { kind: 'group_desc' } }, 113);
    await keep('group-features-reply', { type: 'multipart_request', flags: 0, body: { kind: 'group_features' } }, 114);
    await keep('meter-stats-reply', { type: 'multipart_request', flags: 0, body: { kind: 'meter', meterId: 0xffffffff } }, 115);
    await keep('meter-config-reply', { type: 'multipart_request', flags: 0, body: { kind: 'meter_config', meterId: 0xffffffff } }, 116);
    await keep('meter-features-reply', { type: 'multipart_request', flags: 0, body: { kind: 'meter_features' } }, 117);
    await keep('table-stats-reply', { type: 'multipart_request', flags: 0, body: { kind: 'table' } }, 118, (m) => m.type === 'multipart_reply' && !(m.flags & 1));
    await keep('queue-stats-reply', { type: 'multipart_request', flags: 0, body: { kind: 'queue', portNo: 0xffffffff, queueId: 0xffffffff } }, 119);
    await keep('error-group-exists', { type: 'group_mod', command: 0, groupType: 0, groupId: 1, buckets: [] }, 120);
    await keep('error-bad-multipart', { type: 'multipart_request', flags: 0, body: { kind: 'unknown', mpType: 77, data: Buffer.alloc(0) } }, 121);
    await keep('bundle-open-reply', { type: 'bundle_control', bundleId: 9, ctrlType: 0, flags: 1 }, 122);
    await keep('bundle-commit-reply', { type: 'bundle_control', bundleId: 9, ctrlType: 4, flags: 1 }, 123);
    await keep('bundle-bad-xid', { type: 'bundle_add', bundleId: 10, flags: 1, message: { type: 'barrier_request', xid: 5 } }, 124);
    // Async: packet-in (reason ACTION) and port-status after SET_ASYNC.
    c.send({ type: 'set_async', packetInMask: [7, 7], portStatusMask: [7, 7], flowRemovedMask: [15, 15] }, 130);
    await lab.ping(c1, '10.9.0.2', { count: 1, timeoutS: 1 });
    const isType = (t: string) => (f: Buffer): boolean => decodeMessage(f).type === t;
    await waitUntil('packet-in', () => c.frames.some(isType('packet_in')), 5000);
    write('ovs-packet-in', `${src}: ping from port 1 with in_port=1 actions=CONTROLLER:65535`, c.frames.find(isType('packet_in')) as Buffer);
    await lab.vsctl(h, ['add-port', 'br-int', 'pcap0', '--', 'set', 'interface', 'pcap0', 'type=internal', 'ofport_request=7']);
    await waitUntil('port-status', () => c.frames.some(isType('port_status')), 5000);
    write('ovs-port-status-add', `${src}: ovs-vsctl add-port (internal)`, c.frames.find(isType('port_status')) as Buffer);
    await lab.ofctl(h, ['add-flow', sock, 'cookie=0x20,priority=1,hard_timeout=1,send_flow_rem,actions=drop']);
    await waitUntil('flow-removed', () => c.frames.some(isType('flow_removed')), 5000);
    write('ovs-flow-removed', `${src}: hard_timeout=1,send_flow_rem flow expiring`, c.frames.find(isType('flow_removed')) as Buffer);
    n += 3;
    c.close();
  } finally {
    await lab.dispose();
  }
  return n;
}

mkdirSync(outDir, { recursive: true });
for (const f of readdirSync(outDir)) if (/\.(bin|json)$/.test(f)) rmSync(path.join(outDir, f));
const a = await captureOfctl();
const b = withLab ? await captureOvs() : 0;
process.stderr.write(`wrote ${a} ovs-ofctl and ${b} ovs-vswitchd vectors to ${outDir}\n`);
