import type { Reader, Writer } from './bytes.js';
import { decodeBuckets, encodeBuckets, type Bucket } from './group-mod.js';
import { readRecord, readRecords, writeRecord, type Layout } from './layout.js';
import { decodeBands, encodeBands, type MeterBand } from './meter-mod.js';

/** `struct ofp_desc`. */
export const DESC_LAYOUT: Layout = [['mfrDesc', 'str:256'], ['hwDesc', 'str:256'], ['swDesc', 'str:256'], ['serialNum', 'str:32'], ['dpDesc', 'str:256']];
export const OFP_DESC_SIZE = 1056;
export interface Desc {
  mfrDesc: string;
  hwDesc: string;
  swDesc: string;
  serialNum: string;
  dpDesc: string;
}

/** `struct ofp_table_stats`. */
export const TABLE_STATS_LAYOUT: Layout = [['tableId', 'u8'], ['', 'pad:3'], ['activeCount', 'u32'], ['lookupCount', 'u64'], ['matchedCount', 'u64']];
export const OFP_TABLE_STATS_SIZE = 24;
export interface TableStats {
  tableId: number;
  activeCount: number;
  lookupCount: bigint;
  matchedCount: bigint;
}

/** `struct ofp_port_stats`. */
export const PORT_STATS_LAYOUT: Layout = [
  ['portNo', 'u32'], ['', 'pad:4'], ['rxPackets', 'u64'], ['txPackets', 'u64'], ['rxBytes', 'u64'], ['txBytes', 'u64'], ['rxDropped', 'u64'],
  ['txDropped', 'u64'], ['rxErrors', 'u64'], ['txErrors', 'u64'], ['rxFrameErr', 'u64'], ['rxOverErr', 'u64'], ['rxCrcErr', 'u64'],
  ['collisions', 'u64'], ['durationSec', 'u32'], ['durationNsec', 'u32'],
];
export const OFP_PORT_STATS_SIZE = 112;
export interface PortStats {
  portNo: number;
  rxPackets: bigint;
  txPackets: bigint;
  rxBytes: bigint;
  txBytes: bigint;
  rxDropped: bigint;
  txDropped: bigint;
  rxErrors: bigint;
  txErrors: bigint;
  rxFrameErr: bigint;
  rxOverErr: bigint;
  rxCrcErr: bigint;
  collisions: bigint;
  durationSec: number;
  durationNsec: number;
}

/** `struct ofp_queue_stats`. */
export const QUEUE_STATS_LAYOUT: Layout = [['portNo', 'u32'], ['queueId', 'u32'], ['txBytes', 'u64'], ['txPackets', 'u64'], ['txErrors', 'u64'], ['durationSec', 'u32'], ['durationNsec', 'u32']];
export const OFP_QUEUE_STATS_SIZE = 40;
export interface QueueStats {
  portNo: number;
  queueId: number;
  txBytes: bigint;
  txPackets: bigint;
  txErrors: bigint;
  durationSec: number;
  durationNsec: number;
}

/** `struct ofp_group_features`. */
export const GROUP_FEATURES_LAYOUT: Layout = [
  ['types', 'u32'], ['capabilities', 'u32'], ['maxGroupsAll', 'u32'], ['maxGroupsSelect', 'u32'], ['maxGroupsIndirect', 'u32'], ['maxGroupsFf', 'u32'],
  ['actionsAll', 'u32'], ['actionsSelect', 'u32'], ['actionsIndirect', 'u32'], ['actionsFf', 'u32'],
];
export const OFP_GROUP_FEATURES_SIZE = 40;
export interface GroupFeatures {
  types: number;
  capabilities: number;
  maxGroupsAll: number;
  maxGroupsSelect: number;
  maxGroupsIndirect: number;
  maxGroupsFf: number;
  actionsAll: number;
  actionsSelect: number;
  actionsIndirect: number;
  actionsFf: number;
}

/** `struct ofp_meter_features`. */
export const METER_FEATURES_LAYOUT: Layout = [['maxMeter', 'u32'], ['bandTypes', 'u32'], ['capabilities', 'u32'], ['maxBands', 'u8'], ['maxColor', 'u8'], ['', 'pad:2']];
export const OFP_METER_FEATURES_SIZE = 16;
export interface MeterFeatures {
  maxMeter: number;
  bandTypes: number;
  capabilities: number;
  maxBands: number;
  maxColor: number;
}

/** `struct ofp_group_stats` head (then `ofp_bucket_counter`s). */
const GROUP_STATS_LAYOUT: Layout = [['', 'pad:2'], ['', 'pad:2'], ['groupId', 'u32'], ['refCount', 'u32'], ['', 'pad:4'], ['packetCount', 'u64'], ['byteCount', 'u64'], ['durationSec', 'u32'], ['durationNsec', 'u32']];
export const OFP_GROUP_STATS_SIZE = 40;
const COUNTER_LAYOUT: Layout = [['packetCount', 'u64'], ['byteCount', 'u64']];
export interface Counter {
  packetCount: bigint;
  byteCount: bigint;
}
export interface GroupStats {
  groupId: number;
  refCount: number;
  packetCount: bigint;
  byteCount: bigint;
  durationSec: number;
  durationNsec: number;
  bucketStats: Counter[];
}

