import type { Action } from './actions.js';
import { OFPP_CONTROLLER } from './actions.js';
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
import type { LearnSpec, NatAction } from './nx-actions.js';
import { FIELD_BY_NAME, type AnyFieldValue, type FieldName, type Masked, type Match } from './oxm.js';
import { BUNDLE_ALGORITHMS, FIELD_NAMES, MULTIPATH_ALGORITHMS, MULTIPATH_FIELDS } from './print-names.js';
import { L4, allOnes, bad, big, fieldNamed, num, parseSubfield, parseValue, port, splitTop } from './parse-values.js';
import { parseIpv4 } from './addr.js';

/** Actions and instructions in ovs-ofctl syntax (what follows `actions=`), as ovs-ofctl encodes them for OpenFlow 1.3. */

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
