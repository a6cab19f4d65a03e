import { closeSync, openSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { libc } from './libc.js';

/*
 * The `netlink` package does not expose its socket's fd, and two options matter for readable errors:
 * NETLINK_EXT_ACK (the kernel adds a text such as "mtu greater than device maximum" to an error) and
 * NETLINK_CAP_ACK (errors do not echo the whole request back). We find the fd of the socket we just
 * created by its netlink port id, check it with getsockname(2), and set the options through libc.
 */

const SOL_NETLINK = 270;
const NETLINK_CAP_ACK = 10;
const NETLINK_EXT_ACK = 11;
const AF_NETLINK = 16;

/** True when `fd` is a netlink socket bound to `port` (struct sockaddr_nl: family u16, pad u16, pid u32, groups u32). */
function isNetlinkPort(fd: number, port: number): boolean {
  const addr = Buffer.alloc(12);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(12, 0);
  if (libc().getsockname(fd, addr, len) !== 0) return false;
  return addr.readUInt16LE(0) === AF_NETLINK && addr.readUInt32LE(4) === port;
}

/** The lowest free fd right now: where the kernel puts the next socket unless another thread races us. */
export function nextFreeFd(): number {
  const fd = openSync('/dev/null', 'r');
  closeSync(fd);
  return fd;
}

/** Finds the fd of our netlink socket bound to `port`: the predicted fd first, else the socket inode from /proc. */
function findFd(port: number, predicted: number): number | undefined {
  if (isNetlinkPort(predicted, port)) return predicted;
  // /proc/thread-self/net/netlink lists this namespace's sockets: sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode
  let inode: string | undefined;
  for (const line of readFileSync('/proc/thread-self/net/netlink', 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f[1] === '0' && Number(f[2]) === port) inode = f[9];
  }
  if (!inode) return undefined;
  for (const e of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${e}`) === `socket:[${inode}]` && isNetlinkPort(Number(e), port)) return Number(e);
    } catch {
      /* closed meanwhile */
    }
  }
  return undefined;
}

/**
 * Turns on extended ACKs (and capped ACKs) on the netlink socket bound to `port`. Best effort: returns
 * false when the fd could not be found or the kernel refused, and errors then carry only the errno.
 */
export function enableExtAck(port: number, predictedFd: number): boolean {
  let fd: number | undefined;
  try {
    fd = findFd(port, predictedFd);
  } catch {
    return false; // no /proc: errors keep their errno and loris's hint
  }
  if (fd === undefined) return false;
  const one = Buffer.alloc(4);
  one.writeInt32LE(1, 0);
  const ext = libc().setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, one, 4) === 0;
  libc().setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, one, 4);
  return ext;
}
