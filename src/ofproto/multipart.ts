import type { Reader, Writer } from './bytes.js';
import { OFPT, type BodyCodec } from './header.js';
import { readRecord, readRecords, writeRecord, type Layout } from './layout.js';
import {
  decodeAggregate, decodeFlowStats, decodeFlowStatsRequest, encodeAggregate, encodeFlowStats, encodeFlowStatsRequest,
  type AggregateStats, type FlowStats, type FlowStatsRequest,
} from './multipart-flow.js';
import {
  DESC_LAYOUT, GROUP_FEATURES_LAYOUT, METER_FEATURES_LAYOUT, PORT_STATS_LAYOUT, QUEUE_STATS_LAYOUT, TABLE_STATS_LAYOUT,
  decodeGroupDesc, decodeGroupStats, decodeMeterConfig, decodeMeterStats, encodeGroupDesc, encodeGroupStats, encodeMeterConfig, encodeMeterStats,
  type Desc, type GroupDesc, type GroupFeatures, type GroupStats, type MeterConfig, type MeterFeatures, type MeterStats, type PortStats,
  type QueueStats, type TableStats,
} from './multipart-stats.js';
import { OFP_PORT_SIZE, decodePort, encodePort, type OfpPort } from './port.js';

/** `struct ofp_multipart_request` / `_reply` (header included), before the body. */
export const OFP_MULTIPART_REQUEST_SIZE = 16;
export const OFP_MULTIPART_REPLY_SIZE = 16;
/** More parts follow (request: OFPMPF_REQ_MORE; reply: OFPMPF_REPLY_MORE). */
export const OFPMPF_MORE = 1;
export const OFPMPF_REQ_MORE = 1;
export const OFPMPF_REPLY_MORE = 1;

export const OFPMP = {
  DESC: 0, FLOW: 1, AGGREGATE: 2, TABLE: 3, PORT_STATS: 4, QUEUE: 5, GROUP: 6, GROUP_DESC: 7, GROUP_FEATURES: 8,
  METER: 9, METER_CONFIG: 10, METER_FEATURES: 11, TABLE_FEATURES: 12, PORT_DESC: 13, EXPERIMENTER: 0xffff,
} as const;

export type MultipartRequestBody =
  | { kind: 'desc' }
  | ({ kind: 'flow' } & FlowStatsRequest)
  | ({ kind: 'aggregate' } & FlowStatsRequest)
  | { kind: 'table' }
  | { kind: 'port_stats'; portNo: number }
  | { kind: 'queue'; portNo: number; queueId: number }
  | { kind: 'group'; groupId: number }
  | { kind: 'group_desc' }
  | { kind: 'group_features' }
  | { kind: 'meter'; meterId: number }
  | { kind: 'meter_config'; meterId: number }
  | { kind: 'meter_features' }
  | { kind: 'table_features'; data: Buffer }
  | { kind: 'port_desc' }
  | { kind: 'experimenter'; experimenter: number; expType: number; data: Buffer }
  | { kind: 'unknown'; mpType: number; data: Buffer };

export type MultipartReplyBody =
  | ({ kind: 'desc' } & Desc)
  | { kind: 'flow'; flows: FlowStats[] }
  | ({ kind: 'aggregate' } & AggregateStats)
  | { kind: 'table'; tables: TableStats[] }
  | { kind: 'port_stats'; ports: PortStats[] }
  | { kind: 'queue'; queues: QueueStats[] }
  | { kind: 'group'; groups: GroupStats[] }
  | { kind: 'group_desc'; groups: GroupDesc[] }
  | ({ kind: 'group_features' } & GroupFeatures)
  | { kind: 'meter'; meters: MeterStats[] }
  | { kind: 'meter_config'; meters: MeterConfig[] }
  | ({ kind: 'meter_features' } & MeterFeatures)
  | { kind: 'table_features'; data: Buffer }
  | { kind: 'port_desc'; ports: OfpPort[] }
  | { kind: 'experimenter'; experimenter: number; expType: number; data: Buffer }
  | { kind: 'unknown'; mpType: number; data: Buffer };

export type MultipartKind = MultipartRequestBody['kind'];

/** OFPT_MULTIPART_REQUEST. */
export interface MultipartRequest {
  type: 'multipart_request';
  xid?: number;
  flags: number;
  body: MultipartRequestBody;
}
/** OFPT_MULTIPART_REPLY. A long answer comes as several replies, all but the last with OFPMPF_REPLY_MORE. */
export interface MultipartReply {
  type: 'multipart_reply';
  xid?: number;
  flags: number;
  body: MultipartReplyBody;
}

