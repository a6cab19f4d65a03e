import type { Action } from './actions.js';
import type { FieldSlice, LearnSpec, NatAction, CtAction, Controller2Action } from './nx-actions.js';
import { FIELD_BY_NAME, isMasked, type AnyFieldValue, type FieldName, type Masked } from './oxm.js';
import {
  BUNDLE_ALGORITHMS,
  CT_ALGS,
  FIELD_NAMES,
  MULTIPATH_ALGORITHMS,
  MULTIPATH_FIELDS,
  PACKET_IN_REASONS,
  PORT_NAMES,
} from './print-names.js';
import { altHex, formatFieldValue } from './print.js';

/** Printing of action lists the way ovs-ofctl prints them (`set_field:0x64->tun_id,output:2`). */

const hex = (v: number | bigint): string => `0x${v.toString(16)}`;
const OFPP_CONTROLLER = 0xfffffffd;
const OFPCML_NO_BUFFER = 0xffff;
/** 16-bit (OpenFlow 1.0) reserved ports, as resubmit and bundle carry them. */
const port16 = (p: number): string => (p >= 0xfff8 ? (PORT_NAMES[p + 0xffff0000] ?? String(p)) : String(p));

/** `NXM_NX_REG0[]`, `NXM_NX_REG0[5]`, `NXM_NX_REG0[0..15]`. */
export function formatSubfield(field: FieldName, ofs: number, nBits: number): string {
  const { nxm: name, bits } = FIELD_NAMES[field];
  const width = bits ?? FIELD_BY_NAME[field].width * 8;
  if (ofs === 0 && nBits === width) return `${name}[]`;
  if (nBits === 1) return `${name}[${ofs}]`;
  return `${name}[${ofs}..${ofs + nBits - 1}]`;
}
const slice = (s: FieldSlice): string => formatSubfield(s.field, s.ofs, s.nBits);

function setFieldValue(field: FieldName, v: AnyFieldValue | Masked<AnyFieldValue>): string {
  const { fmt } = FIELD_NAMES[field];
  const one = (x: AnyFieldValue): string =>
    fmt === 'hex' ? altHex(typeof x === 'bigint' ? x : BigInt(x)) : formatFieldValue(field, x);
  return isMasked(v) ? `${one(v.value)}/${one(v.mask)}` : one(v);
}

function formatLearnSpec(s: LearnSpec): string {
  if (s.dst === 'output')
    return 'value' in s.src
      ? `output:${hex(s.src.value)}`
      : `output:${formatSubfield(s.src.field, s.src.ofs, s.nBits)}`;
  const dst = formatSubfield(s.field, s.ofs, s.nBits);
  if (s.dst === 'load')
    return 'value' in s.src
      ? `load:${altHex(s.src.value)}->${dst}`
      : `load:${formatSubfield(s.src.field, s.src.ofs, s.nBits)}->${dst}`;
  if ('value' in s.src) {
    const d = FIELD_BY_NAME[s.field];
    if (s.ofs === 0 && s.nBits === d.width * 8) {
      const v =
        d.codec === 'u64' || d.codec === 'u128'
          ? s.src.value
          : d.codec.startsWith('u')
            ? Number(s.src.value)
            : undefined;
      if (v !== undefined) return `${FIELD_NAMES[s.field].mf}=${setFieldValue(s.field, v)}`;
      return `${FIELD_NAMES[s.field].mf}=${immediateAddress(d.codec, s.src.value)}`;
    }
    return `${dst}=${hex(s.src.value)}`;
  }
  if (s.src.field === s.field && s.src.ofs === s.ofs) return dst;
  return `${dst}=${formatSubfield(s.src.field, s.src.ofs, s.nBits)}`;
}

function immediateAddress(codec: string, v: bigint): string {
  if (codec === 'ipv4') return [24n, 16n, 8n, 0n].map((sh) => String((v >> sh) & 0xffn)).join('.');
  if (codec === 'mac')
    return [40n, 32n, 24n, 16n, 8n, 0n].map((sh) => ((v >> sh) & 0xffn).toString(16).padStart(2, '0')).join(':');
  return hex(v);
}

