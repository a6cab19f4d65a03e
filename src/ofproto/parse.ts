import { InvalidArgumentError } from '../errors.js';
import { parseIpv4 } from './addr.js';
import type { Action } from './actions.js';
import { OFPP_CONTROLLER } from './actions.js';
import { FLOW_MOD_COMMANDS, newFlowMod, type FlowMod, type FlowModCommand } from './flow-mod.js';
import {
  controller,
  ct,
  field,
  learn,
  load,
  move,
  nat,
  note,
  output,
  resubmit,
  type ControllerOptions,
  type CtOptions,
  type LearnOptions,
} from './flow.js';
import type { Instruction } from './instructions.js';
import type { FieldSlice, LearnSpec, NatAction } from './nx-actions.js';
import { FIELD_BY_NAME, OXM_FIELDS, type AnyFieldValue, type FieldName, type Masked, type Match } from './oxm.js';
import {
  CT_STATE_BITS,
  FIELD_NAMES,
  MULTIPATH_ALGORITHMS,
  MULTIPATH_FIELDS,
  BUNDLE_ALGORITHMS,
  PORT_NAMES,
  TCP_FLAG_BITS,
  TUN_FLAG_BITS,
} from './print-names.js';

/**
 * Parses ovs-ofctl flow syntax (`table=0,priority=100,tcp,tp_dst=80,actions=ct(commit),output:2`) into the FlowMod
 * ovs-ofctl would send for OpenFlow 1.3. Covers the match fields and actions loris models; anything else throws
 * InvalidArgumentError naming the unsupported word.
 */

const bad = (what: string): never => {
  throw new InvalidArgumentError(`cannot parse flow: ${what}`);
};

/** Splits on commas that are not inside parentheses or brackets. */
export function splitTop(s: string, sep = ','): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of s) {
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    if (c === sep && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur !== '' || out.length) out.push(cur);
  return out.map((x) => x.trim()).filter((x) => x !== '');
}

const num = (s: string): number => {
  const v = Number(s);
  if (s === '' || !Number.isFinite(v) || !Number.isInteger(v)) bad(`"${s}" is not an integer`);
  return v;
};
const big = (s: string): bigint => {
  try {
    return BigInt(s);
  } catch {
    return bad(`"${s}" is not an integer`);
  }
};

const PORT_BY_NAME: Record<string, number> = Object.fromEntries(
  Object.entries(PORT_NAMES).map(([k, v]) => [v, Number(k)]),
);
const port = (s: string): number => PORT_BY_NAME[s.toUpperCase()] ?? num(s);

/** Field by meta-flow name, NXM/OXM name or a common ovs-ofctl alias. */
const ALIASES: Record<string, FieldName> = {
  dl_src: 'ethSrc',
  dl_dst: 'ethDst',
  dl_type: 'ethType',
  nw_src: 'ipv4Src',
  nw_dst: 'ipv4Dst',
  nw_proto: 'ipProto',
  ip_proto: 'ipProto',
  nw_ecn: 'ipEcn',
  ip_ecn: 'ipEcn',
  nw_ttl: 'ipTtl',
  nw_frag: 'ipFrag',
  ip_frag: 'ipFrag',
  tun_id: 'tunnelId',
  tunnel_id: 'tunnelId',
  tun_src: 'tunIpv4Src',
  tun_dst: 'tunIpv4Dst',
  ipv6_label: 'ipv6Flabel',
  icmp_type: 'icmpv4Type',
  icmp_code: 'icmpv4Code',
  in_port: 'inPort',
};
const BY_NAME: Record<string, FieldName> = {};
for (const d of OXM_FIELDS) {
  BY_NAME[FIELD_NAMES[d.name].mf] ??= d.name;
  BY_NAME[FIELD_NAMES[d.name].nxm] = d.name;
}
Object.assign(BY_NAME, ALIASES, {
  NXM_OF_IN_PORT: 'nxmInPort',
  OXM_OF_IN_PORT: 'inPort',
  NXM_NX_TUN_ID: 'tunnelId',
  OXM_OF_TUNNEL_ID: 'tunnelId',
});
const fieldNamed = (s: string): FieldName => BY_NAME[s] ?? bad(`unknown field "${s}"`);

