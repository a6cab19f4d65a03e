import { InvalidArgumentError } from '../errors.js';
import { NlReader, NlWriter, attr, readAttrs } from './bytes.js';
import {
  AF_INET, RTA_DST, RTA_GATEWAY, RTA_OIF, RTA_PREFSRC, RTA_PRIORITY, RTA_TABLE, RTMSG_SIZE, RTN_UNICAST, RTPROT_BOOT,
  RT_SCOPE_LINK, RT_SCOPE_UNIVERSE, RT_TABLE_MAIN,
} from './constants.js';
import { scopeName, type Address } from './address.js';
import { formatIp, parseCidr, parseIp } from './ip.js';

/** A route as RTM_NEWROUTE reports it. `dst` is `default` or a CIDR, as `ip route` prints it. */
export interface Route {
  readonly family: 'inet' | 'inet6';
  readonly dst: string;
  readonly gateway?: string;
  readonly oif?: number;
  readonly prefsrc?: string;
  readonly metric?: number;
  readonly table: number;
  readonly protocol: number;
  readonly scope: Address['scope'];
  /** RTN_* (1 unicast, 2 local, …). */
  readonly type: number;
}

export interface RouteSpec {
  /** `default`, `default6`, or a CIDR such as `10.1.0.0/16` / `fd00::/64`. */
  dst: string;
  gateway?: string;
  oif?: number;
  metric?: number;
  table?: number;
  prefsrc?: string;
}

function routeDst(spec: RouteSpec): { family: number; prefixLen: number; bytes?: Buffer } {
  if (spec.dst === 'default' || spec.dst === 'default6') {
    const family = spec.dst === 'default6' ? 10 : spec.gateway ? parseIp(spec.gateway).family : AF_INET;
    return { family, prefixLen: 0 };
  }
  const c = parseCidr(spec.dst);
  return { family: c.family, prefixLen: c.prefixLen, bytes: c.bytes };
}

/** RTM_NEWROUTE / RTM_DELROUTE body. A route with no gateway is on-link (scope link), as `ip route add … dev X` makes it. */
export function encodeRoute(w: NlWriter, spec: RouteSpec): void {
  const d = routeDst(spec);
  const gw = spec.gateway !== undefined ? parseIp(spec.gateway) : undefined;
  if (gw && gw.family !== d.family) throw new InvalidArgumentError(`route ${spec.dst} via ${spec.gateway}: the gateway's family differs from the destination's`);
  if (!gw && spec.oif === undefined) throw new InvalidArgumentError(`route ${spec.dst}: give a gateway or an output interface`);
  const table = spec.table ?? RT_TABLE_MAIN;
  const scope = gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
  w.u8(d.family).u8(d.prefixLen).u8(0).u8(0).u8(table < 256 ? table : 0).u8(RTPROT_BOOT).u8(scope).u8(RTN_UNICAST).u32(0);
  if (d.bytes) w.attrBytes(RTA_DST, d.bytes);
  if (gw) w.attrBytes(RTA_GATEWAY, gw.bytes);
  if (spec.oif !== undefined) w.attrU32(RTA_OIF, spec.oif);
  if (spec.prefsrc !== undefined) w.attrBytes(RTA_PREFSRC, parseIp(spec.prefsrc).bytes);
  if (spec.metric !== undefined) w.attrU32(RTA_PRIORITY, spec.metric);
  if (table >= 256) w.attrU32(RTA_TABLE, table);
}

/** The rtmsg of a dump request filtered by family (0 = all). */
export function encodeRouteDump(w: NlWriter, family: number): void {
  w.u8(family).zeros(RTMSG_SIZE - 1);
}

export function decodeRoute(payload: Buffer): Route {
  const r = new NlReader(payload);
  r.need(RTMSG_SIZE, 'rtmsg');
  const family = r.u8();
  const dstLen = r.u8();
  r.skip(2); // src_len, tos
  let table = r.u8();
  const protocol = r.u8();
  const scope = r.u8();
  const type = r.u8();
  r.skip(4); // flags
  let dst: string | undefined;
  let gateway: string | undefined;
  let oif: number | undefined;
  let prefsrc: string | undefined;
  let metric: number | undefined;
  for (const a of readAttrs(r)) {
    switch (a.type) {
      case RTA_DST: dst = formatIp(attr.bytes(a)); break;
      case RTA_GATEWAY: gateway = formatIp(attr.bytes(a)); break;
      case RTA_OIF: oif = attr.u32(a); break;
      case RTA_PREFSRC: prefsrc = formatIp(attr.bytes(a)); break;
      case RTA_PRIORITY: metric = attr.u32(a); break;
      case RTA_TABLE: table = attr.u32(a); break;
    }
  }
  return {
    family: family === AF_INET ? 'inet' : 'inet6', dst: dst === undefined ? 'default' : `${dst}/${dstLen}`, table, protocol,
    scope: scopeName(scope), type, ...(gateway !== undefined && { gateway }), ...(oif !== undefined && { oif }),
    ...(prefsrc !== undefined && { prefsrc }), ...(metric !== undefined && { metric }),
  };
}
