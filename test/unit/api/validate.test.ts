import test from 'ava';
import fc from 'fast-check';
import { LorisError } from '../../../src/errors.js';
import {
  DEFAULT_PREFIX,
  MAX_POD,
  parseAddressSpec,
  parseContainerRef,
  parseHostAddress,
  parsePod,
  parseRemoteHosts,
  parseSubnet,
  parseTunnelType,
} from '../../../src/api/validate.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    return e instanceof LorisError ? e.code : `not a LorisError: ${String(e)}`;
  }
}

test('address: dhcp, mask defaults to /24, dotted netmask accepted', (t) => {
  t.deepEqual(parseAddressSpec('dhcp'), { kind: 'dhcp' });
  t.deepEqual(parseAddressSpec('DHCP'), { kind: 'dhcp' });
  const a = parseAddressSpec('10.1.0.5');
  t.like(a, { kind: 'static', ip: '10.1.0.5', prefix: DEFAULT_PREFIX, cidr: '10.1.0.5/24', network: '10.1.0.0/24', prefixGiven: false });
  t.like(parseAddressSpec('10.1.0.5/16'), { prefix: 16, network: '10.1.0.0/16', prefixGiven: true });
  t.like(parseAddressSpec('10.1.0.5/255.255.0.0'), { prefix: 16 });
  t.like(parseAddressSpec('192.0.2.6/30'), { prefix: 30 });
});

const bad: [string, string][] = [
  ['10.1.0', 'LORIS_INVALID_ADDRESS'],
  ['10.1.0.256', 'LORIS_INVALID_ADDRESS'],
  ['10.01.0.5', 'LORIS_INVALID_ADDRESS'],
  ['web', 'LORIS_INVALID_ADDRESS'],
  ['fd00::1/64', 'LORIS_INVALID_ADDRESS'],
  ['10.1.0.5/33', 'LORIS_INVALID_ADDRESS'],
  ['10.1.0.5/', 'LORIS_INVALID_ADDRESS'],
  ['10.1.0.5/0', 'LORIS_INVALID_ADDRESS'],
  ['10.1.0.5/31', 'LORIS_INVALID_ADDRESS'],
  ['10.1.0.5/32', 'LORIS_INVALID_ADDRESS'],
  ['10.1.0.5/255.0.255.0', 'LORIS_INVALID_ADDRESS'],
  ['10.1.0.0/24', 'LORIS_RESERVED_ADDRESS'],
  ['10.1.0.255', 'LORIS_RESERVED_ADDRESS'],
  ['10.1.3.255/22', 'LORIS_RESERVED_ADDRESS'],
  ['127.0.0.5', 'LORIS_RESERVED_ADDRESS'],
  ['224.1.1.1', 'LORIS_RESERVED_ADDRESS'],
  ['0.1.2.3/8', 'LORIS_RESERVED_ADDRESS'],
  ['250.1.1.1', 'LORIS_RESERVED_ADDRESS'],
];
for (const [input, code] of bad) {
  test(`address ${input} -> ${code}`, (t) => {
    t.is(codeOf(() => parseAddressSpec(input)), code);
  });
}

test('address errors say what was wrong and what to do', (t) => {
  const e = t.throws(() => parseAddressSpec('10.1.0.255'));
  t.regex(e.message, /broadcast address of 10\.1\.0\.0\/24; pick a host address/);
  const e2 = t.throws(() => parseAddressSpec('10.1.0.5/40'));
  t.regex(e2.message, /out of range; use a prefix length/);
});

test('property: every host address of a random /8-/30 network parses back to itself', (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 0x0b000000, max: 0xdfffffff }), fc.integer({ min: 8, max: 30 }), (n, prefix) => {
      const ip = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
      const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
      const host = (n & ~mask) >>> 0;
      const code = codeOf(() => parseAddressSpec(`${ip}/${prefix}`));
      if (host === 0 || host === ~mask >>> 0 || n >>> 24 === 127) return code === 'LORIS_RESERVED_ADDRESS';
      const a = parseAddressSpec(`${ip}/${prefix}`);
      return a.kind === 'static' && a.ip === ip && a.prefix === prefix;
    }),
  );
  t.pass();
});

test('pods: 1..2^24-1, decimal only', (t) => {
  t.is(parsePod('1'), 1);
  t.is(parsePod(7), 7);
  t.is(parsePod(String(MAX_POD)), 16777215);
  for (const p of ['0', '16777216', '-1', '1.5', 'x', '', '0x10', '99999999999999999999']) t.is(codeOf(() => parsePod(p)), 'LORIS_POD_OUT_OF_RANGE', p);
});

test('remote hosts: duplicates, self, malformed', (t) => {
  t.deepEqual(parseRemoteHosts(['192.0.2.12', '192.0.2.13'], '192.0.2.11'), ['192.0.2.12', '192.0.2.13']);
  t.is(codeOf(() => parseRemoteHosts([])), 'LORIS_INVALID_ARGUMENT');
  t.is(codeOf(() => parseRemoteHosts(['192.0.2.12', '192.0.2.12'])), 'LORIS_INVALID_ARGUMENT');
  t.is(codeOf(() => parseRemoteHosts(['192.0.2.11'], '192.0.2.11')), 'LORIS_SELF_PEER');
  t.is(codeOf(() => parseRemoteHosts(['192.0.2.300'])), 'LORIS_INVALID_ADDRESS');
  t.is(codeOf(() => parseRemoteHosts(['192.0.2.1/24'])), 'LORIS_INVALID_ADDRESS');
  t.is(codeOf(() => parseRemoteHosts(['127.0.0.1'])), 'LORIS_RESERVED_ADDRESS');
  t.is(parseHostAddress('192.0.2.5'), '192.0.2.5');
});

test('subnets: CIDR with no host bits', (t) => {
  t.deepEqual(parseSubnet('10.7.0.0/24'), { network: '10.7.0.0', prefix: 24, cidr: '10.7.0.0/24' });
  t.is(codeOf(() => parseSubnet('10.7.0.0')), 'LORIS_INVALID_ADDRESS');
  t.is(codeOf(() => parseSubnet('10.7.0.1/24')), 'LORIS_INVALID_ADDRESS');
  t.regex(t.throws(() => parseSubnet('10.7.0.1/24')).message, /did you mean 10\.7\.0\.0\/24/);
  t.is(codeOf(() => parseSubnet('10.7.0.0/31')), 'LORIS_INVALID_ADDRESS');
  t.is(codeOf(() => parseSubnet('224.0.0.0/24')), 'LORIS_RESERVED_ADDRESS');
});

test('tunnel type and container references', (t) => {
  t.is(parseTunnelType('GRE'), 'gre');
  t.is(parseTunnelType('vxlan'), 'vxlan');
  t.is(codeOf(() => parseTunnelType('geneve')), 'LORIS_INVALID_ARGUMENT');
  for (const ok of ['web1', 'a3f9c2', 'pid:42', 'netns:lr1-c1', '/proc/42/ns/net', 'my_app.1-x']) t.is(parseContainerRef(ok), ok);
  for (const bad of ['', 'a b', 'pid:x', 'pid:0', 'netns:', 'netns:a/b', '-rf', 'a\u0007b']) t.is(codeOf(() => parseContainerRef(bad)), 'LORIS_INVALID_ARGUMENT', bad);
});