/** `NAME[]`, `NAME[5]`, `NAME[0..15]`. */
export function parseSubfield(s: string): FieldSlice {
  const m = /^([A-Za-z0-9_]+)\[(\d*)(?:\.\.(\d+))?\]$/.exec(s.trim());
  if (!m) return bad(`"${s}" is not a subfield like NXM_NX_REG0[0..15]`);
  const name = fieldNamed(m[1]);
  const width = FIELD_NAMES[name].bits ?? FIELD_BY_NAME[name].width * 8;
  if (m[2] === '') return field(name, 0, width);
  const lo = Number(m[2]);
  const hi = m[3] === undefined ? lo : Number(m[3]);
  return field(name, lo, hi - lo + 1);
}

function flagValue(names: readonly string[], s: string): Masked<number> {
  let value = 0;
  let mask = 0;
  for (const m of s.matchAll(/([+-])([a-z]+)/g)) {
    const bit = names.indexOf(m[2]);
    if (bit < 0) bad(`unknown flag "${m[2]}"`);
    mask |= 1 << bit;
    if (m[1] === '+') value |= 1 << bit;
  }
  return { value, mask };
}

/** A field value in ovs-ofctl text (`10.0.0.0/8`, `0x5/0xff`, `+trk-est`, `first`). */
export function parseValue(name: FieldName, text: string): AnyFieldValue | Masked<AnyFieldValue> {
  const d = FIELD_BY_NAME[name];
  const fmt = FIELD_NAMES[name].fmt;
  if (fmt === 'ct_state' && /^[+-]/.test(text)) return flagValue(CT_STATE_BITS, text);
  if (fmt === 'tcp_flags' && /^[+-]/.test(text)) return flagValue(TCP_FLAG_BITS, text);
  if (fmt === 'tun_flags' && /^[+-]/.test(text)) return flagValue(TUN_FLAG_BITS, text);
  if (fmt === 'frag') {
    const F: Record<string, Masked<number>> = {
      no: { value: 0, mask: 3 },
      yes: { value: 1, mask: 1 },
      first: { value: 1, mask: 3 },
      later: { value: 3, mask: 3 },
      not_later: { value: 0, mask: 2 },
    };
    return F[text] ?? bad(`nw_frag "${text}"`);
  }
  const [v, m] = text.split('/');
  const one = (s: string): AnyFieldValue => {
    switch (d.codec) {
      case 'mac':
      case 'ipv6':
        return s.toLowerCase();
      case 'ipv4':
        return parseIpv4(s) >= 0 ? s : bad(`"${s}" is not an IPv4 address`);
      case 'u64':
      case 'u128':
        return big(s);
      default:
        return fmt === 'port' ? port(s) : num(s);
    }
  };
  if (m === undefined) return one(v);
  if ((d.codec === 'ipv4' || d.codec === 'ipv6') && /^\d+$/.test(m))
    return { value: one(v), mask: prefixMask(d.codec, Number(m)) };
  return { value: one(v), mask: one(m) };
}

function prefixMask(codec: 'ipv4' | 'ipv6', bits: number): string {
  if (codec === 'ipv4') {
    const n = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  }
  const groups: string[] = [];
  for (let i = 0; i < 8; i++) {
    const b = Math.max(0, Math.min(16, bits - 16 * i));
    groups.push(((0xffff << (16 - b)) & 0xffff).toString(16));
  }
  return groups
    .join(':')
    .replace(/(^|:)0(:0)+$/, '::')
    .replace(/^::$/, '::');
}

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
const L4: Record<number, [FieldName, FieldName]> = {
  6: ['tcpSrc', 'tcpDst'],
  17: ['udpSrc', 'udpDst'],
  132: ['sctpSrc', 'sctpDst'],
};

