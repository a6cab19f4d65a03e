import { Writer } from '../ofproto/bytes.js';
import { encodeMatch, type Match } from '../ofproto/match.js';
import { encodeInstructions, type Instruction } from '../ofproto/instructions.js';
import type { FlowMod } from '../ofproto/flow-mod.js';

/**
 * Pure reconciliation: the minimal flow-mods that turn the installed flow table into the desired one.
 *
 * A flow's identity is (table, priority, match) — what OpenFlow's *strict* commands key on. Identical flows are
 * left alone (their duration and counters survive); a flow whose instructions changed is modified in place with
 * MODIFY_STRICT (counters survive); a flow whose cookie changed is re-added (OpenFlow 1.3 MODIFY cannot change a
 * cookie); flows that are not desired are removed with DELETE_STRICT — but only when `owned(cookie)` says they are
 * ours, so flows other tools installed are never touched.
 *
 * Matches and instructions are compared by their wire encoding, so two objects that encode to the same bytes (e.g. a
 * decoded `output` carrying `maxLen: 0` and a built one without it) are the same flow.
 */

/** What reconciliation needs to know of a flow, desired or installed (a FlowMod or a decoded flow-stats entry). */
export interface FlowEntry {
  tableId: number;
  priority: number;
  cookie: bigint;
  match: Match;
  instructions: Instruction[];
}

export interface ReconcileOptions {
  /** Which installed flows reconciliation may delete. Default: all. */
  owned?: (cookie: bigint) => boolean;
}

export interface ReconcileStats {
  unchanged: number;
  added: number;
  modified: number;
  deleted: number;
}

export interface ReconcileResult {
  mods: FlowMod[];
  stats: ReconcileStats;
}

const scratch = new Writer(1024);
const scratch2 = new Writer(1024);

/** Canonical identity of a flow: table, priority and the encoded match (as a byte string, the cheapest map key). */
export function flowIdentity(f: Pick<FlowEntry, 'tableId' | 'priority' | 'match'>): string {
  scratch.reset();
  scratch.u8(f.tableId).u16(f.priority);
  encodeMatch(scratch, f.match);
  return scratch.buf.toString('latin1', 0, scratch.offset);
}

/** Canonical form of a flow's instructions (their wire encoding, hex). */
export function flowBody(f: Pick<FlowEntry, 'instructions'>): string {
  scratch.reset();
  encodeInstructions(scratch, f.instructions);
  return scratch.buf.toString('hex', 0, scratch.offset);
}

/** True when two flows' instructions encode to the same bytes (no strings built). */
export function sameBody(a: Pick<FlowEntry, 'instructions'>, b: Pick<FlowEntry, 'instructions'>): boolean {
  scratch.reset();
  encodeInstructions(scratch, a.instructions);
  scratch2.reset();
  encodeInstructions(scratch2, b.instructions);
  return scratch.offset === scratch2.offset && scratch.buf.compare(scratch2.buf, 0, scratch2.offset, 0, scratch.offset) === 0;
}

function baseMod(f: FlowEntry, command: FlowMod['command']): FlowMod {
  return {
    type: 'flow_mod',
    cookie: f.cookie,
    cookieMask: 0n,
    tableId: f.tableId,
    command,
    idleTimeout: 0,
    hardTimeout: 0,
    priority: f.priority,
    bufferId: 0xffffffff,
    outPort: 0xffffffff,
    outGroup: 0xffffffff,
    flags: 0,
    match: f.match,
    instructions: command === 'delete_strict' ? [] : f.instructions,
  };
}

export const addFlow = (f: FlowEntry): FlowMod => baseMod(f, 'add');
export const modifyFlowStrict = (f: FlowEntry): FlowMod => baseMod(f, 'modify_strict');
export const deleteFlowStrict = (f: FlowEntry): FlowMod => baseMod(f, 'delete_strict');

/**
 * Diffs `installed` against `desired`. Deletions come first, then modifications, then additions, so that a
 * bundle applying them never holds two flows with one identity. Duplicate desired identities: the last one wins.
 */
export function reconcile(installed: Iterable<FlowEntry>, desired: Iterable<FlowEntry>, opts: ReconcileOptions = {}): ReconcileResult {
  const owned = opts.owned ?? (() => true);
  const have = Array.isArray(installed) ? (installed as FlowEntry[]) : [...installed];
  if (have.length === 0) {
    // Fresh table (first start, ovs-vswitchd restarted): everything is an add; no identities to compute. An add
    // replaces a flow of the same identity, so a duplicate desired identity ends as the last one, as below.
    const mods = Array.from(desired, addFlow);
    return { mods, stats: { unchanged: 0, added: mods.length, modified: 0, deleted: 0 } };
  }
  const want = new Map<string, FlowEntry>();
  for (const f of desired) want.set(flowIdentity(f), f);
  const stats: ReconcileStats = { unchanged: 0, added: 0, modified: 0, deleted: 0 };
  const deletes: FlowMod[] = [];
  const modifies: FlowMod[] = [];
  const adds: FlowMod[] = [];
  const seen = new Set<string>();
  for (const f of have) {
    const id = flowIdentity(f);
    const w = want.get(id);
    if (!w || seen.has(id)) {
      if (owned(f.cookie)) {
        deletes.push(deleteFlowStrict(f));
        stats.deleted++;
      }
      continue;
    }
    seen.add(id);
    if (w.cookie !== f.cookie) {
      adds.push(addFlow(w));
      stats.modified++;
    } else if (!sameBody(w, f)) {
      modifies.push(modifyFlowStrict(w));
      stats.modified++;
    } else {
      stats.unchanged++;
    }
  }
  for (const [id, w] of want) {
    if (seen.has(id)) continue;
    adds.push(addFlow(w));
    stats.added++;
  }
  return { mods: [...deletes, ...modifies, ...adds], stats };
}
