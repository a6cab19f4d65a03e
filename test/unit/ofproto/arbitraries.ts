import fc from 'fast-check';
import { formatIpv6, formatMac, formatIpv4 } from '../../../src/ofproto/addr.js';
import { checkPrereq, type Match } from '../../../src/ofproto/match.js';
import { OXM_FIELDS, type AnyFieldDef, type AnyFieldValue, type FieldName } from '../../../src/ofproto/oxm.js';
import type { Action } from '../../../src/ofproto/actions.js';
import type { FieldSlice, LearnSpec } from '../../../src/ofproto/nx-actions.js';
import type { Instruction } from '../../../src/ofproto/instructions.js';
import { FLOW_MOD_COMMANDS, type FlowMod } from '../../../src/ofproto/flow-mod.js';

/** fast-check generators of valid loris OpenFlow objects (canonical values, prerequisites met). */

const u = (bits: number): fc.Arbitrary<number> => fc.integer({ min: 0, max: 2 ** bits - 1 });
const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });

export function valueArb(d: AnyFieldDef): fc.Arbitrary<AnyFieldValue> {
  switch (d.codec) {
    case 'u8':
      return u(8);
    case 'u16':
      return u(16);
    case 'u24':
      return u(24);
    case 'u32':
      return u(32);
    case 'u64':
      return u64;
    case 'u128':
      return fc.bigInt({ min: 0n, max: 2n ** 128n - 1n });
    case 'mac':
      return fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => formatMac(b, 0));
    case 'ipv4':
      return u(32).map(formatIpv4);
    case 'ipv6':
      return fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => formatIpv6(b, 0));
  }
}

const PROFILES: Match[] = [
  {},
  { ethType: 0x0800 },
  { ethType: 0x86dd },
  { ethType: 0x0800, ipProto: 6 },
  { ethType: 0x86dd, ipProto: 6 },
  { ethType: 0x0800, ipProto: 17 },
  { ethType: 0x0800, ipProto: 132 },
  { ethType: 0x0800, ipProto: 1 },
  { ethType: 0x86dd, ipProto: 58 },
  { ethType: 0x86dd, ipProto: 58, icmpv6Type: 135 },
  { ethType: 0x86dd, ipProto: 58, icmpv6Type: 136 },
  { ethType: 0x0806 },
  { ethType: 0x8847 },
  { ethType: 0x88e7 },
  { vlanVid: 0x1005 },
  { inPort: 7 },
];

/** Fields whose prerequisites `base` satisfies and that `base` does not set. */
function allowed(base: Match): AnyFieldDef[] {
  return OXM_FIELDS.filter((d) => {
    if (base[d.name] !== undefined) return false;
    try {
      checkPrereq(base, d);
      return true;
    } catch {
      return false;
    }
  });
}

function fieldEntry(d: AnyFieldDef): fc.Arbitrary<[FieldName, unknown]> {
  const v = valueArb(d);
  const val = d.maskable ? fc.oneof(v, fc.record({ value: v, mask: v })) : v;
  return val.map((x) => [d.name, x] as [FieldName, unknown]);
}

export const matchArb: fc.Arbitrary<Match> = fc.constantFrom(...PROFILES).chain((base) => {
  const defs = allowed(base);
  return fc
    .subarray(defs, { maxLength: 6 })
    .chain((chosen) =>
      fc.tuple(...chosen.map(fieldEntry)).map((entries) => ({ ...base, ...Object.fromEntries(entries) }) as Match),
    );
});

const SLICE_FIELDS = OXM_FIELDS.filter((d) => d.codec.startsWith('u') && d.width <= 8 && !d.experimenter);
export const sliceArb: fc.Arbitrary<FieldSlice> = fc
  .constantFrom(...SLICE_FIELDS)
  .chain((d) =>
    fc
      .integer({ min: 1, max: Math.min(64, d.width * 8) })
      .chain((nBits) => fc.integer({ min: 0, max: d.width * 8 - nBits }).map((ofs) => ({ field: d.name, ofs, nBits }))),
  );

const anyField = fc.constantFrom(...OXM_FIELDS);
const ipv4Arb = u(32).map(formatIpv4);
const ipv6Arb = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => formatIpv6(b, 0));
const setFieldArb = anyField.chain((d) =>
  valueArb(d).map((value): Action => ({ type: 'set_field', field: d.name, value })),
);
const bytesArb = (max: number): fc.Arbitrary<Buffer> => fc.uint8Array({ maxLength: max }).map((b) => Buffer.from(b));

