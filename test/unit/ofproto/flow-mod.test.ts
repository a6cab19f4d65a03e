import test from 'ava';
import { Reader, Writer } from '../../../src/ofproto/bytes.js';
import { decodeFlowModBody, encodeFlowModBody, OFP_FLOW_MOD_SIZE, OFP_HEADER_SIZE, type FlowMod } from '../../../src/ofproto/flow-mod.js';

const empty: FlowMod = {
  type: 'flow_mod',
  cookie: 0n,
  cookieMask: 0n,
  tableId: 0,
  command: 'add',
  idleTimeout: 0,
  hardTimeout: 0,
  priority: 0x8000,
  bufferId: 0xffffffff,
  outPort: 0xffffffff,
  outGroup: 0xffffffff,
  flags: 0,
  match: {},
  instructions: [],
};

test('an empty flow-mod is OFP_FLOW_MOD_SIZE (56) bytes with its header', (t) => {
  const w = new Writer();
  encodeFlowModBody(w, empty);
  t.is(OFP_FLOW_MOD_SIZE, 56);
  t.is(w.offset + OFP_HEADER_SIZE, OFP_FLOW_MOD_SIZE);
  t.deepEqual(decodeFlowModBody(new Reader(w.finish())), empty);
});
