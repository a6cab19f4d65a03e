import test from 'ava';
import fc from 'fast-check';
import { InvalidAddressError } from '../../../src/store/errors.js';
import {
  broadcastOf,
  contains,
  formatIpv4,
  formatSubnet,
  hostCount,
  lowestFree,
  parseIpv4,
  parseIpv4WithPrefix,
  parseSubnet,
  podSubnetFromPool,
  validateStaticAddress,
} from '../../../src/store/ipam.js';

test('parseIpv4/formatIpv4 round-trip every uint32', (t) => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => parseIpv4(formatIpv4(n)) === n));
  t.is(parseIpv4('10.1.0.5'), 0x0a010005);
  t.is(formatIpv4(0xc0a80101), '192.168.1.1');
});

test('parseIpv4 refuses what is not a dotted quad, with the reason', (t) => {
  for (const bad of ['10.1', '10.1.0.256', '010.1.0.1x', 'foo', '', '10.1.0.0.1']) {
    const e = t.throws(() => parseIpv4(bad), { instanceOf: InvalidAddressError });
    t.is(e?.code, 'LORIS_STORE_INVALID_ADDRESS');
  }
  t.regex(t.throws(() => parseIpv4('fd00::1'))?.message ?? '', /IPv6 is not supported/);
});

test('missing prefix defaults to /24; prefix is checked', (t) => {
  t.deepEqual(parseIpv4WithPrefix('10.1.0.5'), { ip: 0x0a010005, prefixLen: 24 });
  t.deepEqual(parseIpv4WithPrefix('10.1.0.5/16'), { ip: 0x0a010005, prefixLen: 16 });
  t.throws(() => parseIpv4WithPrefix('10.1.0.5/33'), { message: /prefix length \/33/ });
  t.throws(() => parseIpv4WithPrefix('10.1.0.5/x'), { instanceOf: InvalidAddressError });
});

test('parseSubnet wants a network address and says which one was meant', (t) => {
  t.deepEqual(parseSubnet('10.1.0.0/24'), { network: 0x0a010000, prefixLen: 24 });
  t.throws(() => parseSubnet('10.1.0.5/24'), { message: /did you mean 10\.1\.0\.0\/24/ });
  t.throws(() => parseSubnet('10.1.0.0'), { message: /needs a prefix length/ });
  t.throws(() => parseSubnet('10.1.0.0/31'), { message: /\/1 to \/30/ });
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 1, max: 30 }), (n, p) => {
      const net = (n & ~(2 ** (32 - p) - 1)) >>> 0;
      const s = parseSubnet(`${formatIpv4(net)}/${p}`);
      return formatSubnet(s) === `${formatIpv4(net)}/${p}` && contains(s, net) && contains(s, broadcastOf(s)) && hostCount(s) === 2 ** (32 - p) - 2;
    }),
  );
});

test('static addresses: inside the subnet, not network/broadcast, prefix consistent', (t) => {
  const s = parseSubnet('10.1.0.0/29');
  t.deepEqual(validateStaticAddress('10.1.0.3', s), { ip: 0x0a010003, prefixLen: 29 });
  t.deepEqual(validateStaticAddress('10.1.0.3/29', s), { ip: 0x0a010003, prefixLen: 29 });
  t.throws(() => validateStaticAddress('10.1.0.9', s), { message: /outside the pod's subnet 10\.1\.0\.0\/29/ });
  t.throws(() => validateStaticAddress('10.1.0.0', s), { message: /network address of 10\.1\.0\.0\/29/ });
  t.throws(() => validateStaticAddress('10.1.0.7', s), { message: /broadcast address of 10\.1\.0\.0\/29/ });
  t.throws(() => validateStaticAddress('10.1.0.3/24', s), { message: /prefix \/24 differs/ });
  // Without a pod subnet: the address's own /24 (default) decides network/broadcast.
  t.deepEqual(validateStaticAddress('10.9.0.1', undefined), { ip: 0x0a090001, prefixLen: 24 });
  t.throws(() => validateStaticAddress('10.9.0.255', undefined), { message: /broadcast/ });
  t.throws(() => validateStaticAddress('10.9.0.0/16', undefined), { message: /network address/ });
  t.throws(() => validateStaticAddress('127.0.0.1', undefined), { message: /loopback/ });
  t.throws(() => validateStaticAddress('224.0.0.1', undefined), { message: /multicast/ });
  t.notThrows(() => validateStaticAddress('10.9.0.0/32', undefined));
});

test('lowestFree: the lowest host address not taken; undefined when full', (t) => {
  const s = parseSubnet('10.1.0.0/29');
  const taken = new Set<number>();
  const got: string[] = [];
  for (;;) {
    const ip = lowestFree(s, (x) => taken.has(x));
    if (ip === undefined) break;
    taken.add(ip);
    got.push(formatIpv4(ip));
  }
  t.deepEqual(got, ['10.1.0.1', '10.1.0.2', '10.1.0.3', '10.1.0.4', '10.1.0.5', '10.1.0.6']);
  taken.delete(0x0a010003);
  t.is(lowestFree(s, (x) => taken.has(x)), 0x0a010003);
});

test('lowestFree property: result is free, inside, and everything below it is taken', (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 22, max: 30 }), fc.uniqueArray(fc.integer({ min: 0, max: 1023 })), (p, offs) => {
      const s = parseSubnet(`10.0.0.0/${p}`);
      const taken = new Set(offs.map((o) => (s.network + o) >>> 0));
      const ip = lowestFree(s, (x) => taken.has(x));
      if (ip === undefined) {
        for (let x = s.network + 1; x < broadcastOf(s); x++) if (!taken.has(x)) return false;
        return true;
      }
      if (taken.has(ip) || ip <= s.network || ip >= broadcastOf(s)) return false;
      for (let x = s.network + 1; x < ip; x++) if (!taken.has(x)) return false;
      return true;
    }),
  );
  t.pass();
});

test('podSubnetFromPool carves the pod-th block deterministically', (t) => {
  const pool = parseSubnet('10.0.0.0/16');
  t.is(formatSubnet(podSubnetFromPool(pool, 24, 1) ?? pool), '10.0.1.0/24');
  t.is(formatSubnet(podSubnetFromPool(pool, 24, 255) ?? pool), '10.0.255.0/24');
  t.is(podSubnetFromPool(pool, 24, 256), undefined);
  t.is(podSubnetFromPool(pool, 8, 1), undefined);
});