/** Parses flow text; `command` selects what the FlowMod does (ovs-ofctl add-flow = 'add'). */
export function parseFlow(text: string, command: FlowModCommand = 'add'): FlowMod {
  if (!FLOW_MOD_COMMANDS.includes(command)) bad(`unknown command ${command}`);
  const fm = newFlowMod({ command });
  const parts = splitTop(text.replace(/\s+/g, ''));
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

function allOnes(f: FieldName, mask: AnyFieldValue): boolean {
  const d = FIELD_BY_NAME[f];
  const bits = FIELD_NAMES[f].bits;
  // nw_frag's two meaningful bits fully masked is an exact match (ovs-ofctl sends it unmasked).
  if (f === 'ipFrag' && bits !== undefined && typeof mask === 'number') return mask === 2 ** bits - 1;
  if (typeof mask === 'string')
    return d.codec === 'mac'
      ? mask === 'ff:ff:ff:ff:ff:ff'
      : d.codec === 'ipv4'
        ? mask === '255.255.255.255'
        : /^(ffff:){7}ffff$/.test(mask);
  return BigInt(mask) === (1n << BigInt(d.width * 8)) - 1n;
}

/** `key=value` options inside parentheses (`controller(reason=no_match,pause)`). */
function options(s: string): Array<[string, string]> {
  return splitTop(s).map((p) => {
    const eq = p.indexOf('=');
    return eq < 0 ? [p, ''] : [p.slice(0, eq), p.slice(eq + 1)];
  });
}
const inner = (s: string, name: string): string => s.slice(name.length + 1, -1);
const hexBytes = (s: string): Buffer => Buffer.from(s.replace(/\./g, ''), 'hex');

/** Instruction list in ovs-ofctl syntax (what follows `actions=`). */
export function parseInstructions(text: string, match: Match = {}): Instruction[] {
  const applyText: string[] = [];
  const ins: Instruction[] = [];
  let meter: number | undefined;
  let clear = false;
  let write: Action[] | undefined;
  let metadata: { metadata: bigint; mask: bigint } | undefined;
  let goto: number | undefined;
  for (const a of splitTop(text)) {
    if (a.startsWith('meter:')) meter = num(a.slice(6));
    else if (a === 'clear_actions') clear = true;
    else if (a.startsWith('write_actions(')) write = parseActions(inner(a, 'write_actions'), match);
    else if (a.startsWith('write_metadata:')) {
      const [v, mk] = a.slice(15).split('/');
      metadata = { metadata: big(v), mask: mk === undefined ? 0xffffffffffffffffn : big(mk) };
    } else if (a.startsWith('goto_table:')) goto = num(a.slice(11));
    else applyText.push(a);
  }
  const apply = parseActions(applyText.join(','), match);
  if (meter !== undefined) ins.push({ type: 'meter', meterId: meter });
  if (apply.length) ins.push({ type: 'apply_actions', actions: apply });
  if (clear) ins.push({ type: 'clear_actions' });
  if (write) ins.push({ type: 'write_actions', actions: write });
  if (metadata) ins.push({ type: 'write_metadata', ...metadata });
  if (goto !== undefined) ins.push({ type: 'goto_table', tableId: goto });
  return ins;
}

/** set_field with a partial mask is sent as NXAST_REG_LOAD by ovs-ofctl for OpenFlow 1.3. */
function setFieldAction(f: FieldName, v: AnyFieldValue | Masked<AnyFieldValue>): Action[] {
  if (typeof v !== 'object' || allOnes(f, v.mask))
    return [{ type: 'set_field', field: f, value: typeof v === 'object' ? v.value : v }];
  const mask = BigInt(v.mask as number | bigint);
  const value = BigInt(v.value as number | bigint);
  const out: Action[] = [];
  for (let ofs = 0, width = FIELD_BY_NAME[f].width * 8; ofs < width;) {
    if (!((mask >> BigInt(ofs)) & 1n)) {
      ofs++;
      continue;
    }
    let n = 0;
    while (ofs + n < width && (mask >> BigInt(ofs + n)) & 1n) n++;
    out.push(load((value >> BigInt(ofs)) & ((1n << BigInt(n)) - 1n), field(f, ofs, n)));
    ofs += n;
  }
  return out;
}

const MOD_FIELDS: Record<string, FieldName> = {
  mod_dl_src: 'ethSrc',
  mod_dl_dst: 'ethDst',
  mod_nw_src: 'ipv4Src',
  mod_nw_dst: 'ipv4Dst',
  mod_nw_ecn: 'ipEcn',
  set_mpls_label: 'mplsLabel',
  set_mpls_tc: 'mplsTc',
};

/** One comma-separated action list (no instructions). */
export function parseActions(text: string, match: Match = {}): Action[] {
  const out: Action[] = [];
  for (const a of splitTop(text))
    out.push(
      ...parseAction(
        a,
        match,
        out.some((x) => x.type === 'push_vlan'),
      ),
    );
  return out;
}

function parseAction(a: string, match: Match, vlanPushed: boolean): Action[] {
  const colon = a.indexOf(':');
  const paren = a.indexOf('(');
  const word = (
    paren >= 0 && (colon < 0 || paren < colon) ? a.slice(0, paren) : colon >= 0 ? a.slice(0, colon) : a
  ).toLowerCase();
  const arg = colon >= 0 && (paren < 0 || colon < paren) ? a.slice(colon + 1) : '';
  const proto = match.ipProto as number | undefined;
  switch (word) {
    case 'drop':
      return [];
    case 'output':
      return [/\[/.test(arg) ? { type: 'output_reg', src: parseSubfield(arg), maxLen: 0xffff } : output(port(arg))];
    case 'normal':
    case 'flood':
    case 'all':
    case 'local':
    case 'in_port':
      return [output(port(word))];
    case 'controller': {
      if (paren < 0) return [output(OFPP_CONTROLLER, arg && num(arg) !== 0xffff ? num(arg) : undefined)];
      const o: ControllerOptions = {};
      for (const [k, v] of options(inner(a, 'controller'))) {
        if (k === 'max_len') o.maxLen = num(v);
        else if (k === 'id') o.id = num(v);
        else if (k === 'reason') o.reason = v as ControllerOptions['reason'];
        else if (k === 'userdata') o.userdata = hexBytes(v);
        else if (k === 'pause') o.pause = true;
        else if (k === 'meter_id') o.meterId = num(v);
        else bad(`controller option ${k}`);
      }
      return [controller(o)];
    }
    case 'set_field': {
      const [v, f] = arg.split('->');
      const name = fieldNamed(f);
      return setFieldAction(name, parseValue(name, v));
    }
    case 'load': {
      const [v, dst] = arg.split('->');
      return [load(big(v), parseSubfield(dst))];
    }
    case 'move': {
      const [src, dst] = arg.split('->');
      return [move(parseSubfield(src), parseSubfield(dst))];
    }
    case 'resubmit': {
      if (paren < 0) return [resubmit(port(arg))];
      const [p, t, c] = inner(a, 'resubmit').split(',');
      return [resubmit(p ? port(p) : undefined, t ? num(t) : undefined, { ct: c === 'ct' })];
    }
    case 'group':
      return [{ type: 'group', groupId: num(arg) }];
    case 'set_queue':
      return [{ type: 'set_queue', queueId: num(arg) }];
    case 'pop_queue':
      return [{ type: 'pop_queue' }];
    case 'push_vlan':
      return [{ type: 'push_vlan', ethertype: num(arg) }];
    case 'pop_vlan':
      return [{ type: 'pop_vlan' }];
    case 'push_mpls':
      return [{ type: 'push_mpls', ethertype: num(arg) }];
    case 'pop_mpls':
      return [{ type: 'pop_mpls', ethertype: num(arg) }];
    case 'set_mpls_ttl':
      return [{ type: 'set_mpls_ttl', ttl: num(arg || inner(a, 'set_mpls_ttl')) }];
    case 'dec_mpls_ttl':
      return [{ type: 'dec_mpls_ttl' }];
    case 'mod_nw_ttl':
      return [{ type: 'set_nw_ttl', ttl: num(arg) }];
    case 'dec_ttl':
      return paren < 0
        ? [{ type: 'dec_nw_ttl' }]
        : [{ type: 'dec_ttl', controllerIds: inner(a, 'dec_ttl').split(',').map(num) }];
    case 'mod_nw_tos':
      return [{ type: 'set_field', field: 'ipDscp', value: num(arg) >> 2 }];
    case 'mod_tp_src':
    case 'mod_tp_dst': {
      const f = proto !== undefined ? L4[proto]?.[word === 'mod_tp_src' ? 0 : 1] : undefined;
      return f
        ? [{ type: 'set_field', field: f, value: num(arg) }]
        : bad(`${word} needs tcp, udp or sctp in the match`);
    }
    case 'mod_vlan_vid':
    case 'mod_vlan_pcp': {
      const f: FieldName = word === 'mod_vlan_vid' ? 'vlanVid' : 'vlanPcp';
      const set: Action = { type: 'set_field', field: f, value: f === 'vlanVid' ? 0x1000 | num(arg) : num(arg) };
      return match.vlanVid === undefined && !vlanPushed ? [{ type: 'push_vlan', ethertype: 0x8100 }, set] : [set];
    }
    case 'set_tunnel':
    case 'set_tunnel64':
      return [{ type: 'set_field', field: 'tunnelId', value: big(arg) }];
    case 'note':
      return [note(hexBytes(arg))];
    case 'exit':
      return [{ type: 'exit' }];
    case 'ct_clear':
      return [{ type: 'ct_clear' }];
    case 'clone':
      return [{ type: 'clone', actions: parseActions(inner(a, 'clone'), match) }];
    case 'conjunction': {
      const [id, kn] = inner(a, 'conjunction').split(',');
      const [k, n] = kn.split('/').map(num);
      return [{ type: 'conjunction', id: num(id), clause: k, nClauses: n }];
    }
    case 'fin_timeout': {
      let idle = 0;
      let hard = 0;
      for (const [k, v] of options(inner(a, 'fin_timeout')))
        if (k === 'idle_timeout') idle = num(v);
        else if (k === 'hard_timeout') hard = num(v);
      return [{ type: 'fin_timeout', idleTimeout: idle, hardTimeout: hard }];
    }
    case 'ct':
      return [parseCt(paren < 0 ? '' : inner(a, 'ct'), match)];
    case 'multipath': {
      const [f, basis, alg, n, arg2, dst] = splitTop(inner(a, 'multipath'));
      return [
        {
          type: 'multipath',
          fields: MULTIPATH_FIELDS.indexOf(f),
          basis: num(basis),
          algorithm: MULTIPATH_ALGORITHMS.indexOf(alg),
          maxLink: num(n) - 1,
          arg: num(arg2),
          dst: parseSubfield(dst),
        },
      ];
    }
    case 'bundle':
    case 'bundle_load': {
      const args = splitTop(inner(a, word));
      const members = a
        .slice(a.indexOf('members:') + 8, -1)
        .split(',')
        .map(num);
      const base = {
        type: 'bundle' as const,
        fields: MULTIPATH_FIELDS.indexOf(args[0]),
        basis: num(args[1]),
        algorithm: BUNDLE_ALGORITHMS.indexOf(args[2]),
        slaveType: 0x00000002,
        slaves: members,
      };
      return [word === 'bundle_load' ? { ...base, load: parseSubfield(args[4]) } : base];
    }
    case 'learn':
      return [parseLearn(inner(a, 'learn'))];
    default: {
      const f = MOD_FIELDS[word];
      if (f) return [{ type: 'set_field', field: f, value: parseValue(f, arg) as AnyFieldValue }];
      if (/^\d+$/.test(a)) return [output(num(a))];
      return bad(`unsupported action "${a}"`);
    }
  }
}

function parseCt(text: string, match: Match): Action {
  const o: CtOptions = { actions: [] };
  for (const [k, v] of options(text)) {
    if (k === 'commit') o.commit = true;
    else if (k === 'force') o.force = true;
    else if (k === 'table') o.table = num(v);
    else if (k === 'zone') o.zone = /\[/.test(v) ? parseSubfield(v) : num(v);
    else if (k === 'alg') o.alg = v === 'ftp' || v === 'tftp' ? v : num(v);
    else if (k.startsWith('exec(')) o.actions?.push(...parseActions(k.slice(5, -1) + (v ? `=${v}` : ''), match));
    else if (k === 'nat' || k.startsWith('nat('))
      o.actions?.unshift(parseNat(k === 'nat' ? '' : `${k.slice(4)}${v ? `=${v}` : ''}`.replace(/\)$/, '')));
    else bad(`ct option ${k}`);
  }
  return ct(o);
}

function parseNat(text: string): Action {
  const o: Omit<NatAction, 'type'> = {};
  for (const [k, v] of options(text)) {
    if (k === 'src' || k === 'dst') {
      o[k] = true;
      if (!v) continue;
      const m = /^(\[[^\]]+\]|[^:[\]-]+)(?:-(\[[^\]]+\]|[^:[\]]+))?(?::(\d+)(?:-(\d+))?)?$/.exec(v);
      if (!m) bad(`nat address "${v}"`);
      const strip = (x: string): string => x.replace(/^\[|\]$/g, '');
      const lo = strip(m?.[1] ?? '');
      const hi = m?.[2] ? strip(m[2]) : undefined;
      if (lo.includes(':')) {
        o.ipv6Min = lo;
        if (hi) o.ipv6Max = hi;
      } else {
        o.ipv4Min = lo;
        if (hi) o.ipv4Max = hi;
      }
      if (m?.[3]) o.protoMin = num(m[3]);
      if (m?.[4]) o.protoMax = num(m[4]);
    } else if (k === 'persistent' || k === 'hash' || k === 'random') o[k] = true;
    else bad(`nat option ${k}`);
  }
  return nat(o);
}

