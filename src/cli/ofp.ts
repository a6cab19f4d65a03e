import { readFileSync } from 'node:fs';
import { InvalidArgumentError, ProtocolError } from '../errors.js';
import { OfConnection, type OfConnectionOptions } from '../ofproto/connection.js';
import { errorName } from '../ofproto/error.js';
import type { FlowMod } from '../ofproto/flow-mod.js';
import { OfFramer } from '../ofproto/framer.js';
import { ofJsonParse, ofJsonStringify } from '../ofproto/json.js';
import { decodeMessage, encodeMessage, type OfMessage } from '../ofproto/message.js';
import type { FlowStats, FlowStatsRequest } from '../ofproto/multipart-flow.js';
import { formatFlow, formatFlowMod } from '../ofproto/print.js';
import { parseFlow } from '../ofproto/parse.js';

/**
 * `loris ofp …` building blocks: each takes its arguments and a stream to write to, and returns what it
 * printed as data. The CLI wires them into the `loris` binary.
 */
export interface OfpCliOptions {
  /** Where results go (default process.stdout). */
  out?: NodeJS.WritableStream;
  /** Print JSON (bigint as "0x..n", bytes as "bytes:..") instead of text. */
  json?: boolean;
  /** Options for live connections (TLS for ssl:, timeouts). */
  connection?: OfConnectionOptions;
}

async function readAll(s: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks).toString('utf8');
}

/** Hex text (whitespace, `0x` and `:` separators allowed) to bytes. */
export function parseHex(text: string): Buffer {
  const clean = text.replace(/0x/gi, '').replace(/[\s:]/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(clean)) throw new InvalidArgumentError('input is not hex: give the message bytes as hex digits (whitespace allowed)');
  return Buffer.from(clean, 'hex');
}

const OFPT_NAMES: Record<string, string> = {
  hello: 'OFPT_HELLO', error: 'OFPT_ERROR', echo_request: 'OFPT_ECHO_REQUEST', echo_reply: 'OFPT_ECHO_REPLY', experimenter: 'OFPT_EXPERIMENTER',
  features_request: 'OFPT_FEATURES_REQUEST', features_reply: 'OFPT_FEATURES_REPLY', get_config_request: 'OFPT_GET_CONFIG_REQUEST',
  get_config_reply: 'OFPT_GET_CONFIG_REPLY', set_config: 'OFPT_SET_CONFIG', packet_in: 'OFPT_PACKET_IN', flow_removed: 'OFPT_FLOW_REMOVED',
  port_status: 'OFPT_PORT_STATUS', packet_out: 'OFPT_PACKET_OUT', flow_mod: 'OFPT_FLOW_MOD', group_mod: 'OFPT_GROUP_MOD', port_mod: 'OFPT_PORT_MOD',
  table_mod: 'OFPT_TABLE_MOD', multipart_request: 'OFPST_REQUEST', multipart_reply: 'OFPST_REPLY', barrier_request: 'OFPT_BARRIER_REQUEST',
  barrier_reply: 'OFPT_BARRIER_REPLY', queue_get_config_request: 'OFPT_QUEUE_GET_CONFIG_REQUEST', queue_get_config_reply: 'OFPT_QUEUE_GET_CONFIG_REPLY',
  role_request: 'OFPT_ROLE_REQUEST', role_reply: 'OFPT_ROLE_REPLY', get_async_request: 'OFPT_GET_ASYNC_REQUEST', get_async_reply: 'OFPT_GET_ASYNC_REPLY',
  set_async: 'OFPT_SET_ASYNC', meter_mod: 'OFPT_METER_MOD', bundle_control: 'ONFT_BUNDLE_CONTROL', bundle_add: 'ONFT_BUNDLE_ADD_MESSAGE', unknown: 'UNKNOWN',
};

function value(v: unknown): string {
  if (typeof v === 'bigint') return `0x${v.toString(16)}`;
  if (Buffer.isBuffer(v)) return v.length ? v.toString('hex') : '""';
  if (Array.isArray(v)) return `[${v.map(value).join(',')}]`;
  if (v && typeof v === 'object') {
    return Object.entries(v)
      .filter(([, x]) => x !== undefined)
      .map(([k, x]) => `${k}=${x && typeof x === 'object' && !Buffer.isBuffer(x) && !Array.isArray(x) ? `(${value(x)})` : value(x)}`)
      .join(',');
  }
  return String(v);
}

/** One line for a message, in the spirit of `ovs-ofctl ofp-print`. */
export function formatMessage(m: OfMessage): string {
  const head = `${OFPT_NAMES[m.type] ?? m.type} (OF1.3) (xid=0x${(m.xid ?? 0).toString(16)}):`;
  switch (m.type) {
    case 'error':
      return `${head} ${errorName(m.errType, m.code, m.experimenter)}${m.data.length ? `\n data: ${m.data.toString('hex')}` : ''}`;
    case 'flow_mod':
      return `${head} ${formatFlowMod(m)}`;
    case 'multipart_request':
    case 'multipart_reply': {
      const { kind, ...rest } = m.body;
      if (m.type === 'multipart_reply' && m.body.kind === 'flow') return [`${head} flow${m.flags ? ' flags=more' : ''}`, ...m.body.flows.map((f) => ` ${formatFlow(f)}`)].join('\n');
      return `${head} ${kind}${m.flags ? ' flags=more' : ''}${Object.keys(rest).length ? ` ${value(rest)}` : ''}`;
    }
    case 'bundle_add':
      return `${head} bundle_id=0x${m.bundleId.toString(16)} flags=${m.flags}\n  ${formatMessage(m.message)}`;
    default: {
      const { type: _t, xid: _x, ...rest } = m;
      const body = value(rest);
      return body ? `${head} ${body}` : head;
    }
  }
}

