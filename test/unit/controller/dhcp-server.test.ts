import test from 'ava';
import { readFileSync } from 'node:fs';
import type { PacketIn } from '../../../src/ofproto/packet-in.js';
import type { Endpoint } from '../../../src/store/types.js';
import { answerDhcp } from '../../../src/controller/dhcp-server.js';
import { decodeDhcpFrame } from '../../../src/controller/dhcp.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/udhcpc-frames.json', import.meta.url), 'utf8')) as { frames: Record<string, string> };
const discover = Buffer.from(fixture.frames.discover, 'hex');

const ep: Endpoint = {
  uuid: 'u1', pod: 7, podUuid: 'p7', host: 'h1', hostUuid: 'h', containerId: 'c', containerName: 'c', ifname: 'eth1', portName: 'v1',
  mac: '02:00:00:AA:00:01', ip: '10.7.0.9', prefixLen: 24, assignment: 'dhcp', externalIds: {},
};
const pi = (data: Buffer, inPort?: number): PacketIn => ({ type: 'packet_in', bufferId: 0xffffffff, totalLen: data.length, reason: 1, tableId: 1, cookie: 0n, match: inPort === undefined ? {} : { inPort }, data });
const cfg = { server: { ip: '169.254.169.254', mac: '0a:58:a9:fe:a9:fe' }, leaseTime: 600, mtu: (pod: number) => (pod === 7 ? 1450 : 1500) };

test('a DISCOVER on an endpoint’s port → packet-out of an OFFER back to that port', (t) => {
  const a = answerDhcp(pi(discover, 5), (p) => (p === 5 ? ep : undefined), cfg);
  if (a.kind !== 'reply') return t.fail(a.why);
  t.is(a.type, 'offer');
  t.is(a.packetOut.inPort, 0xfffffffd);
  t.deepEqual(a.packetOut.actions, [{ type: 'output', port: 5 }]);
  const offer = decodeDhcpFrame(a.packetOut.data);
  t.is(offer?.dhcp.yiaddr, '10.7.0.9');
  t.is(offer?.dhcp.options.mtu, 1450);
  t.is(offer?.dhcp.options.leaseTime, 600);
});

test('unknown port, no in_port, non-DHCP or malformed frames are ignored with a reason', (t) => {
  t.is(answerDhcp(pi(discover, 6), () => undefined, cfg).kind, 'ignored');
  t.is(answerDhcp(pi(discover), () => ep, cfg).kind, 'ignored');
  const arp = Buffer.from('ffffffffffff020000aa000108060001080006040001020000aa00010a0700090000000000000a070001', 'hex');
  t.is(answerDhcp(pi(arp, 5), () => ep, cfg).kind, 'ignored');
  const bad = answerDhcp(pi(discover.subarray(0, 60), 5), () => ep, cfg);
  t.is(bad.kind, 'ignored');
  t.regex(bad.kind === 'ignored' ? (bad.why ?? '') : '', /malformed/);
  t.is(answerDhcp(pi(discover, 5), () => ({ ...ep, mac: '02:00:00:aa:00:02' }), cfg).kind, 'ignored', 'chaddr must be the stored MAC');
});
