import type { Action } from '../../../src/ofproto/actions.js';
import type { FlowMod } from '../../../src/ofproto/flow-mod.js';
import type { Match } from '../../../src/ofproto/match.js';

/** A flow-mod with ovs-ofctl's defaults for what is not given (add, table 0, priority 0x8000, no buffer). */
export function flowMod(o: Partial<Omit<FlowMod, 'type'>> & { actions?: Action[] } = {}): FlowMod {
  const { actions, ...rest } = o;
  return {
    type: 'flow_mod', cookie: 0n, cookieMask: 0n, tableId: 0, command: 'add', idleTimeout: 0, hardTimeout: 0, priority: 0x8000,
    bufferId: 0xffffffff, outPort: 0xffffffff, outGroup: 0xffffffff, flags: 0, match: {} as Match,
    instructions: actions ? [{ type: 'apply_actions', actions }] : [],
    ...rest,
  };
}

/** n distinct flows (priority 100, ip + nw_dst 10.x.y.z), each output to port 1, with `cookie`. */
export function manyFlows(n: number, cookie = 0x42n): FlowMod[] {
  const out: FlowMod[] = [];
  for (let i = 0; i < n; i++) {
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    out.push(flowMod({ cookie, priority: 100, match: { ethType: 0x0800, ipv4Dst: ip }, actions: [{ type: 'output', port: 1 }] }));
  }
  return out;
}
