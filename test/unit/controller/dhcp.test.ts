import test from 'ava';
import fc from 'fast-check';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ProtocolError } from '../../../src/errors.js';
import {
  BOOTP_MIN_SIZE,
  decodeDhcp,
  decodeDhcpFrame,
  dhcpReply,
  encodeDhcp,
  encodeDhcpFrame,
  type DhcpFrame,
  type DhcpLease,
} from '../../../src/controller/dhcp.js';
import { internetChecksum, prefixToNetmask } from '../../../src/controller/packet.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/udhcpc-frames.json', import.meta.url), 'utf8')) as { frames: Record<string, string> };
const frame = (name: string): Buffer => Buffer.from(fixture.frames[name], 'hex');

const lease: DhcpLease = { mac: '02:00:00:aa:00:01', ip: '10.9.0.58', prefixLength: 24, mtu: 1450, leaseTime: 3600, serverIp: '10.9.0.254', serverMac: '0a:00:00:00:00:fe' };

function mustDecode(b: Buffer): DhcpFrame {
  const f = decodeDhcpFrame(b);
  if (!f) throw new Error('not a DHCP frame');
  return f;
}

test('decodes a captured udhcpc DISCOVER', (t) => {
  const f = mustDecode(frame('discover'));
  t.is(f.ethSrc, '02:00:00:aa:00:01');
  t.is(f.ethDst, 'ff:ff:ff:ff:ff:ff');
  t.is(f.ipSrc, '0.0.0.0');
  t.is(f.ipDst, '255.255.255.255');
  t.is(f.srcPort, 68);
  t.is(f.dstPort, 67);
  t.is(f.dhcp.op, 1);
  t.is(f.dhcp.chaddr, '02:00:00:aa:00:01');
  t.is(f.dhcp.options.messageType, 'discover');
  t.truthy(f.dhcp.options.parameterRequestList?.includes(1));
});

test('decodes captured udhcpd OFFER and ACK (another server’s encoding)', (t) => {
  const offer = mustDecode(frame('offer')).dhcp;
  t.is(offer.op, 2);
  t.is(offer.options.messageType, 'offer');
  t.is(offer.yiaddr, '10.9.0.58');
  t.is(offer.options.serverId, '10.9.0.1');
  t.is(offer.options.mtu, 1450);
  t.is(offer.options.subnetMask, '255.255.255.0');
  t.is(offer.options.leaseTime, 3600);
  const ack = mustDecode(frame('ack')).dhcp;
  t.is(ack.options.messageType, 'ack');
  t.is(ack.xid, offer.xid);
});

test('captured REQUEST names the offered address and server', (t) => {
  const req = mustDecode(frame('request')).dhcp;
  t.is(req.options.messageType, 'request');
  t.is(req.options.requestedAddress, '10.9.0.58');
  t.is(req.options.serverId, '10.9.0.1');
});

test('DISCOVER → OFFER with the stored address, mask, MTU, lease; no router option', (t) => {
  const req = mustDecode(frame('discover'));
  const rep = dhcpReply(req, lease);
  if (!rep) return t.fail('no reply');
  t.is(rep.dhcp.options.messageType, 'offer');
  t.is(rep.dhcp.yiaddr, '10.9.0.58');
  t.is(rep.dhcp.xid, req.dhcp.xid);
  t.is(rep.ethDst, '02:00:00:aa:00:01');
  t.is(rep.ipDst, '10.9.0.58');
  const bytes = encodeDhcpFrame(rep);
  t.is(bytes.length, 14 + 20 + 8 + BOOTP_MIN_SIZE);
  const back = mustDecode(bytes); // verifies IP and UDP checksums
  t.deepEqual(back.dhcp.options.raw.map((o) => o.code).sort((a, b) => a - b), [1, 26, 51, 53, 54, 58, 59]);
  t.is(back.dhcp.options.mtu, 1450);
  t.is(back.dhcp.options.subnetMask, '255.255.255.0');
  t.is(back.dhcp.options.routers, undefined);
});