/**
 * Decodes OpenFlow messages given as hex (a string, or '-' / a stream for stdin) and prints them: text in the
 * spirit of `ovs-ofctl ofp-print`, or JSON. Several concatenated messages are split by the framer.
 */
export async function ofpPrint(hexOrStdin: string | NodeJS.ReadableStream, o: OfpCliOptions = {}): Promise<OfMessage[]> {
  const out = o.out ?? process.stdout;
  const text = typeof hexOrStdin === 'string' ? (hexOrStdin === '-' ? await readAll(process.stdin) : hexOrStdin) : await readAll(hexOrStdin);
  const bytes = parseHex(text);
  const framer = new OfFramer();
  const frames = framer.push(bytes);
  if (framer.pending > 0) throw new ProtocolError('openflow', `${framer.pending} bytes left over after the last whole message; the input is truncated`, bytes.length - framer.pending);
  const msgs = frames.map((f) => decodeMessage(f));
  if (o.json) out.write(`${ofJsonStringify(msgs.length === 1 ? msgs[0] : msgs, 2)}\n`);
  else for (const m of msgs) out.write(`${formatMessage(m)}\n`);
  return msgs;
}

/**
 * Encodes messages given as JSON (one object or an array, in ofJsonStringify's format) and prints each as one
 * line of hex. Lengths are computed; JSON produced by `ofpPrint --json` encodes back byte for byte.
 */
export function ofpEncode(json: string, o: OfpCliOptions = {}): string[] {
  const out = o.out ?? process.stdout;
  let v: unknown;
  try {
    v = ofJsonParse(json);
  } catch (e) {
    throw new InvalidArgumentError(`input is not JSON (${(e as Error).message}); give a message object or an array of them`);
  }
  const list = (Array.isArray(v) ? v : [v]) as OfMessage[];
  const hex = list.map((m, i) => {
    if (!m || typeof m !== 'object' || typeof m.type !== 'string') throw new InvalidArgumentError(`message ${i} has no "type"; see docs/ofproto.md for the message shapes`);
    return encodeMessage(m).toString('hex');
  });
  for (const h of hex) out.write(`${h}\n`);
  return hex;
}

/** `ovs-ofctl dump-flows` against a live bridge: every flow (optionally of one table / cookie), via multipart, printed as dump-flows does. */
export async function dumpFlows(remote: string, o: OfpCliOptions & Partial<FlowStatsRequest> = {}): Promise<FlowStats[]> {
  const out = o.out ?? process.stdout;
  const c = await OfConnection.connect(remote, { echoIntervalMs: 0, ...o.connection });
  try {
    const flows: FlowStats[] = [];
    const req = { tableId: o.tableId ?? 0xff, outPort: o.outPort ?? 0xffffffff, outGroup: o.outGroup ?? 0xffffffff, cookie: o.cookie ?? 0n, cookieMask: o.cookieMask ?? 0n, match: o.match ?? {} };
    for await (const part of c.multipart({ kind: 'flow', ...req })) {
      if (part.kind !== 'flow') continue;
      flows.push(...part.flows);
      if (!o.json) for (const f of part.flows) out.write(` ${formatFlow(f)}\n`);
    }
    if (o.json) out.write(`${ofJsonStringify(flows, 2)}\n`);
    return flows;
  } finally {
    await c.close();
  }
}

/** Reads a flow file: one flow-mod per line as JSON (ofJsonStringify format); blank lines and `#` comments skipped. */
/**
 * Reads a flow file: one flow per line, either in ovs-ofctl's flow syntax (`table=0,priority=10,in_port=1
 * actions=output:2`, as `ovs-ofctl add-flows` takes) or as a JSON flow-mod (what `loris ofp-print --json` prints).
 * Blank lines and `#` comments are skipped. A bad line is refused with its file and line number; nothing is sent.
 */
export function readFlowFile(file: string): FlowMod[] {
  const out: FlowMod[] = [];
  readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
    const l = line.trim();
    if (!l || l.startsWith('#')) return;
    if (!l.startsWith('{')) {
      try {
        out.push(parseFlow(l));
      } catch (e) {
        throw new InvalidArgumentError(`${file}:${i + 1}: not a flow in ovs-ofctl syntax (${(e as Error).message})`);
      }
      return;
    }
    let v: Partial<FlowMod>;
    try {
      v = ofJsonParse<Partial<FlowMod>>(l);
    } catch (e) {
      throw new InvalidArgumentError(`${file}:${i + 1}: not a JSON flow-mod (${(e as Error).message})`);
    }
    out.push({
      cookie: 0n, cookieMask: 0n, tableId: 0, command: 'add', idleTimeout: 0, hardTimeout: 0, priority: 0x8000, bufferId: 0xffffffff,
      outPort: 0xffffffff, outGroup: 0xffffffff, flags: 0, match: {}, instructions: [], ...v, type: 'flow_mod',
    });
  });
  return out;
}

/** `ovs-ofctl --bundle add-flows`: installs every flow of `file` in one atomic bundle (all or nothing). */
export async function addFlows(remote: string, file: string, o: OfpCliOptions = {}): Promise<number> {
  const out = o.out ?? process.stdout;
  const flows = readFlowFile(file);
  const c = await OfConnection.connect(remote, { echoIntervalMs: 0, ...o.connection });
  try {
    await c.bundle(flows, { atomic: true });
  } finally {
    await c.close();
  }
  if (o.json) out.write(`${JSON.stringify({ added: flows.length })}\n`);
  else out.write(`added ${flows.length} flows\n`);
  return flows.length;
}
