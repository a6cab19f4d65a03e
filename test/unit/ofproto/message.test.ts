import test from 'ava';
import { decodeMessage, encodeBundleAddInto, encodeMessage, type OfMessage } from '../../../src/ofproto/message.js';
import { Writer } from '../../../src/ofproto/bytes.js';
import * as sizes from '../../../src/ofproto/sizes.js';
import { SAMPLES } from './of13-samples.js';
import { layoutSize } from '../../../src/ofproto/layout.js';
import { DESC_LAYOUT, GROUP_FEATURES_LAYOUT, METER_FEATURES_LAYOUT, PORT_STATS_LAYOUT, QUEUE_STATS_LAYOUT, TABLE_STATS_LAYOUT } from '../../../src/ofproto/multipart-stats.js';

test('every sample message round-trips: decode(encode(m)) deep-equals m, and re-encodes identically', (t) => {
  const seen = new Set<string>();
  for (const m of SAMPLES) {
    const bytes = encodeMessage(m);
    t.is(bytes.readUInt16BE(2), bytes.length, `${m.type}: length field`);
    const back = decodeMessage(bytes);
    t.deepEqual(back, m, `${m.type} round trip`);
    t.deepEqual(encodeMessage(back), bytes, `${m.type} re-encode`);
    seen.add(m.type === 'multipart_request' || m.type === 'multipart_reply' ? `${m.type}:${m.body.kind}` : m.type);
  }
  t.true(seen.size >= 60, `covers ${seen.size} message kinds`);
});

test('xid argument overrides the message xid', (t) => {
  const b = encodeMessage({ type: 'barrier_request', xid: 5 }, 0xdeadbeef);
  t.is(b.toString('hex'), '04140008deadbeef');
});

/** Sizes sit next to layouts: the empty form of each message encodes to its spec size. */
test('message sizes pinned to the spec', (t) => {
  const empty: [OfMessage, number][] = [
    [{ type: 'barrier_request' }, sizes.OFP_HEADER_SIZE],
    [{ type: 'error', errType: 1, code: 1, data: Buffer.alloc(0) }, sizes.OFP_ERROR_MSG_SIZE],
    [{ type: 'error', errType: 0xffff, code: 1, experimenter: 1, data: Buffer.alloc(0) }, sizes.OFP_ERROR_EXPERIMENTER_MSG_SIZE],
    [{ type: 'experimenter', experimenter: 1, expType: 1, data: Buffer.alloc(0) }, sizes.OFP_EXPERIMENTER_HEADER_SIZE],
    [{ type: 'features_reply', datapathId: 1n, nBuffers: 0, nTables: 1, auxiliaryId: 0, capabilities: 0, reserved: 0 }, sizes.OFP_SWITCH_FEATURES_SIZE],
    [{ type: 'set_config', flags: 0, missSendLen: 0 }, sizes.OFP_SWITCH_CONFIG_SIZE],
    [{ type: 'packet_in', bufferId: 0, totalLen: 0, reason: 0, tableId: 0, cookie: 0n, match: {}, data: Buffer.alloc(0) }, sizes.OFP_PACKET_IN_SIZE + 2],
    [{ type: 'packet_out', bufferId: 0, inPort: 0, actions: [], data: Buffer.alloc(0) }, sizes.OFP_PACKET_OUT_SIZE],
    [{ type: 'flow_removed', cookie: 0n, priority: 0, reason: 0, tableId: 0, durationSec: 0, durationNsec: 0, idleTimeout: 0, hardTimeout: 0, packetCount: 0n, byteCount: 0n, match: {} }, sizes.OFP_FLOW_REMOVED_SIZE],
    [{ type: 'port_status', reason: 0, port: { portNo: 1, hwAddr: '00:00:00:00:00:00', name: '', config: 0, state: 0, curr: 0, advertised: 0, supported: 0, peer: 0, currSpeed: 0, maxSpeed: 0 } }, sizes.OFP_PORT_STATUS_SIZE],
    [{ type: 'group_mod', command: 0, groupType: 0, groupId: 1, buckets: [] }, sizes.OFP_GROUP_MOD_SIZE],
    [{ type: 'port_mod', portNo: 1, hwAddr: '00:00:00:00:00:00', config: 0, mask: 0, advertise: 0 }, sizes.OFP_PORT_MOD_SIZE],
    [{ type: 'table_mod', tableId: 0, config: 0 }, sizes.OFP_TABLE_MOD_SIZE],
    [{ type: 'meter_mod', command: 0, flags: 0, meterId: 1, bands: [] }, sizes.OFP_METER_MOD_SIZE],
    [{ type: 'multipart_request', flags: 0, body: { kind: 'desc' } }, sizes.OFP_MULTIPART_REQUEST_SIZE],
    [{ type: 'multipart_request', flags: 0, body: { kind: 'flow', tableId: 0, outPort: 0, outGroup: 0, cookie: 0n, cookieMask: 0n, match: {} } }, sizes.OFP_MULTIPART_REQUEST_SIZE + sizes.OFP_FLOW_STATS_REQUEST_SIZE],
    [{ type: 'multipart_reply', flags: 0, body: { kind: 'aggregate', packetCount: 0n, byteCount: 0n, flowCount: 0 } }, sizes.OFP_MULTIPART_REPLY_SIZE + sizes.OFP_AGGREGATE_STATS_REPLY_SIZE],
    [{ type: 'multipart_reply', flags: 0, body: { kind: 'desc', mfrDesc: '', hwDesc: '', swDesc: '', serialNum: '', dpDesc: '' } }, sizes.OFP_MULTIPART_REPLY_SIZE + sizes.OFP_DESC_SIZE],
    [{ type: 'role_request', role: 0, generationId: 0n }, sizes.OFP_ROLE_REQUEST_SIZE],
    [{ type: 'set_async', packetInMask: [0, 0], portStatusMask: [0, 0], flowRemovedMask: [0, 0] }, sizes.OFP_ASYNC_CONFIG_SIZE],
    [{ type: 'bundle_control', bundleId: 1, ctrlType: 0, flags: 0 }, sizes.ONF_BUNDLE_CTRL_SIZE],
    [{ type: 'bundle_add', bundleId: 1, flags: 0, message: { type: 'barrier_request' } }, sizes.ONF_BUNDLE_ADD_SIZE + sizes.OFP_HEADER_SIZE],
    [{ type: 'queue_get_config_request', port: 1 }, sizes.OFP_QUEUE_GET_CONFIG_REQUEST_SIZE],
    [{ type: 'hello', versions: [4] }, 16],
  ];
  for (const [m, size] of empty) t.is(encodeMessage(m).length, size, m.type);
  t.is(sizes.OFP_PORT_SIZE, 64);
  t.is(sizes.OFP_FLOW_STATS_SIZE, 56);
  t.is(sizes.OFP_PORT_STATS_SIZE, 112);
  t.is(sizes.OFP_TABLE_STATS_SIZE, 24);
  t.is(sizes.OFP_GROUP_FEATURES_SIZE, 40);
  t.is(sizes.OFP_METER_FEATURES_SIZE, 16);
  t.is(sizes.OFP_QUEUE_STATS_SIZE, 40);
  t.is(sizes.OFP_BUCKET_SIZE, 16);
  t.is(sizes.OFP_METER_BAND_SIZE, 16);
});

