import test from 'ava';
import { Reader, Writer } from '../../../src/ofproto/bytes.js';
import {
  decodeFlowModBody,
  encodeFlowModBody,
  newFlowMod,
  OFP_FLOW_MOD_SIZE,
  OFP_HEADER_SIZE,
  type FlowMod,
} from '../../../src/ofproto/flow-mod.js';

const empty: FlowMod = newFlowMod();

test('an empty flow-mod is OFP_FLOW_MOD_SIZE (56) bytes with its header', (t) => {
  const w = new Writer();
  encodeFlowModBody(w, empty);
  t.is(OFP_FLOW_MOD_SIZE, 56);
  t.is(w.offset + OFP_HEADER_SIZE, OFP_FLOW_MOD_SIZE);
  t.deepEqual(decodeFlowModBody(new Reader(w.finish())), empty);
});