function formatLearn(a: Extract<Action, { type: 'learn' }>): string {
  const p: string[] = [`table=${a.tableId}`];
  if (a.idleTimeout) p.push(`idle_timeout=${a.idleTimeout}`);
  if (a.hardTimeout) p.push(`hard_timeout=${a.hardTimeout}`);
  if (a.finIdleTimeout) p.push(`fin_idle_timeout=${a.finIdleTimeout}`);
  if (a.finHardTimeout) p.push(`fin_hard_timeout=${a.finHardTimeout}`);
  if (a.priority !== 0x8000) p.push(`priority=${a.priority}`);
  if (a.flags & 1) p.push('send_flow_rem');
  if (a.flags & 2) p.push('delete_learned');
  if (a.flags & 4) p.push('write_result');
  if (a.cookie) p.push(`cookie=${hex(a.cookie)}`);
  for (const s of a.specs) p.push(formatLearnSpec(s));
  return `learn(${p.join(',')})`;
}

function formatNat(a: NatAction): string {
  if (!a.src && !a.dst) return 'nat';
  let s = a.src ? 'src' : 'dst';
  const ports = a.protoMin !== undefined;
  if (a.ipv4Min !== undefined) {
    s += `=${a.ipv4Min}`;
    if (a.ipv4Max !== undefined && a.ipv4Max !== a.ipv4Min) s += `-${a.ipv4Max}`;
  } else if (a.ipv6Min !== undefined) {
    const b = (x: string): string => (ports ? `[${x}]` : x);
    s += `=${b(a.ipv6Min)}`;
    if (a.ipv6Max !== undefined && a.ipv6Max !== a.ipv6Min) s += `-${b(a.ipv6Max)}`;
  }
  if (ports) {
    s += `:${a.protoMin}`;
    if (a.protoMax !== undefined && a.protoMax !== a.protoMin) s += `-${a.protoMax}`;
  }
  if (a.persistent) s += ',persistent';
  if (a.hash) s += ',hash';
  if (a.random) s += ',random';
  return `nat(${s})`;
}

function formatCt(a: CtAction): string {
  const p: string[] = [];
  if (a.commit) p.push('commit');
  if (a.force) p.push('force');
  if (a.table !== undefined) p.push(`table=${a.table}`);
  if (typeof a.zone === 'object') p.push(`zone=${slice(a.zone)}`);
  else if (a.zone) p.push(`zone=${a.zone}`);
  const acts = [...(a.actions ?? [])];
  while (acts.length && acts[0].type === 'nat') {
    const nat = acts.shift();
    if (nat?.type === 'nat') p.push(formatNat(nat));
  }
  if (acts.length) p.push(`exec(${formatActions(acts)})`);
  if (a.alg) p.push(`alg=${CT_ALGS[a.alg] ?? a.alg}`);
  return `ct(${p.join(',')})`;
}

function formatController(a: {
  maxLen?: number;
  controllerId?: number;
  reason?: number;
  userdata?: Buffer;
  pause?: true;
  meterId?: number;
}): string {
  const maxLen = a.maxLen ?? OFPCML_NO_BUFFER;
  const reason = a.reason ?? 1;
  const id = a.controllerId ?? 0;
  if (reason === 1 && id === 0 && !a.userdata && !a.pause && a.meterId === undefined) return `CONTROLLER:${maxLen}`;
  const p: string[] = [];
  if (reason !== 1) p.push(`reason=${PACKET_IN_REASONS[reason] ?? reason}`);
  if (maxLen !== OFPCML_NO_BUFFER) p.push(`max_len=${maxLen}`);
  if (id !== 0) p.push(`id=${id}`);
  if (a.userdata) p.push(`userdata=${dotted(a.userdata)}`);
  if (a.pause) p.push('pause');
  if (a.meterId !== undefined) p.push(`meter_id=${a.meterId}`);
  return `controller(${p.join(',')})`;
}
const controller2 = (a: Controller2Action): string => formatController(a);

function dotted(b: Buffer): string {
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('.');
}