const mask = (v: bigint, nBits: number): bigint => v & ((1n << BigInt(nBits)) - 1n);
const immediate = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const learnSpecArb: fc.Arbitrary<LearnSpec> = fc.oneof(
  fc
    .tuple(fc.constantFrom('match' as const, 'load' as const), sliceArb, sliceArb)
    .map(([dst, s, d]) => ({
      dst,
      nBits: Math.min(s.nBits, d.nBits),
      src: { field: s.field, ofs: s.ofs },
      field: d.field,
      ofs: d.ofs,
    })),
  fc
    .tuple(fc.constantFrom('match' as const, 'load' as const), immediate, sliceArb)
    .map(([dst, v, d]) => ({ dst, nBits: d.nBits, src: { value: mask(v, d.nBits) }, field: d.field, ofs: d.ofs })),
  sliceArb.map((s) => ({ dst: 'output' as const, nBits: s.nBits, src: { field: s.field, ofs: s.ofs } })),
);

const leafActionArb: fc.Arbitrary<Action> = fc.oneof(
  fc
    .record({ type: fc.constant('output' as const), port: u(32), maxLen: u(16) })
    .map((a): Action => (a.maxLen === (a.port === 0xfffffffd ? 0xffff : 0) ? { type: 'output', port: a.port } : a)),
  fc.constantFrom<Action>(
    { type: 'copy_ttl_out' },
    { type: 'copy_ttl_in' },
    { type: 'dec_mpls_ttl' },
    { type: 'pop_vlan' },
    { type: 'dec_nw_ttl' },
    { type: 'pop_pbb' },
    { type: 'exit' },
    { type: 'pop_queue' },
    { type: 'ct_clear' },
    { type: 'dec_ttl' },
  ),
  u(8).map((ttl): Action => ({ type: 'set_mpls_ttl', ttl })),
  u(8).map((ttl): Action => ({ type: 'set_nw_ttl', ttl })),
  fc
    .constantFrom('push_vlan' as const, 'push_mpls' as const, 'pop_mpls' as const, 'push_pbb' as const)
    .chain((type) => u(16).map((ethertype): Action => ({ type, ethertype }))),
  u(32).map((queueId): Action => ({ type: 'set_queue', queueId })),
  u(32).map((groupId): Action => ({ type: 'group', groupId })),
  setFieldArb,
  fc
    .record({
      port: fc.option(u(16), { nil: undefined }),
      table: fc.option(u(8), { nil: undefined }),
      ct: fc.boolean(),
    })
    .map(({ port, table, ct }): Action => {
      const a: Action = { type: 'resubmit' };
      if (port !== undefined && port !== 0xfff8) a.port = port;
      if (ct || table !== undefined) a.table = table ?? 0xff;
      if (ct) a.ct = true;
      if (a.port === undefined && a.table === undefined) a.port = 1;
      return a;
    }),
  u(32).map((tunId): Action => ({ type: 'set_tunnel', tunId })),
  u64.map((tunId): Action => ({ type: 'set_tunnel64', tunId })),
  fc.tuple(sliceArb, sliceArb).map(([s, d]): Action => {
    const nBits = Math.min(s.nBits, d.nBits);
    return { type: 'reg_move', src: s.field, srcOfs: s.ofs, dst: d.field, dstOfs: d.ofs, nBits };
  }),
  sliceArb.chain((s) =>
    fc
      .bigInt({ min: 0n, max: (1n << BigInt(s.nBits)) - 1n })
      .map((value): Action => ({ type: 'reg_load', field: s.field, ofs: s.ofs, nBits: s.nBits, value })),
  ),
  anyField.chain((d) =>
    (d.maskable ? fc.oneof(valueArb(d), fc.record({ value: valueArb(d), mask: valueArb(d) })) : valueArb(d)).map(
      (value): Action => ({ type: 'reg_load2', field: d.name, value }),
    ),
  ),
  fc
    .integer({ min: 0, max: 60 })
    .chain((n) => fc.uint8Array({ minLength: 6 + 8 * Math.floor(n / 8), maxLength: 6 + 8 * Math.floor(n / 8) }))
    .map((b): Action => ({ type: 'note', data: Buffer.from(b) })),
  fc
    .record({ fields: u(16), basis: u(16), algorithm: u(16), maxLink: u(16), arg: u(32), dst: sliceArb })
    .map((a): Action => ({ type: 'multipath', ...a })),
  fc
    .record({
      algorithm: u(16),
      fields: u(16),
      basis: u(16),
      slaveType: u(32),
      slaves: fc.array(u(16), { maxLength: 6 }),
      load: fc.option(sliceArb, { nil: undefined }),
    })
    .map(({ load, ...a }): Action => (load ? { type: 'bundle', ...a, load } : { type: 'bundle', ...a })),
  fc.record({ src: sliceArb, maxLen: u(16) }).map((a): Action => ({ type: 'output_reg', ...a })),
  fc
    .record({
      idleTimeout: u(16),
      hardTimeout: u(16),
      priority: u(16),
      cookie: u64,
      flags: u(3),
      tableId: u(8),
      finIdleTimeout: u(16),
      finHardTimeout: u(16),
      specs: fc.array(learnSpecArb, { maxLength: 5 }),
    })
    .map((a): Action => ({ type: 'learn', ...a })),
  fc.array(u(16), { maxLength: 7 }).map((controllerIds): Action => ({ type: 'dec_ttl', controllerIds })),
  fc.record({ idleTimeout: u(16), hardTimeout: u(16) }).map((a): Action => ({ type: 'fin_timeout', ...a })),
  fc.record({ maxLen: u(16), controllerId: u(16), reason: u(8) }).map((a): Action => ({ type: 'controller', ...a })),
  fc
    .record(
      {
        maxLen: u(16),
        controllerId: u(16),
        reason: u(8),
        userdata: bytesArb(20),
        pause: fc.constant(true as const),
        meterId: u(32),
      },
      { requiredKeys: [] },
    )
    .map((a): Action => ({ type: 'controller2', ...a })),
  fc
    .integer({ min: 2, max: 64 })
    .chain((n) => fc.record({ id: u(32), clause: fc.integer({ min: 1, max: n }), nClauses: fc.constant(n) }))
    .map((a): Action => ({ type: 'conjunction', ...a })),
  fc
    .record(
      {
        src: fc.constant(true as const),
        dst: fc.constant(true as const),
        persistent: fc.constant(true as const),
        hash: fc.constant(true as const),
        random: fc.constant(true as const),
        ipv4Min: ipv4Arb,
        ipv4Max: ipv4Arb,
        ipv6Min: ipv6Arb,
        ipv6Max: ipv6Arb,
        protoMin: u(16),
        protoMax: u(16),
      },
      { requiredKeys: [] },
    )
    .map((a): Action => ({ type: 'nat', ...a })),
  fc
    .record({
      actionType: fc.integer({ min: 28, max: 0xfffe }),
      body: fc.integer({ min: 0, max: 4 }).chain((n) => fc.uint8Array({ minLength: 4 + 8 * n, maxLength: 4 + 8 * n })),
    })
    .map((a): Action => ({ type: 'unknown', actionType: a.actionType, body: Buffer.from(a.body) })),
);

