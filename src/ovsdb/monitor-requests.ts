import type { Json } from './notation.js';
import { encodeValue } from './notation.js';
import type { Condition } from './operations.js';

/* Monitor requests (RFC 7047 §4.1.5 and the monitor_cond extension) and their wire encoding. */

export interface MonitorSelect {
  initial?: boolean;
  insert?: boolean;
  delete?: boolean;
  modify?: boolean;
}
export interface MonitorRequest {
  columns?: readonly string[];
  /** monitor_cond / monitor_cond_since only. */
  where?: readonly Condition[];
  select?: MonitorSelect;
}
export type MonitorRequests = Record<string, MonitorRequest | readonly MonitorRequest[]>;

export type UpdateMethod = 'update' | 'update2' | 'update3';
/** Receives every update notification of one monitor; `lastTxnId` is set for update3. */
export type MonitorHandler = (tableUpdates: Record<string, Record<string, unknown>>, method: UpdateMethod, lastTxnId: string | undefined) => void;

export interface MonitorCondSinceResult {
  found: boolean;
  lastTxnId: string;
  updates: Record<string, Record<string, unknown>>;
}

export function encodeMonitorRequests(reqs: MonitorRequests, withWhere: boolean): Json {
  const out: Record<string, Json> = {};
  for (const [table, r] of Object.entries(reqs)) {
    const list = (Array.isArray(r) ? r : [r]) as readonly MonitorRequest[];
    out[table] = list.map((m) => {
      const j: Record<string, Json> = {};
      if (m.columns) j.columns = [...m.columns];
      if (m.select) j.select = { ...m.select } as Record<string, Json>;
      if (withWhere && m.where) j.where = m.where.map(([c, f, v]) => [c, f, encodeValue(v)]);
      return j;
    });
  }
  return out;
}

