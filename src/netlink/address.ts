import { NlReader, NlWriter, attr, readAttrs } from './bytes.js';
import { AF_INET, IFADDRMSG_SIZE, IFA_ADDRESS, IFA_FLAGS, IFA_F_NODAD, IFA_LABEL, IFA_LOCAL, RT_SCOPE_HOST, RT_SCOPE_LINK, RT_SCOPE_UNIVERSE } from './constants.js';
import { formatIp, parseCidr, type Cidr } from './ip.js';

/** An address configured on a link, as RTM_NEWADDR reports it. */
export interface Address {
  readonly family: 'inet' | 'inet6';
  readonly index: number;
  /** `10.0.0.5/24` */
  readonly cidr: string;
  readonly address: string;
  readonly prefixLen: number;
  readonly scope: 'global' | 'link' | 'host' | number;
  readonly flags: number;
  readonly label?: string;
  /** For point-to-point links: the peer address (IFA_ADDRESS when it differs from IFA_LOCAL). */
  readonly peer?: string;
}

export interface AddressSpec {
  index: number;
  cidr: string | Cidr;
  /** Skip duplicate address detection for IPv6 (default true: a container's fresh veth needs no DAD). */
  nodad?: boolean;
}

export function scopeName(s: number): Address['scope'] {
  return s === RT_SCOPE_UNIVERSE ? 'global' : s === RT_SCOPE_LINK ? 'link' : s === RT_SCOPE_HOST ? 'host' : s;
}

/**
 * RTM_NEWADDR / RTM_DELADDR body, as `ip addr add` encodes it: IFA_LOCAL then IFA_ADDRESS, flags in
 * the header (IFA_FLAGS only for flags above 8 bits). The kernel makes an address without lifetimes permanent.
 */
export function encodeAddress(w: NlWriter, a: AddressSpec): Cidr {
  const c = typeof a.cidr === 'string' ? parseCidr(a.cidr) : a.cidr;
  const flags = c.family !== AF_INET && a.nodad !== false ? IFA_F_NODAD : 0;
  w.u8(c.family).u8(c.prefixLen).u8(flags).u8(RT_SCOPE_UNIVERSE).u32(a.index);
  w.attrBytes(IFA_LOCAL, c.bytes);
  w.attrBytes(IFA_ADDRESS, c.bytes);
  return c;
}

/** The ifaddrmsg of a dump request filtered by family (0 = all). */
export function encodeAddressDump(w: NlWriter, family: number): void {
  w.u8(family).u8(0).u8(0).u8(0).u32(0);
}

export function decodeAddress(payload: Buffer): Address {
  const r = new NlReader(payload);
  r.need(IFADDRMSG_SIZE, 'ifaddrmsg');
  const family = r.u8();
  const prefixLen = r.u8();
  let flags = r.u8();
  const scope = r.u8();
  const index = r.u32();
  let address: string | undefined;
  let local: string | undefined;
  let label: string | undefined;
  for (const a of readAttrs(r)) {
    switch (a.type) {
      case IFA_ADDRESS: address = formatIp(attr.bytes(a)); break;
      case IFA_LOCAL: local = formatIp(attr.bytes(a)); break;
      case IFA_LABEL: label = attr.str(a); break;
      case IFA_FLAGS: flags = attr.u32(a); break;
    }
  }
  const own = local ?? address ?? '';
  const peer = local !== undefined && address !== undefined && address !== local ? address : undefined;
  return {
    family: family === AF_INET ? 'inet' : 'inet6', index, cidr: `${own}/${prefixLen}`, address: own, prefixLen,
    scope: scopeName(scope), flags, ...(label !== undefined && { label }), ...(peer !== undefined && { peer }),
  };
}
