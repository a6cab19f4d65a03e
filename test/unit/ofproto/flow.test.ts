import test from 'ava';
import { Reader, Writer } from '../../../src/ofproto/bytes.js';
import { decodeFlowModBody, encodeFlowModBody, OFP_HEADER_SIZE, type FlowMod } from '../../../src/ofproto/flow-mod.js';
import { MatchPrereqError } from '../../../src/ofproto/match.js';
import { InvalidArgumentError } from '../../../src/errors.js';
import { formatFlow, formatFlowMod } from '../../../src/ofproto/print.js';
import {
  controller,
  conjunction,
  ct,
  decTtl,
  drop,
  field,
  flow,
  group,
  learn,
  learnLoad,
  learnMatch,
  learnMatchValue,
  learnOutput,
  load,
  move,
  nat,
  normal,
  note,
  output,
  popVlan,
  pushVlan,
  resubmit,
  setField,
  setTunnel,
} from '../../../src/ofproto/flow.js';
import { hexDiff, loadVectors } from './vectors.js';

const byName = new Map(loadVectors().map((v) => [v.name, v]));

function body(fm: FlowMod): Buffer {
  const w = new Writer();
  encodeFlowModBody(w, fm);
  return w.finish();
}

/** The builder's flow must encode to exactly the bytes ovs-ofctl sent for the vector. */
function sameAsOvs(name: string, fm: FlowMod): string | undefined {
  const v = byName.get(name);
  if (!v) return `no vector ${name}`;
  return hexDiff(v.bin.subarray(OFP_HEADER_SIZE), body(fm));
}

const cases: Array<[string, FlowMod]> = [
  ['action-040', flow().apply(setTunnel(100))],
  ['action-000', flow().apply(output(2))],
  ['action-002', flow().apply(normal())],
  ['action-013', flow().apply(drop())],
  ['action-009', flow().apply(controller({ reason: 'no_match', id: 3, maxLen: 100 }))],
  ['action-007', flow().apply(controller())],
  ['action-010', flow().apply(controller({ userdata: Buffer.from([1, 2, 3, 4, 5]) }))],
  ['action-011', flow().apply(controller({ pause: true }))],
  ['action-016', flow().apply(group(1))],
  ['action-017', flow().apply(pushVlan())],
  ['action-019', flow().match({ vlanVid: 0x1005 }).apply(popVlan())],
  ['action-029', flow().match({ ethType: 0x800 }).apply(decTtl())],
  ['action-031', flow().match({ ethType: 0x800 }).apply(decTtl(4))],
  ['action-057', flow().apply(load(5, field('reg0', 0, 8)))],
  ['action-056', flow().apply(load(1, 'reg0'))],
  ['action-065', flow().apply(move(field('reg0', 0, 16), field('reg1', 16, 16)))],
  ['action-066', flow().apply(move('ethSrc', 'ethDst'))],
  ['action-071', flow().apply(resubmit(3))],
  ['action-072', flow().apply(resubmit(undefined, 5))],
  ['action-077', flow().apply(note(Buffer.from([1, 2, 3])))],
  ['action-087', flow().apply(learn({ table: 1 }, learnMatch('ethDst', 'ethSrc'), learnOutput('nxmInPort')))],
  [
    'action-088',
    flow().apply(
      learn(
        {
          table: 10,
          idleTimeout: 10,
          hardTimeout: 20,
          finIdleTimeout: 5,
          finHardTimeout: 6,
          priority: 5,
          cookie: 5n,
          sendFlowRem: true,
          deleteLearned: true,
        },
        learnMatchValue('ethType', 0x800),
        learnMatch('ethDst', 'ethSrc'),
        learnLoad('reg0', 'reg1'),
        learnLoad(5, 'reg2'),
        learnOutput('nxmInPort'),
      ),
    ),
  ],
  ['action-095', flow().apply(conjunction(5, 1, 2))],
  [
    'action-099',
    flow()
      .match({ ethType: 0x800 })
      .apply(ct({ commit: true, zone: 5 })),
  ],
  [
    'action-101',
    flow()
      .match({ ethType: 0x800 })
      .apply(ct({ table: 1, zone: field('reg0', 0, 16) })),
  ],
  [
    'action-103',
    flow()
      .match({ ethType: 0x800 })
      .apply(ct({ commit: true, actions: [setField('ctMark', 1)] })),
  ],
  [
    'action-106',
    flow()
      .match({ ethType: 0x800, ipProto: 6 })
      .apply(ct({ commit: true, alg: 'ftp' })),
  ],
  [
    'action-110',
    flow()
      .match({ ethType: 0x800 })
      .apply(
        ct({
          commit: true,
          actions: [
            nat({ src: true, ipv4Min: '10.0.0.1', ipv4Max: '10.0.0.5', protoMin: 1000, protoMax: 2000, random: true }),
          ],
        }),
      ),
  ],
  ['instr-000', flow().table(1).gotoTable(5).build()],
  [
    'instr-011',
    flow().table(1).meter(1).clearActions().write(output(4)).writeMetadata(1n, 1n).gotoTable(7).apply(output(2)),
  ],
  [
    'match-112',
    flow()
      .priority(100)
      .match({
        inPort: 1,
        ethSrc: '00:00:00:00:00:01',
        ethDst: '00:00:00:00:00:02',
        ethType: 0x800,
        ipv4Src: '10.0.0.1',
        ipv4Dst: '10.0.0.2',
      })
      .apply(output(1)),
  ],
  [
    'match-031',
    flow()
      .priority(100)
      .match({ tcpDst: { value: 0x1000, mask: 0xf000 }, ipProto: 6, ethType: 0x800 })
      .apply(output(1)),
  ],
  [
    'mod-012',
    flow().flags('send_flow_rem', 'check_overlap', 'reset_counts', 'no_packet_counts', 'no_byte_counts').drop(),
  ],
  ['mod-007', flow().idleTimeout(30).hardTimeout(60).drop()],
  ['mod-015', flow().command('modify').cookie(5, 0xff).apply(output(2))],
];

