import { readFileSync, writeFileSync } from 'node:fs';
import { InvalidArgumentError } from '../errors.js';
import { withNetns, type Netns } from './netns.js';
import { NetnsError } from './errors.js';

/*
 * Per-namespace network sysctls. /proc/sys/net resolves against the namespace of the thread that opens
 * the file, so the open happens inside `withNetns` (synchronously) and the value is that namespace's.
 */

/** A key is `net.ipv4.ip_forward` or its components (`['net', 'ipv6', 'conf', 'eth1.100', 'disable_ipv6']`, for names with dots). */
export type SysctlKey = string | readonly string[];

function pathOf(key: SysctlKey): string {
  const parts = typeof key === 'string' ? key.split('.') : key;
  if (parts[0] !== 'net' || parts.some((p) => !p || p === '.' || p === '..' || p.includes('/'))) {
    throw new InvalidArgumentError(`bad sysctl ${JSON.stringify(key)}: expected a net.* key such as net.ipv6.conf.eth1.disable_ipv6`);
  }
  return `/proc/sys/${parts.join('/')}`;
}

/** Reads a net.* sysctl of a namespace (undefined when the key does not exist there). */
export function readSysctl(ns: Netns, key: SysctlKey): string | undefined {
  const p = pathOf(key);
  return withNetns(ns, () => {
    try {
      return readFileSync(p, 'utf8').trim();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new NetnsError(ns.label, `cannot read ${pathOf(key)}: ${(e as Error).message}`, { cause: e });
    }
  });
}

/** Writes a net.* sysctl of a namespace. */
export function writeSysctl(ns: Netns, key: SysctlKey, value: string): void {
  const p = pathOf(key);
  withNetns(ns, () => {
    try {
      writeFileSync(p, value);
    } catch (e) {
      throw new NetnsError(ns.label, `cannot set ${pathOf(key)}=${value}: ${(e as Error).message}`, { cause: e });
    }
  });
}
