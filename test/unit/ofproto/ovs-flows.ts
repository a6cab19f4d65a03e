import fc from 'fast-check';
import type { Action } from '../../../src/ofproto/actions.js';
import type { FlowMod } from '../../../src/ofproto/flow-mod.js';
import type { FieldName, Match } from '../../../src/ofproto/match.js';
import { formatIpv4, formatIpv6, formatMac } from '../../../src/ofproto/addr.js';
import {
  controller,
  ct,
  decTtl,
  field,
  flow,
  group,
  learn,
  learnLoad,
  learnMatch,
  learnOutput,
  load,
  move,
  nat,
  note,
  output,
  resubmit,
  setField,
  setTunnel,
} from '../../../src/ofproto/flow.js';

/**
 * Random flows that Open vSwitch accepts as they are (canonical values: masked values already ANDed with their
 * masks, CIDR address masks, prerequisites spelled out), for cross-checking loris against `ovs-ofctl ofp-parse`.
 */

const u = (bits: number, min = 0): fc.Arbitrary<number> => fc.integer({ min, max: 2 ** bits - 1 });
const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const mac = fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => formatMac(b, 0));
const REG_NAMES: FieldName[] = [
  'reg0',
  'reg1',
  'reg2',
  'reg3',
  'reg4',
  'reg5',
  'reg6',
  'reg7',
  'reg8',
  'reg9',
  'reg10',
  'reg11',
  'reg12',
  'reg13',
  'reg14',
  'reg15',
];
const reg = fc.constantFrom(...REG_NAMES);

const maskedU32 = fc.tuple(u(32), u(32, 1)).map(([v, m]) => ({ value: (v & m) >>> 0, mask: m }));
const maskedU64 = fc
  .tuple(
    u64,
    u64.filter((m) => m !== 0n),
  )
  .map(([v, m]) => ({ value: v & m, mask: m }));
const cidr4 = fc.tuple(u(32), fc.integer({ min: 1, max: 32 })).map(([v, p]) => {
  const m = p === 32 ? 0xffffffff : ~(2 ** (32 - p) - 1) >>> 0;
  return p === 32 ? formatIpv4(v) : { value: formatIpv4((v & m) >>> 0), mask: formatIpv4(m) };
});
const ipv6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => {
  b[0] = 0x20; // keep clear of IPv4-mapped and other specially printed forms
  return formatIpv6(b, 0);
});

const free: fc.Arbitrary<Match> = fc.record(
  {
    inPort: u(16, 1).filter((p) => p < 0xff00),
    ethSrc: mac,
    ethDst: mac,
    reg0: maskedU32,
    reg3: u(32),
    reg15: maskedU32,
    tunnelId: fc.oneof(u64, maskedU64),
    metadata: fc.oneof(u64, maskedU64),
    pktMark: maskedU32,
    ctMark: maskedU32,
    ctZone: u(16),
    tunIpv4Dst: cidr4,
  },
  { requiredKeys: [] },
);

const l3: fc.Arbitrary<Match> = fc.oneof(
  fc.constant<Match>({}),
  fc.record({ ethType: fc.constant(0x0800), ipv4Src: cidr4, ipv4Dst: cidr4 }, { requiredKeys: ['ethType'] }),
  fc.record(
    { ethType: fc.constant(0x0800), ipProto: fc.constant(6), tcpSrc: u(16), tcpDst: u(16), ipv4Dst: cidr4 },
    { requiredKeys: ['ethType', 'ipProto'] },
  ),
  fc.record(
    { ethType: fc.constant(0x0800), ipProto: fc.constant(17), udpSrc: u(16), udpDst: u(16) },
    { requiredKeys: ['ethType', 'ipProto'] },
  ),
  fc.record(
    { ethType: fc.constant(0x0800), ipProto: fc.constant(1), icmpv4Type: u(8), icmpv4Code: u(8) },
    { requiredKeys: ['ethType', 'ipProto'] },
  ),
  fc.record({ ethType: fc.constant(0x86dd), ipv6Src: ipv6, ipv6Dst: ipv6 }, { requiredKeys: ['ethType'] }),
  fc.record(
    { ethType: fc.constant(0x0806), arpOp: u(8), arpSpa: cidr4, arpTpa: cidr4, arpSha: mac },
    { requiredKeys: ['ethType'] },
  ),
);

