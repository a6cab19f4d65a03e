import { ipv6Groups } from './addr.js';
import {
  FIELD_BY_NAME,
  isMasked,
  type AnyFieldDef,
  type AnyFieldValue,
  type FieldName,
  type Masked,
  type Match,
} from './oxm.js';
import { OFP_DEFAULT_PRIORITY, type FlowMod } from './flow-mod.js';
import type { Instruction } from './instructions.js';
import { CT_STATE_BITS, FIELD_NAMES, PORT_NAMES, TCP_FLAG_BITS, TUN_FLAG_BITS } from './print-names.js';
import { formatActions } from './print-actions.js';
import type { FlowStats } from './multipart-flow.js';

export { formatActions } from './print-actions.js';

/** Printing of matches, instructions and whole flows the way ovs-ofctl prints them. */

/** A port number as ovs-ofctl prints it (reserved ports by name). */
export function formatPort(port: number): string {
  return PORT_NAMES[port] ?? String(port);
}

const hex = (v: number | bigint): string => `0x${v.toString(16)}`;
/** C's `%#x`: like hex() but zero prints as a bare "0" (how OVS prints match and set_field values). */
export const altHex = (v: number | bigint): string => (v === 0 || v === 0n ? '0' : hex(v));

function ones(d: AnyFieldDef): bigint {
  return (1n << BigInt(d.width * 8)) - 1n;
}

function big(v: AnyFieldValue): bigint {
  return typeof v === 'bigint' ? v : BigInt(v);
}

/** Prefix length if `mask` (width bits) is a CIDR mask, else -1. */
function prefixLen(mask: bigint, width: number): number {
  const inv = ((1n << BigInt(width)) - 1n) ^ mask;
  if ((inv & (inv + 1n)) !== 0n) return -1;
  let n = width;
  for (let x = inv; x > 0n; x >>= 1n) n--;
  return n;
}

