import { FLOW_MOD_COMMANDS, newFlowMod, type FlowMod, type FlowModCommand } from './flow-mod.js';
import type { FieldName, Match } from './oxm.js';
import { L4, allOnes, bad, big, fieldNamed, num, parseValue, port, splitTop } from './parse-values.js';
import { parseInstructions } from './parse-actions.js';

export { parseActions, parseInstructions } from './parse-actions.js';
export { parseSubfield, parseValue, splitTop } from './parse-values.js';

/**
 * Parses ovs-ofctl flow syntax (`table=0,priority=100,tcp,tp_dst=80,actions=ct(commit),output:2`) into the FlowMod
 * ovs-ofctl would send for OpenFlow 1.3. Covers the match fields and actions loris models; anything else throws
 * InvalidArgumentError naming the unsupported word.
 */

const SHORTHANDS: Record<string, Match> = {
  ip: { ethType: 0x0800 },
  ipv6: { ethType: 0x86dd },
  tcp: { ethType: 0x0800, ipProto: 6 },
  tcp6: { ethType: 0x86dd, ipProto: 6 },
  udp: { ethType: 0x0800, ipProto: 17 },
  udp6: { ethType: 0x86dd, ipProto: 17 },
  sctp: { ethType: 0x0800, ipProto: 132 },
  sctp6: { ethType: 0x86dd, ipProto: 132 },
  icmp: { ethType: 0x0800, ipProto: 1 },
  icmp6: { ethType: 0x86dd, ipProto: 58 },
  arp: { ethType: 0x0806 },
  rarp: { ethType: 0x8035 },
  mpls: { ethType: 0x8847 },
  mplsm: { ethType: 0x8848 },
};
const FLAGS: Record<string, number> = {
  send_flow_rem: 1,
  check_overlap: 2,
  reset_counts: 4,
  no_packet_counts: 8,
  no_byte_counts: 16,
};

/** Parses flow text; `command` selects what the FlowMod does (ovs-ofctl add-flow = 'add'). */
export function parseFlow(text: string, command: FlowModCommand = 'add'): FlowMod {
  if (!FLOW_MOD_COMMANDS.includes(command)) bad(`unknown command ${command}`);
  const fm = newFlowMod({ command });
  // ovs-ofctl separates the actions with a comma or with whitespace (`priority=1 actions=drop`).
  const parts = splitTop(text.replace(/\s+(actions=)/, ',$1').replace(/\s+/g, ''));
  const deferred: Array<[string, string]> = [];
  const m: Record<string, unknown> = {};
  let actions: string | undefined;
  for (const p of parts) {
    if (actions !== undefined) {
      actions += `,${p}`;
      continue;
    }
    const eq = p.indexOf('=');
    const key = eq < 0 ? p : p.slice(0, eq);
    const val = eq < 0 ? '' : p.slice(eq + 1);
    if (key === 'actions') actions = val;
    else if (SHORTHANDS[key]) Object.assign(m, SHORTHANDS[key]);
    else if (FLAGS[key] !== undefined) fm.flags |= FLAGS[key];
    else if (key === 'table') fm.tableId = num(val);
    else if (key === 'priority') fm.priority = num(val);
    else if (key === 'idle_timeout') fm.idleTimeout = num(val);
    else if (key === 'hard_timeout') fm.hardTimeout = num(val);
    else if (key === 'importance')
      continue; // OpenFlow 1.4+
    else if (key === 'out_port') fm.outPort = port(val);
    else if (key === 'out_group') fm.outGroup = num(val);
    else if (key === 'cookie') {
      const [c, mask] = val.split('/');
      fm.cookie = big(c);
      if (mask !== undefined) fm.cookieMask = mask === '-1' ? 0xffffffffffffffffn : big(mask);
    } else deferred.push([key, val]);
  }
  // Fields whose meaning depends on the protocol (tp_dst, icmp_type, nw_src for ARP) go after the shorthands.
  for (const [key, val] of deferred) parseMatchField(m, key, val);
  fm.match = m as Match;
  if (command === 'delete' || command === 'delete_strict') {
    if (!parts.some((p) => p.startsWith('table='))) fm.tableId = 0xff;
  }
  fm.instructions = actions === undefined ? [] : parseInstructions(actions, m as Match);
  return fm;
}

function parseMatchField(m: Record<string, unknown>, key: string, val: string): void {
  const ethType = m.ethType as number | undefined;
  const proto = m.ipProto as number | undefined;
  if (key === 'dl_vlan') return void (m.vlanVid = 0x1000 | num(val));
  if (key === 'dl_vlan_pcp') {
    m.vlanVid ??= { value: 0x1000, mask: 0x1000 };
    return void (m.vlanPcp = num(val));
  }
  if (key === 'vlan_tci') {
    const [v, mk] = val.split('/').map(num);
    const mask = mk ?? 0xffff;
    if ((mask & 0x1fff) === 0x1fff) m.vlanVid = v & 0x1fff;
    else if (mask & 0x1fff) m.vlanVid = { value: v & 0x1fff, mask: mask & 0x1fff };
    if ((mask & 0xe000) === 0xe000 && v & 0x1000) m.vlanPcp = v >>> 13;
    return;
  }
  if (key === 'nw_tos') return void (m.ipDscp = num(val) >> 2);
  if (key === 'ip_dscp') return void (m.ipDscp = num(val));
  if ((key === 'tp_src' || key === 'tp_dst') && proto !== undefined && L4[proto]) {
    const f = L4[proto][key === 'tp_src' ? 0 : 1];
    return void (m[f] = parseValue(f, val));
  }
  if (key === 'icmp_type' || key === 'icmp_code') {
    const f: FieldName =
      ethType === 0x86dd
        ? key === 'icmp_type'
          ? 'icmpv6Type'
          : 'icmpv6Code'
        : key === 'icmp_type'
          ? 'icmpv4Type'
          : 'icmpv4Code';
    return void (m[f] = parseValue(f, val));
  }
  const isArp = ethType === 0x0806 || ethType === 0x8035;
  if (isArp && (key === 'nw_src' || key === 'nw_dst' || key === 'nw_proto')) {
    const f: FieldName = key === 'nw_src' ? 'arpSpa' : key === 'nw_dst' ? 'arpTpa' : 'arpOp';
    return void (m[f] = parseValue(f, val));
  }
  const xreg = /^xreg(\d)$/.exec(key);
  if (xreg) {
    const v = parseValue('xreg0', val);
    const [value, mask] =
      typeof v === 'object' ? [big(String(v.value)), big(String(v.mask))] : [big(String(v)), 0xffffffffffffffffn];
    const i = Number(xreg[1]) * 2;
    const half = (x: bigint, hi: boolean): number => Number(hi ? x >> 32n : x & 0xffffffffn);
    for (const [r, hi] of [
      [i, true],
      [i + 1, false],
    ] as const) {
      const mk = half(mask, hi);
      if (mk) m[`reg${r}`] = mk === 0xffffffff ? half(value, hi) : { value: half(value, hi), mask: mk };
    }
    return;
  }
  const f = fieldNamed(key);
  const v = parseValue(f, val);
  m[f] = typeof v === 'object' && allOnes(f, v.mask) ? v.value : v;
}
