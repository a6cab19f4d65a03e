import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NlWriter } from '../../../src/netlink/bytes.js';
import { NLM_F_ACK, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REQUEST, RTM_DELLINK, RTM_NEWADDR, RTM_NEWLINK, RTM_NEWROUTE } from '../../../src/netlink/constants.js';
import { decodeLink, encodeLinkChange, encodeLinkDelete, encodeSimpleCreate, encodeVethCreate, type LinkChange } from '../../../src/netlink/link.js';
import { decodeAddress, encodeAddress } from '../../../src/netlink/address.js';
import { decodeRoute, encodeRoute, type RouteSpec } from '../../../src/netlink/route.js';

/*
 * Golden vectors: the requests `ip` (iproute2) sends, captured with strace by vectors/capture.ts.
 * Each is rebuilt from its spec with loris's encoders and must be byte-identical; loris's decoders
 * must read the captured bytes back into the spec's values.
 */

type Spec =
  | { op: 'veth'; name: string; mtu?: number; group?: number; peer: { name: string; mtu?: number; mac?: string } }
  | { op: 'simple'; name: string; kind: string }
  | { op: 'change'; index: number; change: LinkChange }
  | { op: 'delete'; index: number }
  | { op: 'address'; index: number; cidr: string; nodad?: boolean }
  | ({ op: 'route' } & RouteSpec);

interface Vector {
  command: string;
  spec: Spec;
  type: number;
  flags: number;
  payload: string;
}

const dir = join(import.meta.dirname, 'vectors');
const vectors = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => ({ file: f, v: JSON.parse(readFileSync(join(dir, f), 'utf8')) as Vector }));
const CREATE = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
const CHANGE = NLM_F_REQUEST | NLM_F_ACK;

/** What loris sends for a spec: message type, flags (as Rtnl sends them, without ECHO) and body. */
function encode(s: Spec): { type: number; flags: number; body: Buffer } {
  const w = new NlWriter(64);
  switch (s.op) {
    case 'veth': encodeVethCreate(w, s); return { type: RTM_NEWLINK, flags: CREATE, body: w.finish() };
    case 'simple': encodeSimpleCreate(w, s); return { type: RTM_NEWLINK, flags: CREATE, body: w.finish() };
    case 'change': encodeLinkChange(w, { index: s.index }, s.change); return { type: RTM_NEWLINK, flags: CHANGE, body: w.finish() };
    case 'delete': encodeLinkDelete(w, { index: s.index }); return { type: RTM_DELLINK, flags: CHANGE, body: w.finish() };
    case 'address': encodeAddress(w, s); return { type: RTM_NEWADDR, flags: CREATE, body: w.finish() };
    case 'route': encodeRoute(w, s); return { type: RTM_NEWROUTE, flags: CREATE, body: w.finish() };
  }
}

function firstDiff(a: Buffer, b: Buffer): string {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  if (i === n && a.length === b.length) return 'identical';
  return `first difference at byte ${i} (lengths ${a.length}/${b.length}):\n  loris: ${a.subarray(i, i + 16).toString('hex')}\n  ip:    ${b.subarray(i, i + 16).toString('hex')}`;
}

test('there are golden vectors', (t) => {
  t.true(vectors.length >= 10);
});

for (const { file, v } of vectors) {
  test(`${file}: loris encodes \`${v.command}\` byte for byte and decodes it back`, (t) => {
    const ip = Buffer.from(v.payload, 'hex');
    const mine = encode(v.spec);
    t.is(mine.type, v.type, 'message type');
    t.is(mine.flags, v.flags, 'nlmsg flags');
    t.true(mine.body.equals(ip), firstDiff(mine.body, ip));
    const s = v.spec;
    switch (s.op) {
      case 'veth':
        t.like(decodeLink(ip), { name: s.name, kind: 'veth', ...(s.mtu && { mtu: s.mtu }), ...(s.group && { group: s.group }) });
        break;
      case 'simple':
        t.like(decodeLink(ip), { name: s.name, kind: s.kind });
        break;
      case 'change':
        t.like(decodeLink(ip), { index: s.index, ...(s.change.mtu && { mtu: s.change.mtu }), ...(s.change.mac && { mac: s.change.mac }), ...(s.change.up && { up: true }) });
        break;
      case 'delete':
        t.is(decodeLink(ip).index, s.index);
        break;
      case 'address':
        t.like(decodeAddress(ip), { index: s.index, cidr: s.cidr });
        break;
      case 'route':
        t.like(decodeRoute(ip), { dst: s.dst, ...(s.gateway && { gateway: s.gateway }), ...(s.oif && { oif: s.oif }), ...(s.metric && { metric: s.metric }) });
        break;
    }
  });
}