function ipv6Big(s: string): bigint {
  return (ipv6Groups(s) ?? []).reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

function addrMasked(v: string, mask: string, kind: 'ipv4' | 'ipv6'): string {
  const m = kind === 'ipv4' ? BigInt(ipv4Num(mask)) : ipv6Big(mask);
  const width = kind === 'ipv4' ? 32 : 128;
  if (m === (1n << BigInt(width)) - 1n) return v;
  const p = prefixLen(m, width);
  return p >= 0 ? `${v}/${p}` : `${v}/${mask}`;
}

function ipv4Num(s: string): number {
  return s.split('.').reduce((acc, x) => acc * 256 + Number(x), 0);
}

function flags(names: readonly string[], value: number, mask: number): string {
  let out = '';
  for (let i = 0; i < names.length; i++) if (mask & (1 << i)) out += `${value & (1 << i) ? '+' : '-'}${names[i]}`;
  return out;
}

/** A field value the way ovs-ofctl prints it in a match (`name=` not included); masks as `/mask` or `/prefix`. */
export function formatFieldValue(name: FieldName, v: AnyFieldValue | Masked<AnyFieldValue>): string {
  const d = FIELD_BY_NAME[name];
  const { fmt } = FIELD_NAMES[name];
  const masked = isMasked(v) && (typeof v.mask === 'string' ? !/^(ff:){5}ff$/.test(v.mask) : big(v.mask) !== ones(d));
  const value = isMasked(v) ? v.value : v;
  const mask = isMasked(v) ? v.mask : undefined;
  switch (fmt) {
    case 'mac':
      return masked ? `${value}/${mask}` : String(value);
    case 'ipv4':
    case 'ipv6':
      return mask !== undefined ? addrMasked(String(value), String(mask), fmt) : String(value);
    case 'port':
      return formatPort(Number(value));
    case 'ct_state':
      return flags(CT_STATE_BITS, Number(value), mask === undefined ? 0xff : Number(mask));
    case 'tcp_flags':
      return masked ? flags(TCP_FLAG_BITS, Number(value), Number(mask)) : hex(big(value));
    case 'tun_flags':
      return flags(TUN_FLAG_BITS, Number(value), mask === undefined ? 1 : Number(mask));
    case 'frag':
      return formatFrag(Number(value), mask === undefined ? 3 : Number(mask));
    case 'dec':
      return masked ? `${altHex(big(value))}/${altHex(big(mask ?? 0))}` : String(value);
    case 'hex':
    case 'hex16':
      if (masked && name === 'ipv6Flabel')
        return `0x${big(value).toString(16).padStart(5, '0')}/0x${big(mask ?? 0)
          .toString(16)
          .padStart(5, '0')}`;
      return masked ? `${altHex(big(value))}/${altHex(big(mask ?? 0))}` : altHex(big(value));
  }
}

function formatFrag(v: number, m: number): string {
  const ANY = 1;
  const LATER = 2;
  switch (m & 3) {
    case ANY | LATER:
      return v & ANY ? (v & LATER ? 'later' : 'first') : v & LATER ? '<error>' : 'no';
    case ANY:
      return v & ANY ? 'yes' : 'no';
    case LATER:
      return v & LATER ? 'later' : 'not_later';
    default:
      return `${hex(v)}/${hex(m)}`;
  }
}

const IP_PROTOS: Readonly<Record<number, Readonly<Record<number, string>>>> = {
  0x0800: { 1: 'icmp', 6: 'tcp', 17: 'udp', 132: 'sctp' },
  0x86dd: { 58: 'icmp6', 6: 'tcp6', 17: 'udp6', 132: 'sctp6' },
};
const ETH_TYPES: Readonly<Record<number, string>> = {
  0x0800: 'ip',
  0x86dd: 'ipv6',
  0x0806: 'arp',
  0x8035: 'rarp',
  0x8847: 'mpls',
  0x8848: 'mplsm',
};
const METADATA_FIELD =
  /^(inPort|nxmInPort|inPhyPort|reg\d+|xreg\d|tun\w+|tunnelId|metadata|pktMark|ct\w+|conjId|dpHash|recircId)$/;
const REGS = Array.from({ length: 16 }, (_, i) => `reg${i}` as FieldName);
const XREGS = Array.from({ length: 8 }, (_, i) => `xreg${i}` as FieldName);

/** VLAN TCI and mask from vlanVid/vlanPcp (OXM) or vlanTci (NXM). */
function vlanText(m: Match): string | undefined {
  let tci = 0;
  let mask = 0;
  const raw = m.vlanTci;
  if (raw !== undefined) {
    tci = isMasked(raw) ? raw.value : raw;
    mask = isMasked(raw) ? raw.mask : 0xffff;
  }
  const vid = m.vlanVid;
  if (vid !== undefined) {
    tci |= (isMasked(vid) ? vid.value : vid) & 0x1fff;
    mask |= (isMasked(vid) ? vid.mask : 0x1fff) & 0x1fff;
  }
  const pcp = m.vlanPcp;
  if (pcp !== undefined) {
    tci |= ((isMasked(pcp) ? pcp.value : pcp) & 7) << 13;
    mask |= 0xe000;
  }
  if (mask === 0) return undefined;
  const vidMask = mask & 0x0fff;
  const pcpMask = mask & 0xe000;
  if (
    mask & 0x1000 &&
    tci & 0x1000 &&
    (vidMask === 0 || vidMask === 0x0fff) &&
    (pcpMask === 0 || pcpMask === 0xe000) &&
    (vidMask || pcpMask)
  ) {
    const out: string[] = [];
    if (vidMask) out.push(`dl_vlan=${tci & 0x0fff}`);
    if (pcpMask) out.push(`dl_vlan_pcp=${tci >>> 13}`);
    return out.join(',');
  }
  const h4 = (x: number): string => `0x${x.toString(16).padStart(4, '0')}`;
  return mask === 0xffff ? `vlan_tci=${h4(tci)}` : `vlan_tci=${h4(tci)}/${h4(mask)}`;
}

/**
 * A match as ovs-ofctl prints it (`priority=100,tcp,in_port=3,tp_dst=80`), in Open vSwitch's field order.
 * `priority` is printed first when given and not the default 32768.
 */
export function formatMatch(m: Match, priority?: number): string {
  const out: string[] = [];
  const put = (name: FieldName, label = FIELD_NAMES[name].mf): void => {
    const v = m[name];
    if (v !== undefined) out.push(`${label}=${formatFieldValue(name, v)}`);
  };
  if (priority !== undefined && priority !== OFP_DEFAULT_PRIORITY) out.push(`priority=${priority}`);
  put('pktMark');
  put('recircId');
  put('dpHash');
  put('conjId');
  put('ctState');
  put('ctZone');
  put('ctMark');
  put('ctLabel');
  const ethType = typeof m.ethType === 'number' ? m.ethType : undefined;
  const ipProto = typeof m.ipProto === 'number' ? m.ipProto : undefined;
  let skipType = false;
  let skipProto = false;
  // Megaflow-style matches (recirc_id set) say `eth` when any Ethernet-or-above field is matched.
  if (m.recircId !== undefined && Object.keys(m).some((k) => !METADATA_FIELD.test(k))) out.push('eth');
  if (ethType !== undefined) {
    const proto = ipProto !== undefined ? IP_PROTOS[ethType]?.[ipProto] : undefined;
    if (proto) {
      out.push(proto);
      skipType = skipProto = true;
    } else if (ETH_TYPES[ethType]) {
      out.push(ETH_TYPES[ethType]);
      skipType = true;
    }
  }
  for (const r of REGS) put(r);
  for (const r of XREGS) put(r);
  put('tunnelId');
  put('tunIpv4Src');
  put('tunIpv4Dst');
  put('tunIpv6Src');
  put('tunIpv6Dst');
  put('tunGbpId');
  put('tunGbpFlags');
  put('tunFlags');
  put('metadata');
  put('inPort');
  put('nxmInPort');
  put('inPhyPort');
  const vlan = vlanText(m);
  if (vlan) out.push(vlan);
  put('ethSrc', 'dl_src');
  put('ethDst', 'dl_dst');
  if (!skipType && ethType !== undefined) out.push(`dl_type=0x${ethType.toString(16).padStart(4, '0')}`);
  put('ipv6Src');
  put('ipv6Dst');
  put('ipv6Flabel');
  put('arpSpa');
  put('arpTpa');
  put('ipv4Src', 'nw_src');
  put('ipv4Dst', 'nw_dst');
  if (!skipProto && ipProto !== undefined) out.push(`nw_proto=${ipProto}`);
  put('arpOp');
  put('arpSha');
  put('arpTha');
  if (m.ipDscp !== undefined) out.push(`nw_tos=${(m.ipDscp as number) << 2}`);
  put('nwTos');
  put('ipEcn');
  put('ipTtl');
  put('mplsLabel');
  put('mplsTc');
  put('mplsTtl');
  put('mplsBos');
  put('ipFrag');
  put('icmpv4Type');
  put('icmpv4Code');
  put('icmpv6Type', 'icmp_type');
  put('icmpv6Code', 'icmp_code');
  put('ipv6NdTarget');
  put('ipv6NdSll');
  put('ipv6NdTll');
  for (const [s, d] of [
    ['tcpSrc', 'tcpDst'],
    ['udpSrc', 'udpDst'],
    ['sctpSrc', 'sctpDst'],
  ] as const) {
    put(s, 'tp_src');
    put(d, 'tp_dst');
  }
  put('tcpFlags');
  put('pbbIsid');
  put('ipv6Exthdr');
  return out.join(',');
}

/** An instruction list as ovs-ofctl prints it after `actions=` (`drop` when it does nothing). */
export function formatInstructions(ins: readonly Instruction[]): string {
  const order = ['meter', 'apply_actions', 'clear_actions', 'write_actions', 'write_metadata', 'goto_table', 'unknown'];
  const sorted = [...ins].sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
  const out: string[] = [];
  for (const i of sorted) {
    switch (i.type) {
      case 'meter':
        out.push(`meter:${i.meterId}`);
        break;
      case 'apply_actions':
        if (i.actions.length) out.push(formatActions(i.actions));
        break;
      case 'clear_actions':
        out.push('clear_actions');
        break;
      case 'write_actions':
        out.push(`write_actions(${formatActions(i.actions)})`);
        break;
      case 'write_metadata':
        out.push(
          i.mask === 0xffffffffffffffffn
            ? `write_metadata:${hex(i.metadata)}`
            : `write_metadata:${hex(i.metadata)}/${hex(i.mask)}`,
        );
        break;
      case 'goto_table':
        out.push(`goto_table:${i.tableId}`);
        break;
      case 'unknown':
        out.push(`unknown_instruction(type=${i.instructionType},${i.body.toString('hex')})`);
        break;
    }
  }
  return out.length ? out.join(',') : 'drop';
}

const FLOW_MOD_FLAGS = ['send_flow_rem', 'check_overlap', 'reset_counts', 'no_packet_counts', 'no_byte_counts'];
const COMMAND_TEXT: Readonly<Record<FlowMod['command'], string>> = {
  add: 'ADD',
  modify: 'MOD',
  modify_strict: 'MOD_STRICT',
  delete: 'DEL',
  delete_strict: 'DEL_STRICT',
};
const U64_MAX = 0xffffffffffffffffn;

function flagNames(f: number): string[] {
  const out: string[] = [];
  FLOW_MOD_FLAGS.forEach((n, i) => {
    if (f & (1 << i)) out.push(n);
  });
  const rest = f & ~((1 << FLOW_MOD_FLAGS.length) - 1);
  if (rest) out.push(`flags:${hex(rest)}`);
  return out;
}

/** A flow-mod the way `ovs-ofctl ofp-print` prints its body: `ADD table:1 priority=5,ip cookie:0x1 idle:10 actions=...`. */
export function formatFlowMod(fm: FlowMod): string {
  const out: string[] = [COMMAND_TEXT[fm.command]];
  if (fm.tableId !== 0) out.push(`table:${fm.tableId}`);
  const match = formatMatch(fm.match, fm.priority);
  if (match) out.push(match);
  if (fm.command === 'add' || fm.cookieMask === 0n) {
    if (fm.cookie !== 0n && fm.cookie !== U64_MAX) out.push(`cookie:${hex(fm.cookie)}`);
  } else out.push(`cookie:${hex(fm.cookie)}/${hex(fm.cookieMask)}`);
  if (fm.idleTimeout) out.push(`idle:${fm.idleTimeout}`);
  if (fm.hardTimeout) out.push(`hard:${fm.hardTimeout}`);
  if (fm.bufferId !== 0xffffffff) out.push(`buf:${hex(fm.bufferId)}`);
  if (fm.outPort !== 0xffffffff) out.push(`out_port:${formatPort(fm.outPort)}`);
  out.push(...flagNames(fm.flags));
  out.push(`actions=${formatInstructions(fm.instructions)}`);
  return out.join(' ');
}

/** An OFPMP_FLOW reply entry, as formatFlow prints it (kept as a name for callers of the printer). */
export type FlowStatsLike = FlowStats;

/**
 * One flow the way `ovs-ofctl dump-flows` prints it:
 * `cookie=0x1, duration=1.5s, table=0, n_packets=0, n_bytes=0, idle_timeout=10, priority=100,in_port=3 actions=output:2`.
 * A FlowMod has no duration or counters, so those columns are left out.
 */
export function formatFlow(f: FlowMod | FlowStatsLike): string {
  const stats = 'packetCount' in f;
  const head: string[] = [`cookie=${hex(f.cookie)}`];
  if (stats) head.push(`duration=${formatDuration(f.durationSec, f.durationNsec)}`);
  head.push(`table=${f.tableId}`);
  if (stats) head.push(`n_packets=${f.packetCount}`, `n_bytes=${f.byteCount}`);
  if (f.idleTimeout) head.push(`idle_timeout=${f.idleTimeout}`);
  if (f.hardTimeout) head.push(`hard_timeout=${f.hardTimeout}`);
  const fl = flagNames(f.flags);
  const match = formatMatch(f.match, f.priority);
  return `${head.join(', ')}, ${fl.map((x) => `${x} `).join('')}${match}${match ? ' ' : ''}actions=${formatInstructions(f.instructions)}`;
}

function formatDuration(sec: number, nsec: number): string {
  const ms = Math.floor(nsec / 1e6);
  return `${sec}.${String(ms).padStart(3, '0')}s`;
}
