import test from 'ava';
import { PassThrough } from 'node:stream';
import { run } from '../../../src/lab/exec.js';
import { ofpPrint as cliOfpPrint } from '../../../src/cli/ofp.js';
import { OFPERR, OFPET_EXPERIMENTER } from '../../../src/ofproto/error.js';
import { encodeMessage, type OfMessage } from '../../../src/ofproto/message.js';
import { SAMPLES } from '../../unit/ofproto/of13-samples.js';

/** OVS's own reading of bytes loris produced. */
async function ofpPrint(b: Buffer): Promise<string> {
  const r = await run(['ovs-ofctl', 'ofp-print', b.toString('hex')], { timeoutMs: 10_000 });
  return r.stdout + r.stderr;
}

async function inBatches<T, R>(xs: T[], f: (x: T) => Promise<R>, n = 8): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < xs.length; i += n) out.push(...(await Promise.all(xs.slice(i, i + n).map(f))));
  return out;
}

/** What ovs-ofctl must print for some samples: the meaning, not just "no error". */
const EXPECT: Partial<Record<string, RegExp[]>> = {
  hello: [/OFPT_HELLO/],
  features_reply: [/dpid:0000aabbccddeeff/, /n_tables:254/],
  packet_in: [/OFPT_PACKET_IN/, /in_port=3/, /cookie=0x77/, /total_len=4/],
  packet_out: [/in_port=CONTROLLER/, /actions=output:3/],
  flow_mod: [/ADD/, /priority=100/, /in_port=1/, /nw_dst=10\.0\.0\.2/, /actions=output:2/],
  group_mod: [/ADD/, /group_id=7/, /type=select/, /weight:50/],
  port_mod: [/port: 3/, /config: PORT_DOWN/],
  meter_mod: [/meter=1/, /kbps/, /type=drop rate=1000 burst_size=100/, /type=dscp_remark rate=2000/],
  role_request: [/role=primary/, /generation_id=5/],
  set_async: [/PACKET_IN/],
  set_config: [/miss_send_len=OFPCML_NO_BUFFER|miss_send_len=65535/],
  bundle_control: [/OPEN_REQUEST/, /bundle_id=0x7/, /flags=atomic ordered/],
  flow_removed: [/reason=hard/, /cookie:0x1/],
  port_status: [/ADD/, /veth3/],
  error: [/OFPBAC_BAD_OUT_GROUP|OFPBFC_MSG_FAILED/],
};

test('ovs-ofctl ofp-print decodes every message loris encodes, with the meaning intended', async (t) => {
  const samples = SAMPLES.filter((m): m is Exclude<OfMessage, { type: 'unknown' }> => m.type !== 'unknown');
  const printed = await inBatches(samples, (m) => ofpPrint(encodeMessage(m)));
  samples.forEach((m, i) => {
    const out = printed[i];
    const what = `${m.type}${m.type === 'multipart_request' || m.type === 'multipart_reply' ? `:${m.body.kind}` : ''}`;
    if ((m.type === 'multipart_request' || m.type === 'multipart_reply') && ['unknown', 'experimenter', 'table_features'].includes(m.body.kind)) return; // raw bodies, opaque by design
    if (m.type === 'meter_mod' && m.bands.some((b) => b.bandType === 'experimenter')) return; // OVS has none
    t.notRegex(out, /decode error|\*\*\*/i, `${what}: ${out}`);
    for (const re of EXPECT[m.type] ?? []) t.regex(out, re, `${what}: ${out}`);
  });
});

test('every error name loris gives is the name ovs-ofctl prints for that type and code', async (t) => {
  const entries = Object.entries(OFPERR).filter(([, v]) => v.code >= 0);
  const printed = await inBatches(entries, ([, v]) =>
    ofpPrint(encodeMessage({ type: 'error', errType: v.errType, code: v.code, experimenter: v.errType === OFPET_EXPERIMENTER ? v.experimenter : undefined, data: Buffer.alloc(0) })), 16);
  let checked = 0;
  entries.forEach(([name], i) => {
    // OVS folds a few OF1.3 codes into other names (e.g. OFPBRC_BAD_MULTIPART prints as OFPBRC_BAD_STAT).
    const m = /\): (\S+)/.exec(printed[i]);
    if (m && m[1] !== name) t.log(`${name} prints as ${m[1]}`);
    else checked++;
  });
  t.true(checked >= entries.length - 15, `${checked} of ${entries.length} names match`);
});

test('ofpPrint text matches ovs-ofctl ofp-print for flow-mods, errors and barriers', async (t) => {
  const msgs = SAMPLES.filter((m) => m.type === 'flow_mod' || m.type === 'error' || m.type === 'barrier_request' || m.type === 'barrier_reply');
  for (const m of msgs) {
    const hex = encodeMessage(m).toString('hex');
    const chunks: Buffer[] = [];
    const out = new PassThrough();
    out.on('data', (b: Buffer) => chunks.push(b));
    await cliOfpPrint(hex, { out });
    const ours = Buffer.concat(chunks).toString().split('\n')[0];
    const theirs = (await ovsOfpPrint(hex)).split('\n')[0];
    t.is(ours, theirs.replace(/\s+$/, ''), m.type);
  }
});

async function ovsOfpPrint(hex: string): Promise<string> {
  return (await run(['ovs-ofctl', 'ofp-print', hex])).stdout;
}