function parseLearn(text: string): Action {
  const o: LearnOptions = {};
  const specs: LearnSpec[] = [];
  for (const [k, v] of options(text)) {
    if (k === 'table') o.table = num(v);
    else if (k === 'priority') o.priority = num(v);
    else if (k === 'idle_timeout') o.idleTimeout = num(v);
    else if (k === 'hard_timeout') o.hardTimeout = num(v);
    else if (k === 'fin_idle_timeout') o.finIdleTimeout = num(v);
    else if (k === 'fin_hard_timeout') o.finHardTimeout = num(v);
    else if (k === 'cookie') o.cookie = big(v);
    else if (k === 'send_flow_rem') o.sendFlowRem = true;
    else if (k === 'delete_learned') o.deleteLearned = true;
    else if (k.startsWith('load:') || k.startsWith('output:')) {
      const body = k.slice(k.indexOf(':') + 1) + (v ? `=${v}` : '');
      if (k.startsWith('output:')) {
        const s = parseSubfield(body);
        specs.push({ dst: 'output', nBits: s.nBits, src: { field: s.field, ofs: s.ofs } });
      } else {
        const [src, dst] = body.split('->');
        const d = parseSubfield(dst);
        if (/\[/.test(src)) {
          const s = parseSubfield(src);
          specs.push({ dst: 'load', nBits: d.nBits, src: { field: s.field, ofs: s.ofs }, field: d.field, ofs: d.ofs });
        } else specs.push({ dst: 'load', nBits: d.nBits, src: { value: big(src) }, field: d.field, ofs: d.ofs });
      }
    } else if (/\[/.test(k)) {
      const d = parseSubfield(k);
      const s = v ? parseSubfield(v) : d;
      specs.push({ dst: 'match', nBits: d.nBits, src: { field: s.field, ofs: s.ofs }, field: d.field, ofs: d.ofs });
    } else {
      const f = fieldNamed(k);
      const val = parseValue(f, v);
      const def = FIELD_BY_NAME[f];
      const bits = FIELD_NAMES[f].bits ?? def.width * 8;
      specs.push({
        dst: 'match',
        nBits: bits,
        src: { value: immediate(def.codec, val as AnyFieldValue) },
        field: f,
        ofs: 0,
      });
    }
  }
  return learn(o, ...specs);
}

function immediate(codec: string, v: AnyFieldValue): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(v);
  if (codec === 'ipv4') return BigInt(parseIpv4(v));
  if (codec === 'mac') return BigInt(`0x${v.replace(/:/g, '')}`);
  return bad(`learn immediate ${v}`);
}