/** Actions including nested ones (ct exec, clone). */
export const actionArb: fc.Arbitrary<Action> = fc.letrec<{ action: Action; list: Action[] }>((tie) => ({
  action: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafActionArb,
    fc
      .record(
        {
          commit: fc.constant(true as const),
          force: fc.constant(true as const),
          zone: fc.oneof(
            fc.integer({ min: 1, max: 0xffff }),
            sliceArb.filter((s) => s.nBits <= 64),
          ),
          table: u(8).filter((x) => x !== 0xff),
          alg: fc.integer({ min: 1, max: 0xffff }),
          actions: tie('list').filter((l) => l.length > 0),
        },
        { requiredKeys: [] },
      )
      .map((a): Action => ({ type: 'ct', ...a })),
    tie('list').map((actions): Action => ({ type: 'clone', actions })),
  ),
  list: fc.array(tie('action'), { maxLength: 3 }),
})).action;

export const actionsArb = fc.array(actionArb, { maxLength: 5 });

export const instructionArb: fc.Arbitrary<Instruction> = fc.oneof(
  u(8).map((tableId): Instruction => ({ type: 'goto_table', tableId })),
  fc.record({ metadata: u64, mask: u64 }).map((i): Instruction => ({ type: 'write_metadata', ...i })),
  actionsArb.map((actions): Instruction => ({ type: 'write_actions', actions })),
  actionsArb.map((actions): Instruction => ({ type: 'apply_actions', actions })),
  fc.constant<Instruction>({ type: 'clear_actions' }),
  u(32).map((meterId): Instruction => ({ type: 'meter', meterId })),
  fc
    .record({
      instructionType: fc.integer({ min: 7, max: 0xfffe }),
      body: fc.integer({ min: 0, max: 3 }).chain((n) => fc.uint8Array({ minLength: 4 + 8 * n, maxLength: 4 + 8 * n })),
    })
    .map((i): Instruction => ({ type: 'unknown', instructionType: i.instructionType, body: Buffer.from(i.body) })),
);

export const flowModArb: fc.Arbitrary<FlowMod> = fc.record({
  type: fc.constant('flow_mod' as const),
  cookie: u64,
  cookieMask: u64,
  tableId: u(8),
  command: fc.constantFrom(...FLOW_MOD_COMMANDS),
  idleTimeout: u(16),
  hardTimeout: u(16),
  priority: u(16),
  bufferId: u(32),
  outPort: u(32),
  outGroup: u(32),
  flags: u(5),
  match: matchArb,
  instructions: fc.array(instructionArb, { maxLength: 4 }),
});
