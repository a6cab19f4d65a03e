import test from 'ava';
import { InvalidArgumentError } from '../../../src/errors.js';
import { NetlinkError, ContainerNotFoundError, ContainerNotRunningError } from '../../../src/netlink/errors.js';
import { hostIfnameFor, isHostIfname } from '../../../src/netlink/attach.js';
import { checkIfname, parseMac, formatMac } from '../../../src/netlink/link.js';
import { homeNetns, openNetns } from '../../../src/netlink/netns.js';
import { readSysctl } from '../../../src/netlink/sysctl.js';

test('NetlinkError: code LORIS_NETLINK_<ERRNO>, the operation, and what to do', (t) => {
  const cases: [number, string, RegExp][] = [
    [17, 'EEXIST', /already exists; pick another name/],
    [19, 'ENODEV', /no such network device/],
    [1, 'EPERM', /CAP_NET_ADMIN \(run as root\)/],
    [22, 'EINVAL', /MTU outside the device range/],
    [16, 'EBUSY', /busy.*release it first/],
    [13, 'EACCES', /IPv6 is disabled/],
  ];
  for (const [errno, name, hint] of cases) {
    const e = new NetlinkError(errno, 'set link eth1 mtu 9000 in netns:x');
    t.is(e.code, `LORIS_NETLINK_${name}`);
    t.is(e.errnoName, name);
    t.regex(e.message, new RegExp(`^set link eth1 mtu 9000 in netns:x: ${name}: `));
    t.regex(e.message, hint);
  }
  t.regex(new NetlinkError(22, 'op', 'mtu greater than device maximum').message, /EINVAL: mtu greater than device maximum; /);
  t.regex(new NetlinkError(4095, 'op').message, /dmesg/);
});

test('container errors name the container and say what to do', (t) => {
  t.regex(new ContainerNotFoundError('web', 'no such container').message, /^container web not found: .*docker ps/);
  t.regex(new ContainerNotRunningError('web', 'state exited').message, /^container web is not running: state exited; start it/);
});

test('names and MACs are validated before anything is sent', (t) => {
  for (const bad of ['', 'x'.repeat(16), 'a/b', 'a b', 'a:b', '.', '..']) t.throws(() => checkIfname(bad), { instanceOf: InvalidArgumentError });
  t.notThrows(() => checkIfname('x'.repeat(15)));
  t.is(formatMac(parseMac('02:AA:bb:0c:0d:0e')), '02:aa:bb:0c:0d:0e');
  for (const bad of ['02:aa:bb:0c:0d', '02-aa-bb-0c-0d-0e', 'zz:aa:bb:0c:0d:0e']) t.throws(() => parseMac(bad), { instanceOf: InvalidArgumentError });
  t.true(isHostIfname(hostIfnameFor('c', 'p')));
  t.throws(() => openNetns({ name: '../etc' }), { instanceOf: InvalidArgumentError });
  t.throws(() => openNetns({ pid: -1 }), { instanceOf: InvalidArgumentError });
});

test('sysctl keys: only net.*, no path tricks; components allow names with dots', (t) => {
  const home = homeNetns();
  for (const bad of ['kernel.hostname', 'net..x', 'net.ipv4/../../kernel']) t.throws(() => readSysctl(home, bad), { instanceOf: InvalidArgumentError });
  t.throws(() => readSysctl(home, ['net', 'ipv6', 'conf', '..', 'x']), { instanceOf: InvalidArgumentError });
  t.is(readSysctl(home, ['net', 'ipv6', 'conf', 'no.such.if', 'disable_ipv6']), undefined);
  t.regex(readSysctl(home, 'net.ipv4.ip_forward') ?? '', /^[01]$/);
});
