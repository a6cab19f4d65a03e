import { LorisError, ProtocolError } from '../errors.js';
import { getAsyncReplyCodec, getAsyncRequestCodec, setAsyncCodec, type GetAsyncReply, type GetAsyncRequest, type SetAsync } from './async.js';
import { barrierReplyCodec, barrierRequestCodec, type BarrierReply, type BarrierRequest } from './barrier.js';
import {
  ONF_ET_BUNDLE_ADD_MESSAGE, ONF_ET_BUNDLE_CONTROL, decodeBundleAddBody, decodeBundleControlBody, encodeBundleAddBody, encodeBundleControlBody,
  type BundleAdd, type BundleControl,
} from './bundle.js';
import { Reader, Writer } from './bytes.js';
import { getConfigReplyCodec, getConfigRequestCodec, setConfigCodec, type GetConfigReply, type GetConfigRequest, type SetConfig } from './config.js';
import { echoReplyCodec, echoRequestCodec, type EchoReply, type EchoRequest } from './echo.js';
import { ONF_VENDOR_ID, decodeErrorBody, encodeErrorBody, type ErrorMsg } from './error.js';
import { experimenterCodec, type Experimenter } from './experimenter.js';
import { featuresReplyCodec, featuresRequestCodec, type FeaturesReply, type FeaturesRequest } from './features.js';
import { decodeFlowModBody, encodeFlowModBody, type FlowMod } from './flow-mod.js';
import { flowRemovedCodec, type FlowRemoved } from './flow-removed.js';
import { groupModCodec, type GroupMod } from './group-mod.js';
import { OFPT, OFP_HEADER_SIZE, OFP_VERSION, beginMessage, endMessage, readHeader, type BodyCodec } from './header.js';
import { helloCodec, type Hello } from './hello.js';
import { meterModCodec, type MeterMod } from './meter-mod.js';
import { multipartReplyCodec, multipartRequestCodec, type MultipartReply, type MultipartRequest } from './multipart.js';
import { packetInCodec, type PacketIn } from './packet-in.js';
import { packetOutCodec, type PacketOut } from './packet-out.js';
import { portModCodec, type PortMod } from './port-mod.js';
import { portStatusCodec, type PortStatus } from './port-status.js';
import { queueGetConfigReplyCodec, queueGetConfigRequestCodec, type QueueGetConfigReply, type QueueGetConfigRequest } from './queue.js';
import { roleReplyCodec, roleRequestCodec, type RoleReply, type RoleRequest } from './role.js';
import { tableModCodec, type TableMod } from './table-mod.js';

/** A message loris does not decode: its header fields and raw body (bytes after the header). */
export interface UnknownMessage {
  type: 'unknown';
  xid?: number;
  version: number;
  msgType: number;
  body: Buffer;
}

export type FlowModMessage = FlowMod & { xid?: number };
export type BundleAddMessage = BundleAdd<OfMessage>;

/** Every OpenFlow 1.3 message loris speaks, keyed by `type`. Decoded messages carry their `xid`. */
export type OfMessage =
  | Hello | ErrorMsg | EchoRequest | EchoReply | Experimenter | FeaturesRequest | FeaturesReply | GetConfigRequest | GetConfigReply | SetConfig
  | PacketIn | FlowRemoved | PortStatus | PacketOut | FlowModMessage | GroupMod | PortMod | TableMod | MultipartRequest | MultipartReply
  | BarrierRequest | BarrierReply | QueueGetConfigRequest | QueueGetConfigReply | RoleRequest | RoleReply | GetAsyncRequest | GetAsyncReply
  | SetAsync | MeterMod | BundleControl | BundleAddMessage | UnknownMessage;

export type OfMessageType = OfMessage['type'];
export type MessageOf<K extends OfMessageType> = Extract<OfMessage, { type: K }>;

const errorCodec: BodyCodec<ErrorMsg> = { type: 'error', ofpt: OFPT.ERROR, encode: encodeErrorBody, decode: decodeErrorBody };
const flowModCodec: BodyCodec<FlowModMessage> = { type: 'flow_mod', ofpt: OFPT.FLOW_MOD, encode: encodeFlowModBody, decode: decodeFlowModBody };

/** Messages whose body codec depends only on the OFPT number. */
const CODECS = [
  helloCodec, errorCodec, echoRequestCodec, echoReplyCodec, experimenterCodec, featuresRequestCodec, featuresReplyCodec, getConfigRequestCodec,
  getConfigReplyCodec, setConfigCodec, packetInCodec, flowRemovedCodec, portStatusCodec, packetOutCodec, flowModCodec, groupModCodec,
  portModCodec, tableModCodec, multipartRequestCodec, multipartReplyCodec, barrierRequestCodec, barrierReplyCodec, queueGetConfigRequestCodec,
  queueGetConfigReplyCodec, roleRequestCodec, roleReplyCodec, getAsyncRequestCodec, getAsyncReplyCodec, setAsyncCodec, meterModCodec,
] as const;

type AnyCodec = BodyCodec<{ type: string; xid?: number }>;
const BY_OFPT: Record<number, AnyCodec> = {};
const BY_TYPE: Record<string, AnyCodec> = {};
for (const c of CODECS as readonly AnyCodec[]) {
  if (BY_OFPT[c.ofpt] !== undefined) throw new Error(`duplicate OpenFlow message type ${c.ofpt}`);
  if (BY_TYPE[c.type] !== undefined) throw new Error(`duplicate message name ${c.type}`);
  BY_OFPT[c.ofpt] = c;
  BY_TYPE[c.type] = c;
}