test('REQUEST for the stored address → ACK; for another → NAK (broadcast); for another server → silence', (t) => {
  const req = mustDecode(frame('request'));
  t.is(dhcpReply(req, lease), undefined, 'udhcpc selected server 10.9.0.1, not ours');
  const ours = { ...lease, serverIp: '10.9.0.1' };
  t.is(dhcpReply(req, ours)?.dhcp.options.messageType, 'ack');
  const nak = dhcpReply(req, { ...ours, ip: '10.9.0.59' });
  t.is(nak?.dhcp.options.messageType, 'nak');
  t.is(nak?.ipDst, '255.255.255.255');
  t.is(nak?.dhcp.yiaddr, '0.0.0.0');
  t.is(nak?.dhcp.options.leaseTime, undefined);
});

test('unknown client MAC or a BOOTREPLY gets no answer', (t) => {
  t.is(dhcpReply(mustDecode(frame('discover')), { ...lease, mac: '02:00:00:aa:00:02' }), undefined);
  t.is(dhcpReply(mustDecode(frame('offer')), lease), undefined);
});

test('encode(decode(m)) keeps every field of captured messages', (t) => {
  for (const name of Object.keys(fixture.frames)) {
    const m = mustDecode(frame(name)).dhcp;
    t.deepEqual(decodeDhcp(encodeDhcp(m)), m, name);
  }
});

test('our OFFER is read by tcpdump as a valid BOOTP reply with good checksums', (t) => {
  const rep = dhcpReply(mustDecode(frame('discover')), lease);
  if (!rep) return t.fail('no reply');
  const pkt = encodeDhcpFrame(rep);
  const hdr = Buffer.alloc(24);
  hdr.writeUInt32LE(0xa1b2c3d4, 0);
  hdr.writeUInt16LE(2, 4);
  hdr.writeUInt16LE(4, 6);
  hdr.writeUInt32LE(65535, 16);
  hdr.writeUInt32LE(1, 20);
  const rec = Buffer.alloc(16);
  rec.writeUInt32LE(pkt.length, 8);
  rec.writeUInt32LE(pkt.length, 12);
  const dir = mkdtempSync(join(tmpdir(), 'loris-dhcp-'));
  try {
    writeFileSync(join(dir, 'o.pcap'), Buffer.concat([hdr, rec, pkt]));
    const r = spawnSync('tcpdump', ['-r', join(dir, 'o.pcap'), '-n', '-vv'], { encoding: 'utf8' });
    t.is(r.status, 0, r.stderr);
    t.regex(r.stdout, /BOOTP\/DHCP, Reply/);
    t.regex(r.stdout, /Your-IP 10\.9\.0\.58/);
    t.regex(r.stdout, /DHCP-Message \(53\), length 1: Offer/);
    t.regex(r.stdout, /MTU \(26\), length 2: 1450/);
    t.notRegex(r.stdout, /bad (udp )?cksum/i);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('random and mutated frames only ever throw ProtocolError', (t) => {
  const seeds = Object.values(fixture.frames).map((h) => Buffer.from(h, 'hex'));
  fc.assert(
    fc.property(fc.oneof(fc.uint8Array({ maxLength: 400 }), fc.tuple(fc.nat(seeds.length - 1), fc.nat(341), fc.nat(255), fc.nat(342)).map(([i, at, v, cut]) => {
      const b = Buffer.from(seeds[i]);
      b[at] = v;
      return b.subarray(0, cut);
    })), (bytes) => {
      try {
        decodeDhcpFrame(Buffer.from(bytes));
        decodeDhcp(Buffer.from(bytes));
      } catch (e) {
        if (!(e instanceof ProtocolError)) throw e;
      }
    }),
    { numRuns: 20_000 },
  );
  t.pass();
});

test('checksum helpers', (t) => {
  t.is(prefixToNetmask(24), '255.255.255.0');
  t.is(prefixToNetmask(0), '0.0.0.0');
  t.is(prefixToNetmask(32), '255.255.255.255');
  // RFC 1071 example bytes: sum 0xddf2 → checksum 0x220d
  t.is(internetChecksum(Buffer.from([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7])), 0x220d);
});