const slice = fc
  .tuple(reg, fc.integer({ min: 1, max: 32 }))
  .chain(([r, n]) => fc.integer({ min: 0, max: 32 - n }).map((ofs) => field(r, ofs, n)));
const simpleAction: fc.Arbitrary<Action> = fc.oneof(
  u(16, 1)
    .filter((p) => p < 0xff00)
    .map((p) => output(p)),
  fc.tuple(reg, u(32)).map(([r, v]): Action => ({ type: 'set_field', field: r, value: v })),
  u64.map((v) => setTunnel(v)),
  mac.map((m) => setField('ethDst', m)),
  slice.chain((s) => fc.bigInt({ min: 0n, max: (1n << BigInt(s.nBits)) - 1n }).map((v) => load(v, s))),
  fc
    .tuple(slice, reg, fc.integer({ min: 0, max: 31 }))
    .map(([s, r, o]) => move(s, field(r, Math.min(o, 32 - s.nBits), s.nBits))),
  fc
    .tuple(
      fc.option(
        u(16, 1).filter((p) => p < 0xff00),
        { nil: undefined },
      ),
      u(8),
    )
    .map(([p, t]) => resubmit(p, t === 255 ? 254 : t)),
  u(31).map(group),
  fc.uint8Array({ maxLength: 20 }).map((b) => note(b)),
  fc
    .record(
      {
        maxLen: u(16),
        id: u(16),
        reason: fc.constantFrom('no_match' as const, 'action' as const, 'invalid_ttl' as const),
      },
      { requiredKeys: [] },
    )
    .map((o) => controller(o)),
  fc.uint8Array({ minLength: 1, maxLength: 9 }).map((b) => controller({ userdata: b })),
  fc
    .tuple(u(8, 1), reg, reg)
    .map(([t, a, b]) => learn({ table: t }, learnMatch('ethDst', 'ethSrc'), learnLoad(a, b), learnOutput('nxmInPort'))),
);
const ipAction: fc.Arbitrary<Action> = fc.oneof(
  fc.constant(decTtl()),
  fc.record({ commit: fc.boolean(), zone: u(16), table: u(8) }).map((o) => ct(o)),
  fc
    .tuple(u(32), u(16, 1))
    .map(([a, p]) => ct({ commit: true, actions: [nat({ src: true, ipv4Min: formatIpv4(a), protoMin: p })] })),
);

export const ovsFlowArb: fc.Arbitrary<FlowMod> = fc
  .record({
    table: u(8).filter((t) => t < 250),
    priority: u(16),
    cookie: u64.filter((c) => c !== 2n ** 64n - 1n),
    idle: u(16),
    hard: u(16),
    free,
    l3,
    actions: fc.array(simpleAction, { maxLength: 4 }),
    ipActions: fc.array(ipAction, { maxLength: 2 }),
    goto: fc.boolean(),
    flags: fc.subarray(['send_flow_rem', 'check_overlap', 'reset_counts'] as const),
  })
  .map((r) => {
    const match = { ...r.free, ...r.l3 };
    const isIp = match.ethType === 0x0800 || match.ethType === 0x86dd;
    const b = flow()
      .table(r.table)
      .priority(r.priority)
      .cookie(r.cookie)
      .idleTimeout(r.idle)
      .hardTimeout(r.hard)
      .match(match)
      .flags(...r.flags);
    if (r.goto) b.gotoTable(r.table + 1);
    const ipActions = r.ipActions.filter((a) => match.ethType === 0x0800 || !(a.type === 'ct' && a.actions));
    return b.apply(...r.actions, ...(isIp ? ipActions : []));
  });