for (const [name, fm] of cases) {
  test(`builder flow encodes exactly like ovs-ofctl: ${name}`, (t) => {
    t.is(sameAsOvs(name, fm), undefined);
  });
}

test('the builder example from the brief reads and prints like ovs-ofctl', (t) => {
  const fm = flow()
    .table(0)
    .priority(100)
    .cookie(0x1n)
    .match({ inPort: 3, ethSrc: '00:00:00:00:00:01' })
    .apply(setField('tunnelId', 100n), output(2));
  t.is(
    formatFlow(fm),
    'cookie=0x1, table=0, priority=100,in_port=3,dl_src=00:00:00:00:00:01 actions=set_field:0x64->tun_id,output:2',
  );
  t.is(
    formatFlowMod(fm),
    'ADD priority=100,in_port=3,dl_src=00:00:00:00:00:01 cookie:0x1 actions=set_field:0x64->tun_id,output:2',
  );
  t.deepEqual(decodeFlowModBody(new Reader(body(fm))), fm);
});

test('prerequisite violations throw a typed error naming what is missing', (t) => {
  const e = t.throws(() => body(flow().match({ tcpDst: 80 }).apply(output(1))), { instanceOf: MatchPrereqError });
  t.regex(e.message, /tcpDst requires ethType 0x800 or 0x86dd/);
  const e2 = t.throws(() => body(flow().match({ ethType: 0x800, tcpDst: 80 }).apply(output(1))), {
    instanceOf: MatchPrereqError,
  });
  t.regex(e2.message, /ipProto 6/);
  t.throws(() => body(flow().match({ ethType: 0x800, ipProto: 17, tcpDst: 80 }).apply(output(1))), {
    instanceOf: MatchPrereqError,
  });
  t.throws(
    () => body(flow().match({ ethType: 0x86dd, ipProto: 58, icmpv6Type: 128, ipv6NdTarget: '::1' }).apply(output(1))),
    { instanceOf: MatchPrereqError },
  );
  t.throws(() => body(flow().match({ vlanPcp: 3 }).apply(output(1))), {
    instanceOf: MatchPrereqError,
    message: /vlanVid/,
  });
});

test('invalid values and names throw InvalidArgumentError', (t) => {
  t.throws(() => body(flow().match({ inPort: -1 }).apply(output(1))), { instanceOf: InvalidArgumentError });
  t.throws(() => body(flow().match({ ethSrc: 'nope' }).apply(output(1))), {
    instanceOf: InvalidArgumentError,
    message: /MAC/,
  });
  t.throws(
    () =>
      body(
        flow()
          .match({ ethType: { value: 1, mask: 1 } })
          .apply(output(1)),
      ),
    { instanceOf: InvalidArgumentError, message: /cannot be masked/ },
  );
  t.throws(() => flow().match({ nope: 1 } as never), {
    instanceOf: InvalidArgumentError,
    message: /unknown match field/,
  });
  t.throws(() => flow().table(300), { instanceOf: InvalidArgumentError });
  t.throws(() => move(field('reg0', 0, 8), field('reg1', 0, 16)), { instanceOf: InvalidArgumentError });
});

test('formatFlow prints flow stats with duration and counters like dump-flows', (t) => {
  const fm = flow()
    .table(2)
    .priority(7)
    .idleTimeout(10)
    .flags('send_flow_rem')
    .match({ ethType: 0x800, ipProto: 17, udpDst: 53 })
    .apply(normal());
  const stats = { ...fm, durationSec: 3, durationNsec: 339_000_000, packetCount: 12n, byteCount: 1500n };
  t.is(
    formatFlow(stats),
    'cookie=0x0, duration=3.339s, table=2, n_packets=12, n_bytes=1500, idle_timeout=10, send_flow_rem priority=7,udp,tp_dst=53 actions=NORMAL',
  );
});
