import test from 'ava';
import fc from 'fast-check';
import { InvalidMacError } from '../../../src/store/errors.js';
import { deriveMac, normalizeMac, randomMac } from '../../../src/store/mac.js';

const isLocalUnicast = (m: string): boolean => (parseInt(m.slice(0, 2), 16) & 3) === 2;

test('derived MACs embed pod and IPv4, are locally administered unicast', (t) => {
  t.is(deriveMac(1, 0x0a010005), '06:00:0a:01:00:05');
  t.is(deriveMac(64, 0x0a010005), '02:01:0a:01:00:05');
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 2 ** 24 - 1 }), fc.integer({ min: 0, max: 0xffffffff }), (pod, ip) => {
      const m = deriveMac(pod, ip);
      return isLocalUnicast(m) && normalizeMac(m) === m;
    }),
  );
});

test('derived MACs are distinct for distinct IPs of one pod and for pods below 2^14', (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 2 ** 14 - 1 }), fc.integer({ min: 1, max: 2 ** 14 - 1 }), fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }), (p1, p2, a, b) => {
      return (p1 === p2 && a === b) === (deriveMac(p1, a) === deriveMac(p2, b));
    }),
  );
  t.pass();
});

test('normalizeMac lowercases, accepts dashes, refuses multicast and zero', (t) => {
  t.is(normalizeMac('02:AA:bb:CC:dd:EE'), '02:aa:bb:cc:dd:ee');
  t.is(normalizeMac('02-aa-bb-cc-dd-ee'), '02:aa:bb:cc:dd:ee');
  t.throws(() => normalizeMac('01:00:5e:00:00:01'), { instanceOf: InvalidMacError, message: /multicast/ });
  t.throws(() => normalizeMac('ff:ff:ff:ff:ff:ff'), { message: /multicast\/broadcast/ });
  t.throws(() => normalizeMac('00:00:00:00:00:00'), { message: /all-zero/ });
  t.throws(() => normalizeMac('02:aa:bb:cc:dd'), { message: /six hex octets/ });
  t.throws(() => normalizeMac('02:aa-bb:cc:dd:ee'), { message: /six hex octets/ });
});

test('randomMac is locally administered unicast', (t) => {
  for (let i = 0; i < 100; i++) t.true(isLocalUnicast(randomMac()));
});