type Req<K extends MultipartKind> = Omit<Extract<MultipartRequestBody, { kind: K }>, 'kind'>;
type Rep<K extends MultipartKind> = Omit<Extract<MultipartReplyBody, { kind: K }>, 'kind'>;
interface MpCodec<K extends MultipartKind> {
  mpType: number;
  encReq(w: Writer, b: Req<K>): void;
  decReq(r: Reader): Req<K>;
  encRep(w: Writer, b: Rep<K>): void;
  decRep(r: Reader): Rep<K>;
}

const none = { encReq: (): void => undefined, decReq: (): Record<string, never> => ({}) };
/** Request body of one u32 id and 4 pad bytes. */
function idReq<N extends string>(name: N): { encReq(w: Writer, b: Record<N, number>): void; decReq(r: Reader): Record<N, number> } {
  const l: Layout = [[name, 'u32'], ['', 'pad:4']];
  return { encReq: (w, b) => writeRecord(w, l, b), decReq: (r) => readRecord(r, l) };
}
function fixedRep<T extends object>(l: Layout): { encRep(w: Writer, b: T): void; decRep(r: Reader): T } {
  return { encRep: (w, b) => writeRecord(w, l, b), decRep: (r) => readRecord<T>(r, l) };
}
function listRep<N extends string, T extends object>(name: N, l: Layout): { encRep(w: Writer, b: Record<N, T[]>): void; decRep(r: Reader): Record<N, T[]> } {
  return {
    encRep: (w, b) => b[name].forEach((x) => writeRecord(w, l, x)),
    decRep: (r) => ({ [name]: readRecords<T>(r, l) }) as Record<N, T[]>,
  };
}
function rawBody(): { encReq(w: Writer, b: { data: Buffer }): void; decReq(r: Reader): { data: Buffer }; encRep(w: Writer, b: { data: Buffer }): void; decRep(r: Reader): { data: Buffer } } {
  const enc = (w: Writer, b: { data: Buffer }): void => void w.bytes(b.data);
  const dec = (r: Reader): { data: Buffer } => ({ data: r.bytes(r.remaining) });
  return { encReq: enc, decReq: dec, encRep: enc, decRep: dec };
}
function experimenterBody(): Omit<MpCodec<'experimenter'>, 'mpType'> {
  const enc = (w: Writer, b: Req<'experimenter'>): void => void w.u32(b.experimenter).u32(b.expType).bytes(b.data);
  const dec = (r: Reader): Req<'experimenter'> => ({ experimenter: r.u32(), expType: r.u32(), data: r.bytes(r.remaining) });
  return { encReq: enc, decReq: dec, encRep: enc, decRep: dec };
}