/** `struct ofp_meter_stats` head (then `ofp_meter_band_stats`). */
const METER_STATS_LAYOUT: Layout = [['meterId', 'u32'], ['', 'pad:2'], ['', 'pad:6'], ['flowCount', 'u32'], ['packetInCount', 'u64'], ['byteInCount', 'u64'], ['durationSec', 'u32'], ['durationNsec', 'u32']];
export const OFP_METER_STATS_SIZE = 40;
export interface MeterStats {
  meterId: number;
  flowCount: number;
  packetInCount: bigint;
  byteInCount: bigint;
  durationSec: number;
  durationNsec: number;
  bandStats: Counter[];
}

/** `struct ofp_group_desc` head (8 bytes, then buckets). */
export const OFP_GROUP_DESC_SIZE = 8;
export interface GroupDesc {
  groupType: number;
  groupId: number;
  buckets: Bucket[];
}
/** `struct ofp_meter_config` head (8 bytes, then bands). */
export const OFP_METER_CONFIG_SIZE = 8;
export interface MeterConfig {
  flags: number;
  meterId: number;
  bands: MeterBand[];
}

/** Reads a list of variable-length entries, each starting with its u16 length at `lenAt`. */
function readEntries<T>(r: Reader, minLen: number, lenAt: number, what: string, one: (e: Reader) => T): T[] {
  const out: T[] = [];
  while (r.remaining > 0) {
    const at = r.pos;
    const len = r.peekU16(lenAt);
    if (len < minLen) r.fail(`${what} length ${len} is below ${minLen}`, at + lenAt);
    out.push(one(r.sub(len, what)));
  }
  return out;
}

function writeEntry(w: Writer, lenAt: number, body: () => void): void {
  const start = w.offset;
  body();
  w.patchU16(start + lenAt, w.offset - start);
}

export function encodeGroupStats(w: Writer, list: GroupStats[]): void {
  for (const g of list) writeEntry(w, 0, () => {
    writeRecord(w, GROUP_STATS_LAYOUT, g);
    for (const c of g.bucketStats) writeRecord(w, COUNTER_LAYOUT, c);
  });
}
export function decodeGroupStats(r: Reader): GroupStats[] {
  return readEntries(r, OFP_GROUP_STATS_SIZE, 0, 'group stats', (e) => ({ ...readRecord<Omit<GroupStats, 'bucketStats'>>(e, GROUP_STATS_LAYOUT), bucketStats: readRecords<Counter>(e, COUNTER_LAYOUT) }));
}

export function encodeMeterStats(w: Writer, list: MeterStats[]): void {
  for (const m of list) writeEntry(w, 4, () => {
    writeRecord(w, METER_STATS_LAYOUT, m);
    for (const c of m.bandStats) writeRecord(w, COUNTER_LAYOUT, c);
  });
}
export function decodeMeterStats(r: Reader): MeterStats[] {
  return readEntries(r, OFP_METER_STATS_SIZE, 4, 'meter stats', (e) => {
    const head = readRecord<Omit<MeterStats, 'bandStats'>>(e, METER_STATS_LAYOUT);
    return { ...head, bandStats: readRecords<Counter>(e, COUNTER_LAYOUT) };
  });
}

export function encodeGroupDesc(w: Writer, list: GroupDesc[]): void {
  for (const g of list) writeEntry(w, 0, () => {
    w.u16(0).u8(g.groupType).zeros(1).u32(g.groupId);
    encodeBuckets(w, g.buckets);
  });
}
export function decodeGroupDesc(r: Reader): GroupDesc[] {
  return readEntries(r, OFP_GROUP_DESC_SIZE, 0, 'group desc', (e) => {
    e.skip(2);
    const groupType = e.u8();
    e.skip(1);
    const groupId = e.u32();
    return { groupType, groupId, buckets: decodeBuckets(e) };
  });
}

export function encodeMeterConfig(w: Writer, list: MeterConfig[]): void {
  for (const m of list) writeEntry(w, 0, () => {
    w.u16(0).u16(m.flags).u32(m.meterId);
    encodeBands(w, m.bands);
  });
}
export function decodeMeterConfig(r: Reader): MeterConfig[] {
  return readEntries(r, OFP_METER_CONFIG_SIZE, 0, 'meter config', (e) => {
    e.skip(2);
    const flags = e.u16();
    const meterId = e.u32();
    return { flags, meterId, bands: decodeBands(e) };
  });
}
