import test from 'ava';
import fc from 'fast-check';
import { InvalidArgumentError, ProtocolError } from '../../../src/errors.js';
import { NlReader, NlWriter, readAttrs, attr } from '../../../src/netlink/bytes.js';
import {
  IFINFOMSG_SIZE, IFLA_ADDRESS, IFLA_GROUP, IFLA_IFNAME, IFLA_INFO_DATA, IFLA_INFO_KIND, IFLA_LINK, IFLA_LINKINFO,
  IFLA_LINK_NETNSID, IFLA_MTU, IFLA_NET_NS_FD, IFLA_OPERSTATE, IFLA_VXLAN_ID, IFLA_VXLAN_LOCAL, IFLA_VXLAN_PORT,
  NLMSG_ERROR, NLMSG_HDRLEN, NLM_F_ACK_TLVS, NLMSGERR_ATTR_MSG, RTM_NEWLINK, VETH_INFO_PEER, IFF_UP, IFLA_MASTER,
} from '../../../src/netlink/constants.js';
import { decodeError, decodeMessages, encodeMessage } from '../../../src/netlink/message.js';
import { decodeLink, encodeIfInfoMsg, encodeLinkChange, encodeVethCreate, formatMac, parseMac } from '../../../src/netlink/link.js';
import { decodeAddress, encodeAddress } from '../../../src/netlink/address.js';
import { decodeRoute, encodeRoute } from '../../../src/netlink/route.js';
import { parseCidr } from '../../../src/netlink/ip.js';

const build = (f: (w: NlWriter) => void): Buffer => {
  const w = new NlWriter(8);
  f(w);
  return w.finish();
};

test('sizes: nlmsghdr is 16 bytes, ifinfomsg 16, an empty RTM_NEWLINK 32', (t) => {
  t.is(NLMSG_HDRLEN, 16);
  t.is(build((w) => encodeIfInfoMsg(w, {})).length, IFINFOMSG_SIZE);
  const m = build((w) => encodeMessage(w, RTM_NEWLINK, 0, 1, (w) => encodeIfInfoMsg(w, {})));
  t.is(m.length, 32);
  t.is(m.readUInt32LE(0), 32);
});

test('attributes are padded to 4 bytes and lengths back-filled, nests included', (t) => {
  const b = build((w) => w.nest(7, (w) => w.attrStr(1, 'ab').attrU8(2, 9)));
  // nest header 4 + (4+3 -> pad 8) + (4+1 -> pad 8) = 20
  t.is(b.length, 20);
  t.is(b.readUInt16LE(0), 20);
  const [nest] = readAttrs(new NlReader(b));
  const inner = readAttrs(nest.reader());
  t.deepEqual(inner.map((a) => a.type), [1, 2]);
  t.is(attr.str(inner[0]), 'ab');
  t.is(attr.u8(inner[1]), 9);
});

test('framing splits a datagram into messages and keeps their order', (t) => {
  const b = build((w) => {
    for (let i = 1; i <= 3; i++) encodeMessage(w, 16 + i, i, 100 + i, (w) => w.zeros(i));
  });
  const msgs = decodeMessages(b);
  t.deepEqual(msgs.map((m) => [m.type, m.flags, m.seq, m.payload.length]), [[17, 1, 101, 1], [18, 2, 102, 2], [19, 3, 103, 3]]);
});

test('framing: a datagram cut at every offset yields whole messages or a ProtocolError, never a partial one', (t) => {
  const b = build((w) => {
    for (let i = 1; i <= 3; i++) encodeMessage(w, 16 + i, 0, i, (w) => w.attrStr(3, 'x'.repeat(i * 3)));
  });
  const whole = decodeMessages(b);
  for (let cut = 0; cut < b.length; cut++) {
    let got: ReturnType<typeof decodeMessages> | undefined;
    try {
      got = decodeMessages(b.subarray(0, cut));
    } catch (e) {
      t.true(e instanceof ProtocolError, `cut ${cut}: ${String(e)}`);
      continue;
    }
    t.deepEqual(got, whole.slice(0, got.length), `cut ${cut}`);
  }
});

