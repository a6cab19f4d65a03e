import { getSystemErrorName } from 'node:util';
import { LorisError } from '../errors.js';

/** What to tell the user for the errnos rtnetlink commonly returns. `{op}` is what was being done. */
const HINTS: Record<string, string> = {
  EEXIST: 'it already exists; pick another name or delete the existing one first',
  ENODEV: 'no such network device; check the interface name or index (it may have been deleted, or live in another namespace)',
  EPERM: 'operation not permitted; loris needs CAP_NET_ADMIN (run as root) in the target namespace',
  EACCES: 'permission denied: for an IPv6 address, IPv6 is disabled on that interface (net.ipv6.conf.<if>.disable_ipv6=1); otherwise loris needs CAP_NET_ADMIN (run as root)',
  EINVAL: 'the kernel rejected an argument (e.g. an MTU outside the device range, a malformed address or prefix length)',
  ERANGE: 'a value is out of range (e.g. an MTU above the device maximum)',
  EBUSY: 'the device or resource is busy (e.g. enslaved to a bridge or in use); release it first',
  EADDRNOTAVAIL: 'the address is not available here: not configured on that device (delete), or not assignable to an interface, such as a multicast address (add)',
  ENOENT: 'no such object (address, route or namespace); it may already be gone',
  ESRCH: 'no such route or process',
  ENETUNREACH: 'the gateway is not reachable through any configured route; add an on-link route or address first',
  EOPNOTSUPP: 'the kernel does not support this operation for this kind of link',
  ENOTCONN: 'the link is not connected (a veth peer cannot be brought up before it exists)',
  ENOBUFS: 'the kernel ran out of socket buffer space; retry the operation',
  EAFNOSUPPORT: 'address family not supported (is IPv6 disabled in this namespace?)',
};

function errnoName(errno: number): string {
  try {
    return getSystemErrorName(-errno);
  } catch {
    return `ERRNO${errno}`;
  }
}

/**
 * The kernel refused an rtnetlink request. `errno` is positive (17 = EEXIST), `errnoName` its symbol,
 * `op` what loris was doing (e.g. `create veth lo1234 (peer eth1)`), `extMsg` the kernel's extended-ACK text.
 * `code` is `LORIS_NETLINK_<ERRNO>`, e.g. `LORIS_NETLINK_EEXIST`.
 */
export class NetlinkError extends LorisError {
  readonly errno: number;
  readonly errnoName: string;
  readonly op: string;
  readonly extMsg: string | undefined;
  constructor(errno: number, op: string, extMsg?: string) {
    const name = errnoName(errno);
    const hint = HINTS[name] ?? 'see the kernel log (dmesg) for details';
    super(`LORIS_NETLINK_${name}`, `${op}: ${name}: ${extMsg ? `${extMsg}; ` : ''}${hint}`);
    this.errno = errno;
    this.errnoName = name;
    this.op = op;
    this.extMsg = extMsg;
  }
}

/** A netlink socket failed at the transport level (send/recv), not with a kernel reply. */
export class NetlinkSocketError extends LorisError {
  constructor(op: string, cause: unknown) {
    super('LORIS_NETLINK_SOCKET', `${op}: netlink socket error: ${cause instanceof Error ? cause.message : String(cause)}; the socket is closed, open a new handle`, { cause });
  }
}

/** A namespace could not be opened or entered (missing file, not a network namespace, process gone). */
export class NetnsError extends LorisError {
  readonly target: string;
  constructor(target: string, message: string, options?: { cause?: unknown }) {
    super('LORIS_NETNS', `network namespace ${target}: ${message}`, options);
    this.target = target;
  }
}

/** No container with that id or name exists (Docker answered 404, or the pid/netns/path is missing). */
export class ContainerNotFoundError extends LorisError {
  readonly container: string;
  constructor(container: string, detail: string) {
    super('LORIS_CONTAINER_NOT_FOUND', `container ${container} not found: ${detail}; check the id or name (docker ps) or pass pid:N / netns:NAME / a namespace path`);
    this.container = container;
  }
}

/** The container exists but has no running process (exited, or never started), so it has no network namespace. */
export class ContainerNotRunningError extends LorisError {
  readonly container: string;
  constructor(container: string, detail: string) {
    super('LORIS_CONTAINER_NOT_RUNNING', `container ${container} is not running: ${detail}; start it (docker start) and retry`);
    this.container = container;
  }
}
