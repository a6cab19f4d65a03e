/**
 * OpenFlow 1.3 flow-mod codec: loris vs the os-ken 1.3 parser, in the same run.
 *
 * The flow is a typical one: a 4-field match (in_port, eth_src, eth_type, ipv4_dst) and apply-actions
 * set_field:100->tun_id, output:2. Encode = object -> whole OFPT_FLOW_MOD bytes; decode = bytes -> object.
 * loris reuses one Writer (as a connection does); os-ken builds and serializes an OFPFlowMod per message and parses
 * with OFPFlowMod.parser. Runs are interleaved (loris run r, then os-ken run r) so both see the same machine load;
 * median of RUNS timed runs after a warm-up; one JSON line per metric at the end.
 *
 *   npx tsx bench/ofproto-codec.ts [--small]
 */
import { execFile } from 'node:child_process';
import { Reader, Writer } from '../src/ofproto/bytes.js';
import { decodeFlowModBody, encodeFlowModBody, OFP_HEADER_SIZE, type FlowMod } from '../src/ofproto/flow-mod.js';
import { flow, output, setField } from '../src/ofproto/flow.js';

const small = process.argv.includes('--small');
const RUNS = small ? 3 : 5;
const LORIS_N = small ? 20_000 : 300_000;
const OSKEN_N = small ? 1_000 : 20_000;

const fm: FlowMod = flow()
  .table(0)
  .priority(100)
  .cookie(1n)
  .match({ inPort: 3, ethSrc: '00:00:00:00:00:01', ethType: 0x800, ipv4Dst: '10.0.0.2' })
  .apply(setField('tunnelId', 100n), output(2));

const w = new Writer(512);
function encodeMessage(m: FlowMod, xid: number): void {
  w.reset();
  w.u8(4).u8(14).u16(0).u32(xid);
  encodeFlowModBody(w, m);
  w.patchU16(2, w.offset);
}
encodeMessage(fm, 1);
const wire = w.finish();

function lorisEncode(n: number): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) encodeMessage(fm, i);
  return Number(process.hrtime.bigint() - t0) / 1e9;
}
let sink = 0;
function lorisDecode(n: number): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) sink += decodeFlowModBody(new Reader(wire, OFP_HEADER_SIZE, wire.length)).priority;
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

const PY = String.raw`
import sys, time, json
from os_ken.ofproto import ofproto_v1_3 as ofp, ofproto_v1_3_parser as p
class DP:
    ofproto = ofp
    ofproto_parser = p
    id = 1
dp = DP()
n, runs = int(sys.argv[1]), int(sys.argv[2])
def build():
    match = p.OFPMatch(in_port=3, eth_src='00:00:00:00:00:01', eth_type=0x800, ipv4_dst='10.0.0.2')
    ins = [p.OFPInstructionActions(ofp.OFPIT_APPLY_ACTIONS, [p.OFPActionSetField(tunnel_id=100), p.OFPActionOutput(2)])]
    m = p.OFPFlowMod(dp, cookie=1, table_id=0, priority=100, match=match, instructions=ins)
    m.serialize()
    return m.buf
buf = bytes(build())
def enc():
    t = time.perf_counter()
    for _ in range(n): build()
    return time.perf_counter() - t
def dec():
    t = time.perf_counter()
    for _ in range(n): p.OFPFlowMod.parser(dp, 4, 14, len(buf), 0, buf)
    return time.perf_counter() - t
enc(); dec()
print(json.dumps({"encode": [enc() for _ in range(runs)], "decode": [dec() for _ in range(runs)], "bytes": len(buf)}))
`;

function osken(): Promise<{ encode: number[]; decode: number[]; bytes: number }> {
  return new Promise((resolve, reject) => {
    execFile(
      '/usr/bin/python3',
      ['-c', PY, String(OSKEN_N), String(RUNS)],
      { maxBuffer: 1 << 20 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`os-ken run failed (is python3-os-ken installed?): ${stderr}`));
        else resolve(JSON.parse(stdout) as { encode: number[]; decode: number[]; bytes: number });
      },
    );
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spreadOf = (xs: number[]): number => (Math.max(...xs) - Math.min(...xs)) / median(xs);
const round = (x: number, d = 4): number => Number(x.toPrecision(d));

async function main(): Promise<void> {
  console.log(
    `flow-mod: ${wire.length} bytes; loris ${LORIS_N} msgs/run, os-ken ${OSKEN_N} msgs/run, ${RUNS} runs after a warm-up`,
  );
  lorisEncode(LORIS_N / 4);
  lorisDecode(LORIS_N / 4);
  const le: number[] = [];
  const ld: number[] = [];
  const oe: number[] = [];
  const od: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    le.push(LORIS_N / lorisEncode(LORIS_N));
    ld.push(LORIS_N / lorisDecode(LORIS_N));
    const o = await osken();
    if (o.bytes !== wire.length) console.log(`note: os-ken message is ${o.bytes} bytes, loris ${wire.length}`);
    oe.push(OSKEN_N / o.encode[0]);
    od.push(OSKEN_N / o.decode[0]);
    console.log(`run ${r + 1}/${RUNS}: loris encode ${Math.round(le[r])}/s decode ${Math.round(ld[r])}/s; os-ken encode ${Math.round(oe[r])}/s decode ${Math.round(od[r])}/s`);
  }
  const line = (metric: string, what: string, l: number[], ref: number[] | null, unit: string): void => {
    const lm = median(l);
    const rm = ref ? median(ref) : null;
    console.log(
      JSON.stringify({
        bench: 'ofproto-codec',
        metric,
        what,
        loris: round(lm),
        reference: rm === null ? null : round(rm),
        ratio: rm === null ? null : round(lm / rm, 3),
        unit,
        runs: RUNS,
        spread: round(spreadOf(l), 3),
      }),
    );
  };
  line('encode', 'flow-mods encoded per second (the same flow-mod, one reused writer vs os-ken serialize)', le, oe, 'flow-mods/s');
  line('decode', 'flow-mods decoded per second', ld, od, 'flow-mods/s');
  const rt = le.map((e, i) => 1 / (1 / e + 1 / ld[i]));
  const ort = oe.map((e, i) => 1 / (1 / e + 1 / od[i]));
  line('encode-decode', 'flow-mods encoded and decoded per second', rt, ort, 'flow-mods/s');
  if (sink === 42) console.log('');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