/** The reply each request type gets (multipart requests get several multipart replies). */
export interface ReplyMap {
  echo_request: EchoReply;
  features_request: FeaturesReply;
  get_config_request: GetConfigReply;
  multipart_request: MultipartReply;
  barrier_request: BarrierReply;
  queue_get_config_request: QueueGetConfigReply;
  role_request: RoleReply;
  get_async_request: GetAsyncReply;
  bundle_control: BundleControl;
}
/** What `OfConnection.request` resolves with for a message of type K: its reply, or void after a barrier. */
export type ReplyTo<K extends OfMessageType> = K extends keyof ReplyMap ? ReplyMap[K] : void;

export const REPLY_TYPE: { readonly [K in keyof ReplyMap]: ReplyMap[K]['type'] } = {
  echo_request: 'echo_reply', features_request: 'features_reply', get_config_request: 'get_config_reply', multipart_request: 'multipart_reply',
  barrier_request: 'barrier_reply', queue_get_config_request: 'queue_get_config_reply', role_request: 'role_reply',
  get_async_request: 'get_async_reply', bundle_control: 'bundle_control',
};

/** The reply type of a request type, if it has one. */
export function replyTypeOf(t: OfMessageType): OfMessageType | undefined {
  return (REPLY_TYPE as Partial<Record<OfMessageType, OfMessageType>>)[t];
}

/** Writes one whole message (header included) at the writer's offset. */
export function encodeMessageInto(w: Writer, msg: OfMessage, xid = msg.xid ?? 0): void {
  if (msg.type === 'unknown') {
    const start = beginMessage(w, msg.msgType, xid, msg.version);
    w.bytes(msg.body);
    endMessage(w, start);
    return;
  }
  const version = msg.type === 'hello' && msg.version !== undefined ? msg.version : OFP_VERSION;
  const start = beginMessage(w, msg.type === 'bundle_control' || msg.type === 'bundle_add' ? OFPT.EXPERIMENTER : (BY_TYPE[msg.type] as AnyCodec).ofpt, xid, version);
  if (msg.type === 'bundle_control') encodeBundleControlBody(w, msg);
  else if (msg.type === 'bundle_add') encodeBundleAddBody<OfMessage>(w, msg, xid, encodeInner);
  else (BY_TYPE[msg.type] as AnyCodec).encode(w, msg);
  endMessage(w, start);
}

function encodeInner(w: Writer, inner: OfMessage, xid: number): void {
  encodeMessageInto(w, inner, inner.xid ?? xid);
}

/**
 * Hot path of `OfConnection.bundle`: appends ONF_ET_BUNDLE_ADD_MESSAGE carrying `inner` with outer xid = inner xid
 * (`inner.xid`, else `xid`), without building the wrapper object. Same bytes as encoding a `bundle_add` message.
 */
export function encodeBundleAddInto(w: Writer, bundleId: number, flags: number, inner: OfMessage, xid: number): void {
  const x = inner.xid ?? xid;
  const start = beginMessage(w, OFPT.EXPERIMENTER, x);
  w.u32(ONF_VENDOR_ID).u32(ONF_ET_BUNDLE_ADD_MESSAGE).u32(bundleId).zeros(2).u16(flags);
  encodeMessageInto(w, inner, x);
  endMessage(w, start);
}

const shared = new Writer(1 << 16);

/** Encodes one message. `xid` overrides `msg.xid` (default 0). Lengths are always computed, never trusted. */
export function encodeMessage(msg: OfMessage, xid?: number): Buffer {
  shared.reset();
  encodeMessageInto(shared, msg, xid ?? msg.xid ?? 0);
  return shared.finish();
}

function decodeExperimenter(body: Reader): OfMessage {
  if (body.remaining >= 8 && body.peekU32() === ONF_VENDOR_ID) {
    const expType = body.peekU32(4);
    if (expType === ONF_ET_BUNDLE_CONTROL) {
      body.skip(8);
      return decodeBundleControlBody(body);
    }
    if (expType === ONF_ET_BUNDLE_ADD_MESSAGE) {
      body.skip(8);
      return decodeBundleAddBody(body, decodeFrom);
    }
  }
  return experimenterCodec.decode(body);
}

/** Reads one whole message from `r` (which advances past it). */
export function decodeFrom(r: Reader): OfMessage {
  const at = r.pos;
  const h = readHeader(r);
  const body = r.sub(h.length - OFP_HEADER_SIZE, 'message body');
  const codec = BY_OFPT[h.msgType];
  if (h.version !== OFP_VERSION && h.msgType !== OFPT.HELLO) {
    return { type: 'unknown', xid: h.xid, version: h.version, msgType: h.msgType, body: body.bytes(body.remaining) };
  }
  if (codec === undefined) return { type: 'unknown', xid: h.xid, version: h.version, msgType: h.msgType, body: body.bytes(body.remaining) };
  let msg: OfMessage;
  try {
    msg = (h.msgType === OFPT.EXPERIMENTER ? decodeExperimenter(body) : codec.decode(body)) as OfMessage;
  } catch (e) {
    if (e instanceof ProtocolError || !(e instanceof LorisError)) throw e;
    // A typed rejection of a value by a decoder below: still a protocol error for the caller.
    throw new ProtocolError('openflow', `bad ${codec.type} body: ${e.message}`, at);
  }
  if (body.remaining > 0) body.fail(`${body.remaining} unexpected trailing bytes in ${codec.type}`);
  msg.xid = h.xid;
  if (msg.type === 'hello' && h.version !== OFP_VERSION) msg.version = h.version;
  return msg;
}

/** Decodes exactly one message; the buffer must hold it and nothing else. Throws only ProtocolError. */
export function decodeMessage(buf: Buffer): OfMessage {
  const r = new Reader(buf);
  const msg = decodeFrom(r);
  if (r.remaining > 0) r.fail(`${r.remaining} bytes after the message`);
  return msg;
}