/** One action as ovs-ofctl prints it. */
export function formatAction(a: Action): string {
  switch (a.type) {
    case 'output':
      if (a.port === OFPP_CONTROLLER) return `CONTROLLER:${a.maxLen ?? OFPCML_NO_BUFFER}`;
      return PORT_NAMES[a.port] ?? `output:${a.port}`;
    case 'copy_ttl_out':
    case 'copy_ttl_in':
    case 'dec_mpls_ttl':
    case 'pop_vlan':
    case 'pop_pbb':
    case 'exit':
    case 'pop_queue':
    case 'ct_clear':
      return a.type;
    case 'set_mpls_ttl':
      return `set_mpls_ttl(${a.ttl})`;
    case 'push_vlan':
    case 'push_mpls':
    case 'push_pbb':
    case 'pop_mpls':
      return `${a.type}:0x${a.ethertype.toString(16).padStart(4, '0')}`;
    case 'set_queue':
      return `set_queue:${a.queueId}`;
    case 'group':
      return `group:${a.groupId}`;
    case 'set_nw_ttl':
      return `mod_nw_ttl:${a.ttl}`;
    case 'dec_nw_ttl':
      return 'dec_ttl';
    case 'set_field':
      return `set_field:${setFieldValue(a.field, a.value)}->${FIELD_NAMES[a.field].mf}`;
    case 'reg_load2':
      return `set_field:${setFieldValue(a.field, a.value)}->${FIELD_NAMES[a.field].mf}`;
    case 'resubmit': {
      const port = a.port ?? 0xfff8;
      if (port !== 0xfff8 && (a.table === undefined || a.table === 255) && !a.ct) return `resubmit:${port16(port)}`;
      return `resubmit(${port !== 0xfff8 ? port16(port) : ''},${a.table !== undefined && a.table !== 255 ? a.table : ''}${a.ct ? ',ct' : ''})`;
    }
    case 'set_tunnel':
      return `set_tunnel:${hex(a.tunId)}`;
    case 'set_tunnel64':
      return `set_tunnel64:${hex(a.tunId)}`;
    case 'reg_move':
      return `move:${formatSubfield(a.src, a.srcOfs, a.nBits)}->${formatSubfield(a.dst, a.dstOfs, a.nBits)}`;
    case 'reg_load':
      return `load:${altHex(a.value)}->${formatSubfield(a.field, a.ofs, a.nBits)}`;
    case 'note':
      return `note:${dotted(a.data)}`;
    case 'multipath':
      return `multipath(${MULTIPATH_FIELDS[a.fields] ?? a.fields},${a.basis},${MULTIPATH_ALGORITHMS[a.algorithm] ?? a.algorithm},${a.maxLink + 1},${a.arg},${slice(a.dst)})`;
    case 'bundle': {
      const head = `${MULTIPATH_FIELDS[a.fields] ?? a.fields},${a.basis},${BUNDLE_ALGORITHMS[a.algorithm] ?? a.algorithm},ofport`;
      const members = `members:${a.slaves.map(port16).join(',')}`;
      return a.load ? `bundle_load(${head},${slice(a.load)},${members})` : `bundle(${head},${members})`;
    }
    case 'output_reg':
      return `output:${slice(a.src)}`;
    case 'learn':
      return formatLearn(a);
    case 'dec_ttl':
      return a.controllerIds ? `dec_ttl(${a.controllerIds.join(',')})` : 'dec_ttl';
    case 'fin_timeout': {
      const p: string[] = [];
      if (a.idleTimeout) p.push(`idle_timeout=${a.idleTimeout}`);
      if (a.hardTimeout) p.push(`hard_timeout=${a.hardTimeout}`);
      return `fin_timeout(${p.join(',')})`;
    }
    case 'controller':
      return formatController(a);
    case 'controller2':
      return controller2(a);
    case 'conjunction':
      return `conjunction(${a.id},${a.clause}/${a.nClauses})`;
    case 'ct':
      return formatCt(a);
    case 'nat':
      return formatNat(a);
    case 'clone':
      return `clone(${formatActions(a.actions)})`;
    case 'unknown':
      return `unknown_action(type=${a.actionType},${a.body.toString('hex')})`;
  }
}

/** An action list as ovs-ofctl prints it (`drop` when empty). */
export function formatActions(actions: readonly Action[]): string {
  return actions.length ? actions.map(formatAction).join(',') : 'drop';
}