/** One line per multipart type: its number and how its request and reply bodies are coded. */
const MP: { [K in Exclude<MultipartKind, 'unknown'>]: MpCodec<K> } = {
  desc: { mpType: OFPMP.DESC, ...none, ...fixedRep<Desc>(DESC_LAYOUT) },
  flow: { mpType: OFPMP.FLOW, encReq: encodeFlowStatsRequest, decReq: decodeFlowStatsRequest, encRep: (w, b) => encodeFlowStats(w, b.flows), decRep: (r) => ({ flows: decodeFlowStats(r) }) },
  aggregate: { mpType: OFPMP.AGGREGATE, encReq: encodeFlowStatsRequest, decReq: decodeFlowStatsRequest, encRep: encodeAggregate, decRep: decodeAggregate },
  table: { mpType: OFPMP.TABLE, ...none, ...listRep<'tables', TableStats>('tables', TABLE_STATS_LAYOUT) },
  port_stats: { mpType: OFPMP.PORT_STATS, ...idReq('portNo'), ...listRep<'ports', PortStats>('ports', PORT_STATS_LAYOUT) },
  queue: {
    mpType: OFPMP.QUEUE,
    encReq: (w, b) => void w.u32(b.portNo).u32(b.queueId),
    decReq: (r) => ({ portNo: r.u32(), queueId: r.u32() }),
    ...listRep<'queues', QueueStats>('queues', QUEUE_STATS_LAYOUT),
  },
  group: { mpType: OFPMP.GROUP, ...idReq('groupId'), encRep: (w, b) => encodeGroupStats(w, b.groups), decRep: (r) => ({ groups: decodeGroupStats(r) }) },
  group_desc: { mpType: OFPMP.GROUP_DESC, ...none, encRep: (w, b) => encodeGroupDesc(w, b.groups), decRep: (r) => ({ groups: decodeGroupDesc(r) }) },
  group_features: { mpType: OFPMP.GROUP_FEATURES, ...none, ...fixedRep<GroupFeatures>(GROUP_FEATURES_LAYOUT) },
  meter: { mpType: OFPMP.METER, ...idReq('meterId'), encRep: (w, b) => encodeMeterStats(w, b.meters), decRep: (r) => ({ meters: decodeMeterStats(r) }) },
  meter_config: { mpType: OFPMP.METER_CONFIG, ...idReq('meterId'), encRep: (w, b) => encodeMeterConfig(w, b.meters), decRep: (r) => ({ meters: decodeMeterConfig(r) }) },
  meter_features: { mpType: OFPMP.METER_FEATURES, ...none, ...fixedRep<MeterFeatures>(METER_FEATURES_LAYOUT) },
  table_features: { mpType: OFPMP.TABLE_FEATURES, ...rawBody() },
  port_desc: {
    mpType: OFPMP.PORT_DESC,
    ...none,
    encRep: (w, b) => b.ports.forEach((p) => encodePort(w, p)),
    decRep(r) {
      if (r.remaining % OFP_PORT_SIZE !== 0) r.fail(`port desc body of ${r.remaining} bytes is not a whole number of ${OFP_PORT_SIZE}-byte ports`);
      const ports: OfpPort[] = [];
      while (r.remaining > 0) ports.push(decodePort(r));
      return { ports };
    },
  },
  experimenter: { mpType: OFPMP.EXPERIMENTER, ...experimenterBody() },
};

type KnownKind = keyof typeof MP;
const BY_TYPE: Record<number, KnownKind> = {};
for (const k of Object.keys(MP) as KnownKind[]) {
  const t = MP[k].mpType;
  if (BY_TYPE[t] !== undefined) throw new Error(`duplicate multipart type ${t}`);
  BY_TYPE[t] = k;
}

/** Multipart type number of a body kind. */
export function multipartType(body: { kind: MultipartKind } & ({ kind: KnownKind } | { kind: 'unknown'; mpType: number })): number {
  return body.kind === 'unknown' ? body.mpType : MP[body.kind].mpType;
}

function encodeBody(w: Writer, body: MultipartRequestBody | MultipartReplyBody, flags: number, reply: boolean): void {
  w.u16(multipartType(body)).u16(flags).zeros(4);
  if (body.kind === 'unknown') {
    w.bytes(body.data);
    return;
  }
  const c = MP[body.kind] as MpCodec<KnownKind>;
  if (reply) c.encRep(w, body as Rep<KnownKind>);
  else c.encReq(w, body as Req<KnownKind>);
}

function decodeBody(r: Reader, reply: boolean): { flags: number; body: MultipartRequestBody | MultipartReplyBody } {
  const mpType = r.u16();
  const flags = r.u16();
  r.skip(4);
  const kind = BY_TYPE[mpType];
  if (kind === undefined) return { flags, body: { kind: 'unknown', mpType, data: r.bytes(r.remaining) } };
  const c = MP[kind] as MpCodec<KnownKind>;
  const fields = reply ? c.decRep(r) : c.decReq(r);
  return { flags, body: { kind, ...fields } as MultipartReplyBody };
}

export const multipartRequestCodec: BodyCodec<MultipartRequest> = {
  type: 'multipart_request',
  ofpt: OFPT.MULTIPART_REQUEST,
  encode: (w, m) => encodeBody(w, m.body, m.flags, false),
  decode(r) {
    const { flags, body } = decodeBody(r, false);
    return { type: 'multipart_request', flags, body: body as MultipartRequestBody };
  },
};

export const multipartReplyCodec: BodyCodec<MultipartReply> = {
  type: 'multipart_reply',
  ofpt: OFPT.MULTIPART_REPLY,
  encode: (w, m) => encodeBody(w, m.body, m.flags, true),
  decode(r) {
    const { flags, body } = decodeBody(r, true);
    return { type: 'multipart_reply', flags, body: body as MultipartReplyBody };
  },
};