test('framing rejects short or overlong lengths with ProtocolError', (t) => {
  const b = build((w) => encodeMessage(w, 16, 0, 1, (w) => w.zeros(4)));
  const short = Buffer.from(b);
  short.writeUInt32LE(8, 0);
  t.throws(() => decodeMessages(short), { instanceOf: ProtocolError });
  const long = Buffer.from(b);
  long.writeUInt32LE(400, 0);
  t.throws(() => decodeMessages(long), { instanceOf: ProtocolError });
  t.throws(() => decodeMessages(b.subarray(0, 10)), { instanceOf: ProtocolError });
});

test('random bytes only ever raise ProtocolError in every decoder', (t) => {
  const decoders = [decodeMessages, decodeLink, decodeAddress, decodeRoute, (b: Buffer) => readAttrs(new NlReader(b))];
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 96 }), fc.nat(decoders.length - 1), (bytes, i) => {
      try {
        decoders[i](Buffer.from(bytes));
      } catch (e) {
        if (!(e instanceof ProtocolError)) throw e;
      }
    }),
    { numRuns: 3000 },
  );
  t.pass();
});

test('veth create: the peer is an ifinfomsg followed by its own attributes inside VETH_INFO_PEER', (t) => {
  const b = build((w) => encodeVethCreate(w, { name: 'lo1', mtu: 1400, group: 7, up: true, peer: { name: 'eth1', mac: '02:00:00:00:00:05', mtu: 1400, netnsFd: 42 } }));
  const r = new NlReader(b);
  r.skip(8);
  t.is(r.u32(), IFF_UP, 'flags');
  t.is(r.u32(), IFF_UP, 'change');
  const top = readAttrs(r);
  t.deepEqual(top.map((a) => a.type), [IFLA_MTU, IFLA_GROUP, IFLA_IFNAME, IFLA_LINKINFO]);
  const info = readAttrs(top[3].reader());
  t.is(attr.str(info.find((a) => a.type === IFLA_INFO_KIND)!), 'veth');
  const data = readAttrs(info.find((a) => a.type === IFLA_INFO_DATA)!.reader());
  t.is(data[0].type, VETH_INFO_PEER);
  const pr = data[0].reader();
  r.need(0);
  pr.skip(IFINFOMSG_SIZE);
  const peer = readAttrs(pr);
  t.deepEqual(peer.map((a) => a.type), [IFLA_MTU, IFLA_ADDRESS, IFLA_NET_NS_FD, IFLA_IFNAME]);
  t.is(attr.str(peer[3]), 'eth1');
  t.is(formatMac(attr.bytes(peer[1])), '02:00:00:00:00:05');
  t.is(attr.u32(peer[2]), 42);
});

test('link change by name carries IFLA_IFNAME; a rename needs an index', (t) => {
  const b = build((w) => encodeLinkChange(w, { name: 'eth1' }, { up: false, mtu: 9000 }));
  t.is(b.readUInt32LE(8), 0, 'flags clear = down');
  t.is(b.readUInt32LE(12), IFF_UP, 'change mask = IFF_UP');
  t.deepEqual(readAttrs(new NlReader(b, 16)).map((a) => a.type), [IFLA_MTU, IFLA_IFNAME]);
  t.throws(() => build((w) => encodeLinkChange(w, { name: 'a' }, { name: 'b' })), { instanceOf: InvalidArgumentError });
  t.throws(() => build((w) => encodeLinkChange(w, { index: 3 }, { name: 'x'.repeat(16) })), { instanceOf: InvalidArgumentError });
  t.throws(() => build((w) => encodeLinkChange(w, { index: 3 }, { mac: '02:00' })), { instanceOf: InvalidArgumentError, message: /bad MAC/ });
});

function linkPayload(kind: string | undefined, extra: (w: NlWriter) => void = () => {}): Buffer {
  return build((w) => {
    encodeIfInfoMsg(w, { index: 9, flags: IFF_UP | 0x10000 });
    w.attrStr(IFLA_IFNAME, 'x0').attrU32(IFLA_MTU, 1450).attrBytes(IFLA_ADDRESS, parseMac('02:aa:bb:cc:dd:ee')).attrU32(IFLA_GROUP, 3).attrU8(IFLA_OPERSTATE, 6);
    extra(w);
    if (kind) w.nest(IFLA_LINKINFO, (w) => w.attrStr(IFLA_INFO_KIND, kind));
  });
}

