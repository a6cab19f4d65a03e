import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { OfConnection } from '../ofproto/connection.js';
import { OFPTT_ALL } from '../ofproto/flow-mod.js';
import type { FlowStats } from '../ofproto/multipart-flow.js';
import { OFPPS, type OfpPort } from '../ofproto/port.js';

/** Every flow of every table (OFPMP_FLOW, all tables, any cookie), gathered from the multipart reply. */
export async function dumpFlows(conn: OfConnection): Promise<FlowStats[]> {
  const out: FlowStats[] = [];
  for await (const part of conn.multipart({ kind: 'flow', tableId: OFPTT_ALL, outPort: 0xffffffff, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, match: {} })) {
    if (part.kind === 'flow') for (const f of part.flows) out.push(f);
  }
  return out;
}

/**
 * With the userspace datapath a port whose network device vanished (its container died) is not deleted: OVS keeps
 * it with LINK_DOWN and an all-zero address. Such a port can carry nothing; treat it as gone.
 */
export function portVanished(p: OfpPort): boolean {
  return (p.state & OFPPS.LINK_DOWN) !== 0 && p.hwAddr === '00:00:00:00:00:00';
}

/**
 * Resolves after `ms`, or earlier when `path` is (re)created (inotify on its directory) or `wake()` is called.
 * Used to reconnect the moment ovs-vswitchd re-creates a bridge's management socket.
 */
export function waitForPath(path: string, ms: number): { done: Promise<void>; wake: () => void } {
  let wake!: () => void;
  const done = new Promise<void>((resolve) => {
    let watcher: FSWatcher | undefined;
    const timer = setTimeout(() => wake(), ms);
    wake = (): void => {
      clearTimeout(timer);
      watcher?.close();
      resolve();
    };
    try {
      const base = basename(path);
      watcher = watch(dirname(path), (_event, file) => {
        if (file === base) wake();
      });
      watcher.on('error', () => undefined);
    } catch {
      /* no such directory yet: the timer alone */
    }
  });
  return { done, wake };
}