test('bundle control encodes as ovs-facts §6 shows', (t) => {
  // open, bundle 7, atomic|ordered, xid 0x1f4
  t.is(encodeMessage({ type: 'bundle_control', bundleId: 7, ctrlType: 0, flags: 3 }, 0x1f4).toString('hex'), '04040018000001f44f4e4600000008fc0000000700000003');
});

test('non-1.3 messages and unknown types decode to unknown; hello of another version keeps its version', (t) => {
  t.like(decodeMessage(Buffer.from('010a000800000001', 'hex')), { type: 'unknown', version: 1, msgType: 10, xid: 1 });
  t.like(decodeMessage(Buffer.from('04fe000800000002', 'hex')), { type: 'unknown', version: 4, msgType: 254 });
  const h = decodeMessage(Buffer.from('0600000800000003', 'hex'));
  t.deepEqual(h, { type: 'hello', xid: 3, version: 6 });
});

test('layout tables have their struct sizes', (t) => {
  t.is(layoutSize(DESC_LAYOUT), sizes.OFP_DESC_SIZE);
  t.is(layoutSize(TABLE_STATS_LAYOUT), sizes.OFP_TABLE_STATS_SIZE);
  t.is(layoutSize(PORT_STATS_LAYOUT), sizes.OFP_PORT_STATS_SIZE);
  t.is(layoutSize(QUEUE_STATS_LAYOUT), sizes.OFP_QUEUE_STATS_SIZE);
  t.is(layoutSize(GROUP_FEATURES_LAYOUT), sizes.OFP_GROUP_FEATURES_SIZE);
  t.is(layoutSize(METER_FEATURES_LAYOUT), sizes.OFP_METER_FEATURES_SIZE);
});

test('encodeBundleAddInto (the connection hot path) writes the same bytes as a bundle_add message', (t) => {
  for (const m of SAMPLES) {
    if (m.type === 'unknown' || m.type === 'hello') continue;
    const inner = { ...m, xid: undefined };
    const w = new Writer();
    encodeBundleAddInto(w, 9, 3, inner, 77);
    t.deepEqual(w.finish(), encodeMessage({ type: 'bundle_add', bundleId: 9, flags: 3, message: { ...m, xid: 77 } }, 77), m.type);
  }
});