test('links decode to a discriminated union sharing common attributes', (t) => {
  const veth = decodeLink(linkPayload('veth', (w) => w.attrU32(IFLA_LINK, 4).attrS32(IFLA_LINK_NETNSID, 1)));
  t.like(veth, { kind: 'veth', index: 9, name: 'x0', mtu: 1450, mac: '02:aa:bb:cc:dd:ee', group: 3, up: true, lowerUp: true, operstate: 'UP', peer: { index: 4, netnsId: 1 } });
  t.is(decodeLink(linkPayload(undefined)).kind, 'device');
  t.like(decodeLink(linkPayload('dummy', (w) => w.attrU32(IFLA_MASTER, 2))), { kind: 'other', infoKind: 'dummy', master: 2 });
  const vx = decodeLink(build((w) => {
    encodeIfInfoMsg(w, { index: 5 });
    w.nest(IFLA_LINKINFO, (w) => w.attrStr(IFLA_INFO_KIND, 'vxlan').nest(IFLA_INFO_DATA, (w) => w.attrU32(IFLA_VXLAN_ID, 4242).attrBytes(IFLA_VXLAN_LOCAL, Buffer.from([192, 0, 2, 1])).attrBe16(IFLA_VXLAN_PORT, 4789)));
  }));
  t.like(vx, { kind: 'vxlan', vni: 4242, local: '192.0.2.1', port: 4789 });
});

test('addresses round-trip through encode and decode (IPv4 and IPv6)', (t) => {
  const v4 = fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([a, p]) => `${a}/${p}`);
  const v6 = fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 128 })).map(([a, p]) => `${a}/${p}`);
  fc.assert(fc.property(fc.oneof(v4, v6), fc.integer({ min: 1, max: 2 ** 31 - 1 }), (cidr, index) => {
    let c: ReturnType<typeof parseCidr>;
    try {
      c = parseCidr(cidr);
    } catch (e) {
      // ipaddr.js reads an embedded IPv4 (`::1.2.3.4`) as IPv4-mapped, which loris refuses on purpose.
      if (e instanceof InvalidArgumentError && /IPv4-mapped/.test(e.message)) return;
      throw e;
    }
    const d = decodeAddress(build((w) => encodeAddress(w, { index, cidr })));
    t.is(d.index, index);
    t.is(d.cidr, `${c.address}/${c.prefixLen}`);
  }), { numRuns: 500 });
});

test('routes round-trip; bad destinations and gateways are InvalidArgumentError', (t) => {
  t.like(decodeRoute(build((w) => encodeRoute(w, { dst: '10.1.0.0/16', gateway: '10.0.0.1', metric: 5 }))), { dst: '10.1.0.0/16', gateway: '10.0.0.1', metric: 5, family: 'inet', scope: 'global' });
  t.like(decodeRoute(build((w) => encodeRoute(w, { dst: 'fd01::/64', oif: 3 }))), { dst: 'fd01::/64', oif: 3, family: 'inet6', scope: 'link' });
  t.like(decodeRoute(build((w) => encodeRoute(w, { dst: 'default', gateway: '10.0.0.1' }))), { dst: 'default', gateway: '10.0.0.1' });
  t.throws(() => build((w) => encodeRoute(w, { dst: '10.0.0.0/33', oif: 1 })), { instanceOf: InvalidArgumentError, message: /10\.0\.0\.0\/33/ });
  t.throws(() => build((w) => encodeRoute(w, { dst: '10.0.0.0/8', gateway: 'fd00::1' })), { instanceOf: InvalidArgumentError });
  t.throws(() => build((w) => encodeRoute(w, { dst: '10.0.0.0/8' })), { instanceOf: InvalidArgumentError });
  t.throws(() => parseCidr('10.0.0.300/24'), { instanceOf: InvalidArgumentError, message: /10\.0\.0\.300/ });
});

test('NLMSG_ERROR: errno and the extended-ACK message are decoded', (t) => {
  const b = build((w) => encodeMessage(w, NLMSG_ERROR, 0x100 | NLM_F_ACK_TLVS, 5, (w) => {
    w.s32(-22);
    w.u32(16).u16(RTM_NEWLINK).u16(5).u32(5).u32(0); // capped original header
    w.attrStr(NLMSGERR_ATTR_MSG, 'MTU too big');
  }));
  const [m] = decodeMessages(b);
  t.deepEqual(decodeError(m), { errno: 22, extMsg: 'MTU too big' });
  const ack = decodeMessages(build((w) => encodeMessage(w, NLMSG_ERROR, 0, 6, (w) => w.s32(0).u32(16).zeros(12))));
  t.deepEqual(decodeError(ack[0]), { errno: 0 });
});
