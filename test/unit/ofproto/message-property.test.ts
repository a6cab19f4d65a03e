import test from 'ava';
import fc from 'fast-check';
import { decodeMessage, encodeMessage, type OfMessage } from '../../../src/ofproto/message.js';

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const bytes = (max = 64): fc.Arbitrary<Buffer> => fc.uint8Array({ maxLength: max }).map((a) => Buffer.from(a));
const mac = fc.array(u8, { minLength: 6, maxLength: 6 }).map((a) => a.map((x) => x.toString(16).padStart(2, '0')).join(':'));
const name = fc.stringMatching(/^[a-z0-9-]{0,15}$/);
const port = fc.record({
  portNo: u32, hwAddr: mac, name, config: u32, state: u32, curr: u32, advertised: u32, supported: u32, peer: u32, currSpeed: u32, maxSpeed: u32,
});
const output = fc.record({ type: fc.constant('output' as const), port: fc.integer({ min: 1, max: 0xffffff00 }) });
const bucket = fc.record({ weight: u16, watchPort: u32, watchGroup: u32, actions: fc.array(output, { maxLength: 3 }) });
const band = fc.oneof(
  fc.record({ bandType: fc.constant('drop' as const), rate: u32, burstSize: u32 }),
  fc.record({ bandType: fc.constant('dscp_remark' as const), rate: u32, burstSize: u32, precLevel: u8 }),
);
const pair = fc.tuple(u32, u32);
const xid = u32;

const message: fc.Arbitrary<OfMessage> = fc.oneof(
  fc.record({ type: fc.constant('echo_request' as const), xid, data: bytes() }),
  fc.record({ type: fc.constant('error' as const), xid, errType: fc.integer({ min: 0, max: 13 }), code: u16, data: bytes() }),
  fc.record({ type: fc.constant('error' as const), xid, errType: fc.constant(0xffff), code: u16, experimenter: u32, data: bytes() }),
  fc.record({ type: fc.constant('features_reply' as const), xid, datapathId: u64, nBuffers: u32, nTables: u8, auxiliaryId: u8, capabilities: u32, reserved: u32 }),
  fc.record({ type: fc.constant('set_config' as const), xid, flags: u16, missSendLen: u16 }),
  fc.record({ type: fc.constant('port_status' as const), xid, reason: u8, port }),
  fc.record({ type: fc.constant('port_mod' as const), xid, portNo: u32, hwAddr: mac, config: u32, mask: u32, advertise: u32 }),
  fc.record({ type: fc.constant('group_mod' as const), xid, command: u16, groupType: u8, groupId: u32, buckets: fc.array(bucket, { maxLength: 4 }) }),
  fc.record({ type: fc.constant('meter_mod' as const), xid, command: u16, flags: u16, meterId: u32, bands: fc.array(band, { maxLength: 4 }) }),
  fc.record({ type: fc.constant('role_request' as const), xid, role: u32, generationId: u64 }),
  fc.record({ type: fc.constant('set_async' as const), xid, packetInMask: pair, portStatusMask: pair, flowRemovedMask: pair }),
  fc.record({ type: fc.constant('packet_out' as const), xid, bufferId: u32, inPort: u32, actions: fc.array(output, { maxLength: 3 }), data: bytes() }),
  fc.record({ type: fc.constant('bundle_control' as const), xid, bundleId: u32, ctrlType: u16, flags: u16 }),
  fc.record({ type: fc.constant('multipart_reply' as const), xid, flags: u16, body: fc.record({ kind: fc.constant('port_desc' as const), ports: fc.array(port, { maxLength: 4 }) }) }),
  fc.record({
    type: fc.constant('multipart_reply' as const), xid, flags: u16,
    body: fc.record({ kind: fc.constant('table' as const), tables: fc.array(fc.record({ tableId: u8, activeCount: u32, lookupCount: u64, matchedCount: u64 }), { maxLength: 5 }) }),
  }),
  fc.record({ type: fc.constant('multipart_request' as const), xid, flags: u16, body: fc.record({ kind: fc.constant('meter' as const), meterId: u32 }) }),
  fc.record({ type: fc.constant('unknown' as const), xid, version: fc.constantFrom(1, 2, 3, 5), msgType: fc.integer({ min: 1, max: 255 }), body: bytes() }),
);

test('property: decode(encode(m)) deep-equals m for generated messages', (t) => {
  fc.assert(
    fc.property(message, (m) => {
      const b = encodeMessage(m);
      t.deepEqual(decodeMessage(b), m);
      return encodeMessage(decodeMessage(b)).equals(b);
    }),
    { numRuns: 3000 },
  );
  t.pass();
});
