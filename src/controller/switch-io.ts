import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { OfConnection } from '../ofproto/connection.js';
import { OFPTT_ALL } from '../ofproto/flow-mod.js';
import type { FlowStats } from '../ofproto/multipart-flow.js';
import { OFPPS, type OfpPort } from '../ofproto/port.js';
import type { Match } from '../ofproto/match.js';
import { fieldDef } from '../ofproto/oxm.js';

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

/** A watch on one path (inotify on its directory): counts its creations and removals, and waits for the next one. */
export interface PathWatch {
  /** How many times the path was created, replaced or removed since the watch began. */
  readonly events: number;
  /** Resolves after `ms`, or earlier at the path's next event or `wake()`. */
  wait(ms: number): Promise<void>;
  /** Ends the current wait now. */
  wake(): void;
  /** Stops watching (and ends the current wait). */
  close(): void;
}

/**
 * Watches `path` across several waits, so an event that comes while the caller is busy (between two waits) is
 * counted rather than lost: the controller compares `events` before and after a connect attempt, and retries at
 * once when ovs-vswitchd re-created the bridge's management socket during the attempt.
 */
export function watchPath(path: string): PathWatch {
  let events = 0;
  let wakeUp: (() => void) | undefined;
  let watcher: FSWatcher | undefined;
  const base = basename(path);
  try {
    watcher = watch(dirname(path), (_event, file) => {
      if (file !== base) return;
      events++;
      wakeUp?.();
    });
    watcher.on('error', () => undefined);
  } catch {
    /* no such directory yet: the timers alone */
  }
  return {
    get events() {
      return events;
    },
    wait(ms) {
      return new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          wakeUp = undefined;
          resolve();
        };
        const timer = setTimeout(done, ms);
        wakeUp = done;
      });
    },
    wake() {
      wakeUp?.();
    },
    close() {
      watcher?.close();
      watcher = undefined;
      wakeUp?.();
    },
  };
}

/** One wait of `watchPath`: resolves after `ms`, or earlier when `path` is (re)created or `wake()` is called. */
export function waitForPath(path: string, ms: number): { done: Promise<void>; wake: () => void } {
  const w = watchPath(path);
  return { done: w.wait(ms).finally(() => w.close()), wake: () => w.wake() };
}

/** ovs-fields(7) names ofproto/trace needs where the field table's ovs-ofctl name is ambiguous (tp_src/tp_dst). */
const TRACE_NAMES: Readonly<Record<string, string>> = {
  tcpSrc: 'tcp_src', tcpDst: 'tcp_dst', udpSrc: 'udp_src', udpDst: 'udp_dst', sctpSrc: 'sctp_src', sctpDst: 'sctp_dst',
  icmpv4Type: 'icmp_type', icmpv4Code: 'icmp_code', icmpv6Type: 'icmpv6_type', icmpv6Code: 'icmpv6_code',
};

/** A Match as an ofproto/trace flow string, e.g. `{inPort: 1, ethType: 0x800, ipv4Src: '10.0.0.1'}` → `in_port=1,dl_type=0x800,nw_src=10.0.0.1`. */
export function traceFlowString(m: Match): string {
  const fmt = (v: unknown): string => (typeof v === 'bigint' ? `0x${v.toString(16)}` : String(v));
  const parts: string[] = [];
  for (const [k, v] of Object.entries(m) as [string, unknown][]) {
    if (v === undefined) continue;
    const name = TRACE_NAMES[k] ?? fieldDef(k).ovsName;
    const value = typeof v === 'object' && v !== null && 'value' in v && 'mask' in v ? `${fmt(v.value)}/${fmt(v.mask)}` : k === 'ethType' ? `0x${Number(v).toString(16)}` : fmt(v);
    parts.push(`${name}=${value}`);
  }
  return parts.join(',');
}
