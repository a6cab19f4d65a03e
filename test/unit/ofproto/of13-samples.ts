import type { OfMessage } from '../../../src/ofproto/message.js';
import type { OfpPort } from '../../../src/ofproto/port.js';

/** One sample of every message loris encodes, used by the round-trip, size and fuzz tests. */
export const port: OfpPort = {
  portNo: 3, hwAddr: '02:00:00:00:00:03', name: 'veth3', config: 0, state: 4, curr: 0x2840, advertised: 0, supported: 0, peer: 0, currSpeed: 10_000_000, maxSpeed: 0,
};

const flowMatch = { inPort: 1, ethType: 0x0800, ipv4Dst: '10.0.0.2' };

export const SAMPLES: OfMessage[] = [
  { type: 'hello', xid: 1, versions: [4] },
  { type: 'hello', xid: 2, versions: [1, 4, 6] },
  { type: 'error', xid: 3, errType: 2, code: 9, data: Buffer.from('0123456789', 'hex') },
  { type: 'error', xid: 4, errType: 0xffff, code: 2313, experimenter: 0x4f4e4600, data: Buffer.alloc(0) },
  { type: 'echo_request', xid: 5, data: Buffer.from('ping') },
  { type: 'echo_reply', xid: 6, data: Buffer.alloc(0) },
  { type: 'experimenter', xid: 7, experimenter: 0x2320, expType: 20, data: Buffer.from('0000000000000007', 'hex') },
  { type: 'features_request', xid: 8 },
  { type: 'features_reply', xid: 9, datapathId: 0x0000aabbccddeeffn, nBuffers: 0, nTables: 254, auxiliaryId: 0, capabilities: 0x4f, reserved: 0 },
  { type: 'get_config_request', xid: 10 },
  { type: 'get_config_reply', xid: 11, flags: 0, missSendLen: 128 },
  { type: 'set_config', xid: 12, flags: 0, missSendLen: 0xffff },
  { type: 'packet_in', xid: 13, bufferId: 0xffffffff, totalLen: 4, reason: 1, tableId: 0, cookie: 0x77n, match: { inPort: 3 }, data: Buffer.from('abcd') },
  {
    type: 'flow_removed', xid: 14, cookie: 1n, priority: 100, reason: 1, tableId: 0, durationSec: 1, durationNsec: 2, idleTimeout: 0, hardTimeout: 1,
    packetCount: 5n, byteCount: 500n, match: flowMatch,
  },
  { type: 'port_status', xid: 15, reason: 0, port },
  { type: 'packet_out', xid: 16, bufferId: 0xffffffff, inPort: 0xfffffffd, actions: [{ type: 'output', port: 3 }], data: Buffer.from('frame') },
  {
    type: 'flow_mod', xid: 17, cookie: 0x10n, cookieMask: 0n, tableId: 0, command: 'add', idleTimeout: 0, hardTimeout: 0, priority: 100,
    bufferId: 0xffffffff, outPort: 0xffffffff, outGroup: 0xffffffff, flags: 0, match: flowMatch,
    instructions: [{ type: 'apply_actions', actions: [{ type: 'output', port: 2 }] }],
  },
  {
    type: 'group_mod', xid: 18, command: 0, groupType: 1, groupId: 7,
    buckets: [
      { weight: 50, watchPort: 0xffffffff, watchGroup: 0xffffffff, actions: [{ type: 'output', port: 1 }] },
      { weight: 50, watchPort: 0xffffffff, watchGroup: 0xffffffff, actions: [{ type: 'output', port: 2 }] },
    ],
  },
  { type: 'port_mod', xid: 19, portNo: 3, hwAddr: '02:00:00:00:00:03', config: 1, mask: 1, advertise: 0 },
  { type: 'table_mod', xid: 20, tableId: 0, config: 0 },
  { type: 'multipart_request', xid: 21, flags: 0, body: { kind: 'desc' } },
  { type: 'multipart_request', xid: 22, flags: 0, body: { kind: 'flow', tableId: 0xff, outPort: 0xffffffff, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, match: {} } },
  { type: 'multipart_request', xid: 23, flags: 0, body: { kind: 'aggregate', tableId: 0xff, outPort: 0xffffffff, outGroup: 0xffffffff, cookie: 1n, cookieMask: 0xffn, match: { inPort: 1 } } },
  { type: 'multipart_request', xid: 24, flags: 0, body: { kind: 'table' } },
  { type: 'multipart_request', xid: 25, flags: 0, body: { kind: 'port_stats', portNo: 0xffffffff } },
  { type: 'multipart_request', xid: 26, flags: 0, body: { kind: 'queue', portNo: 0xffffffff, queueId: 0xffffffff } },
  { type: 'multipart_request', xid: 27, flags: 0, body: { kind: 'group', groupId: 0xfffffffc } },
  { type: 'multipart_request', xid: 28, flags: 0, body: { kind: 'group_desc' } },
  { type: 'multipart_request', xid: 29, flags: 0, body: { kind: 'group_features' } },
  { type: 'multipart_request', xid: 30, flags: 0, body: { kind: 'meter', meterId: 0xffffffff } },
  { type: 'multipart_request', xid: 31, flags: 0, body: { kind: 'meter_config', meterId: 0xffffffff } },
  { type: 'multipart_request', xid: 32, flags: 0, body: { kind: 'meter_features' } },
  { type: 'multipart_request', xid: 33, flags: 0, body: { kind: 'table_features', data: Buffer.alloc(0) } },
  { type: 'multipart_request', xid: 34, flags: 0, body: { kind: 'port_desc' } },
  { type: 'multipart_request', xid: 35, flags: 0, body: { kind: 'experimenter', experimenter: 0x2320, expType: 1, data: Buffer.alloc(4) } },
  { type: 'multipart_request', xid: 36, flags: 0, body: { kind: 'unknown', mpType: 77, data: Buffer.from([9]) } },
  { type: 'multipart_reply', xid: 37, flags: 0, body: { kind: 'desc', mfrDesc: 'Nicira, Inc.', hwDesc: 'Open vSwitch', swDesc: '3.1.0', serialNum: 'None', dpDesc: 'br-int' } },
  {
    type: 'multipart_reply', xid: 38, flags: 1,
    body: {
      kind: 'flow',
      flows: [
        {
          tableId: 0, durationSec: 3, durationNsec: 4, priority: 100, idleTimeout: 0, hardTimeout: 0, flags: 0, cookie: 0x10n, packetCount: 0n, byteCount: 0n,
          match: flowMatch, instructions: [{ type: 'apply_actions', actions: [{ type: 'output', port: 2 }] }],
        },
      ],
    },
  },
  { type: 'multipart_reply', xid: 39, flags: 0, body: { kind: 'aggregate', packetCount: 1n, byteCount: 2n, flowCount: 3 } },
  { type: 'multipart_reply', xid: 40, flags: 0, body: { kind: 'table', tables: [{ tableId: 0, activeCount: 2, lookupCount: 10n, matchedCount: 5n }] } },
  {
    type: 'multipart_reply', xid: 41, flags: 0,
    body: {
      kind: 'port_stats',
      ports: [{ portNo: 1, rxPackets: 1n, txPackets: 2n, rxBytes: 3n, txBytes: 4n, rxDropped: 0n, txDropped: 0n, rxErrors: 0n, txErrors: 0n, rxFrameErr: 0n, rxOverErr: 0n, rxCrcErr: 0n, collisions: 0n, durationSec: 5, durationNsec: 6 }],
    },
  },
  { type: 'multipart_reply', xid: 42, flags: 0, body: { kind: 'queue', queues: [{ portNo: 1, queueId: 0, txBytes: 1n, txPackets: 2n, txErrors: 0n, durationSec: 1, durationNsec: 0 }] } },
  {
    type: 'multipart_reply', xid: 43, flags: 0,
    body: { kind: 'group', groups: [{ groupId: 7, refCount: 1, packetCount: 9n, byteCount: 99n, durationSec: 1, durationNsec: 2, bucketStats: [{ packetCount: 4n, byteCount: 40n }] }] },
  },
  { type: 'multipart_reply', xid: 44, flags: 0, body: { kind: 'group_desc', groups: [{ groupType: 0, groupId: 7, buckets: [{ weight: 0, watchPort: 0xffffffff, watchGroup: 0xffffffff, actions: [{ type: 'output', port: 1 }] }] }] } },
  {
    type: 'multipart_reply', xid: 45, flags: 0,
    body: { kind: 'group_features', types: 15, capabilities: 7, maxGroupsAll: 1, maxGroupsSelect: 2, maxGroupsIndirect: 3, maxGroupsFf: 4, actionsAll: 5, actionsSelect: 6, actionsIndirect: 7, actionsFf: 8 },
  },
  {
    type: 'multipart_reply', xid: 46, flags: 0,
    body: { kind: 'meter', meters: [{ meterId: 1, flowCount: 1, packetInCount: 2n, byteInCount: 3n, durationSec: 4, durationNsec: 5, bandStats: [{ packetCount: 6n, byteCount: 7n }] }] },
  },
  { type: 'multipart_reply', xid: 47, flags: 0, body: { kind: 'meter_config', meters: [{ flags: 1, meterId: 1, bands: [{ bandType: 'drop', rate: 1000, burstSize: 0 }] }] } },
  { type: 'multipart_reply', xid: 48, flags: 0, body: { kind: 'meter_features', maxMeter: 1000, bandTypes: 3, capabilities: 15, maxBands: 1, maxColor: 0 } },
  { type: 'multipart_reply', xid: 49, flags: 0, body: { kind: 'table_features', data: Buffer.alloc(8) } },
  { type: 'multipart_reply', xid: 50, flags: 0, body: { kind: 'port_desc', ports: [port] } },
  { type: 'multipart_reply', xid: 51, flags: 0, body: { kind: 'experimenter', experimenter: 0x2320, expType: 1, data: Buffer.alloc(0) } },
  { type: 'barrier_request', xid: 52 },
  { type: 'barrier_reply', xid: 53 },
  { type: 'queue_get_config_request', xid: 54, port: 1 },
  { type: 'queue_get_config_reply', xid: 55, port: 1, queues: Buffer.alloc(0) },
  { type: 'role_request', xid: 56, role: 2, generationId: 5n },
  { type: 'role_reply', xid: 57, role: 1, generationId: 0n },
  { type: 'get_async_request', xid: 58 },
  { type: 'get_async_reply', xid: 59, packetInMask: [3, 0], portStatusMask: [7, 7], flowRemovedMask: [15, 0] },
  { type: 'set_async', xid: 60, packetInMask: [7, 7], portStatusMask: [7, 7], flowRemovedMask: [15, 15] },
  {
    type: 'meter_mod', xid: 61, command: 0, flags: 5, meterId: 1,
    bands: [{ bandType: 'drop', rate: 1000, burstSize: 100 }, { bandType: 'dscp_remark', rate: 2000, burstSize: 0, precLevel: 1 }],
  },
  // OVS has no experimenter bands; this one only round-trips.
  { type: 'meter_mod', xid: 66, command: 1, flags: 1, meterId: 2, bands: [{ bandType: 'experimenter', rate: 1, burstSize: 2, experimenter: 0x2320, data: Buffer.alloc(4) }] },
  { type: 'bundle_control', xid: 62, bundleId: 7, ctrlType: 0, flags: 3 },
  {
    type: 'bundle_add', xid: 63, bundleId: 7, flags: 3,
    message: {
      type: 'flow_mod', xid: 63, cookie: 0n, cookieMask: 0n, tableId: 0, command: 'delete', idleTimeout: 0, hardTimeout: 0, priority: 0,
      bufferId: 0xffffffff, outPort: 0xffffffff, outGroup: 0xffffffff, flags: 0, match: {}, instructions: [],
    },
  },
  { type: 'unknown', xid: 64, version: 4, msgType: 99, body: Buffer.from([1, 2, 3]) },
  { type: 'unknown', xid: 65, version: 1, msgType: 10, body: Buffer.alloc(0) },
];
