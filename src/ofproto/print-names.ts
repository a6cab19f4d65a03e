import type { FieldName } from './oxm.js';

/**
 * How Open vSwitch names and prints each field: `mf` is the meta-flow name used by set_field and learn
 * (`set_field:1->reg0`), `nxm` the header name used in subfields (`NXM_NX_REG0[0..7]`), `fmt` how a value prints.
 */
export type ValueFormat =
  'dec' | 'hex' | 'mac' | 'ipv4' | 'ipv6' | 'port' | 'frag' | 'tun_flags' | 'tcp_flags' | 'ct_state' | 'hex16';
export interface FieldNames {
  mf: string;
  nxm: string;
  fmt: ValueFormat;
  /** Meaningful bits when fewer than the wire width (`NXM_NX_TUN_FLAGS[]` is 1 bit wide). */
  bits?: number;
}

const n = (mf: string, nxm: string, fmt: ValueFormat, bits?: number): FieldNames =>
  bits === undefined ? { mf, nxm, fmt } : { mf, nxm, fmt, bits };

export const FIELD_NAMES: Readonly<Record<FieldName, FieldNames>> = {
  dpHash: n('dp_hash', 'NXM_NX_DP_HASH', 'hex'),
  recircId: n('recirc_id', 'NXM_NX_RECIRC_ID', 'hex'),
  conjId: n('conj_id', 'NXM_NX_CONJ_ID', 'dec'),
  inPort: n('in_port', 'OXM_OF_IN_PORT', 'port'),
  nxmInPort: n('in_port', 'NXM_OF_IN_PORT', 'port'),
  inPhyPort: n('in_phy_port', 'OXM_OF_IN_PHY_PORT', 'port'),
  ethSrc: n('eth_src', 'NXM_OF_ETH_SRC', 'mac'),
  ethDst: n('eth_dst', 'NXM_OF_ETH_DST', 'mac'),
  ethType: n('eth_type', 'NXM_OF_ETH_TYPE', 'hex'),
  vlanVid: n('vlan_vid', 'OXM_OF_VLAN_VID', 'dec', 13),
  vlanPcp: n('vlan_pcp', 'OXM_OF_VLAN_PCP', 'dec', 3),
  vlanTci: n('vlan_tci', 'NXM_OF_VLAN_TCI', 'hex'),
  mplsTc: n('mpls_tc', 'OXM_OF_MPLS_TC', 'dec', 3),
  mplsBos: n('mpls_bos', 'OXM_OF_MPLS_BOS', 'dec', 1),
  mplsLabel: n('mpls_label', 'OXM_OF_MPLS_LABEL', 'dec', 20),
  mplsTtl: n('mpls_ttl', 'NXM_NX_MPLS_TTL', 'dec'),
  pbbIsid: n('pbb_isid', 'OXM_OF_PBB_ISID', 'dec'),
  ipv4Src: n('ip_src', 'NXM_OF_IP_SRC', 'ipv4'),
  ipv4Dst: n('ip_dst', 'NXM_OF_IP_DST', 'ipv4'),
  ipv6Src: n('ipv6_src', 'NXM_NX_IPV6_SRC', 'ipv6'),
  ipv6Dst: n('ipv6_dst', 'NXM_NX_IPV6_DST', 'ipv6'),
  ipv6Flabel: n('ipv6_label', 'NXM_NX_IPV6_LABEL', 'hex', 20),
  ipFrag: n('nw_frag', 'NXM_NX_IP_FRAG', 'frag', 2),
  ipDscp: n('ip_dscp', 'OXM_OF_IP_DSCP', 'dec', 6),
  nwTos: n('nw_tos', 'NXM_OF_IP_TOS', 'dec'),
  ipEcn: n('nw_ecn', 'NXM_NX_IP_ECN', 'dec', 2),
  ipTtl: n('nw_ttl', 'NXM_NX_IP_TTL', 'dec'),
  ipProto: n('nw_proto', 'NXM_OF_IP_PROTO', 'dec'),
  tcpSrc: n('tcp_src', 'NXM_OF_TCP_SRC', 'dec'),
  tcpDst: n('tcp_dst', 'NXM_OF_TCP_DST', 'dec'),
  tcpFlags: n('tcp_flags', 'NXM_NX_TCP_FLAGS', 'tcp_flags', 12),
  udpSrc: n('udp_src', 'NXM_OF_UDP_SRC', 'dec'),
  udpDst: n('udp_dst', 'NXM_OF_UDP_DST', 'dec'),
  sctpSrc: n('sctp_src', 'OXM_OF_SCTP_SRC', 'dec'),
  sctpDst: n('sctp_dst', 'OXM_OF_SCTP_DST', 'dec'),
  icmpv4Type: n('icmp_type', 'NXM_OF_ICMP_TYPE', 'dec'),
  icmpv4Code: n('icmp_code', 'NXM_OF_ICMP_CODE', 'dec'),
  icmpv6Type: n('icmpv6_type', 'NXM_NX_ICMPV6_TYPE', 'dec'),
  icmpv6Code: n('icmpv6_code', 'NXM_NX_ICMPV6_CODE', 'dec'),
  ipv6NdTarget: n('nd_target', 'NXM_NX_ND_TARGET', 'ipv6'),
  ipv6NdSll: n('nd_sll', 'NXM_NX_ND_SLL', 'mac'),
  ipv6NdTll: n('nd_tll', 'NXM_NX_ND_TLL', 'mac'),
  ipv6Exthdr: n('ipv6_exthdr', 'OXM_OF_IPV6_EXTHDR', 'hex'),
  arpOp: n('arp_op', 'NXM_OF_ARP_OP', 'dec'),
  arpSpa: n('arp_spa', 'NXM_OF_ARP_SPA', 'ipv4'),
  arpTpa: n('arp_tpa', 'NXM_OF_ARP_TPA', 'ipv4'),
  arpSha: n('arp_sha', 'NXM_NX_ARP_SHA', 'mac'),
  arpTha: n('arp_tha', 'NXM_NX_ARP_THA', 'mac'),
  tunnelId: n('tun_id', 'NXM_NX_TUN_ID', 'hex'),
  tunFlags: n('tun_flags', 'NXM_NX_TUN_FLAGS', 'tun_flags', 1),
  tunIpv4Src: n('tun_src', 'NXM_NX_TUN_IPV4_SRC', 'ipv4'),
  tunIpv4Dst: n('tun_dst', 'NXM_NX_TUN_IPV4_DST', 'ipv4'),
  tunIpv6Src: n('tun_ipv6_src', 'NXM_NX_TUN_IPV6_SRC', 'ipv6'),
  tunIpv6Dst: n('tun_ipv6_dst', 'NXM_NX_TUN_IPV6_DST', 'ipv6'),
  tunGbpId: n('tun_gbp_id', 'NXM_NX_TUN_GBP_ID', 'dec'),
  tunGbpFlags: n('tun_gbp_flags', 'NXM_NX_TUN_GBP_FLAGS', 'hex'),
  reg0: n('reg0', 'NXM_NX_REG0', 'hex'),
  reg1: n('reg1', 'NXM_NX_REG1', 'hex'),
  reg2: n('reg2', 'NXM_NX_REG2', 'hex'),
  reg3: n('reg3', 'NXM_NX_REG3', 'hex'),
  reg4: n('reg4', 'NXM_NX_REG4', 'hex'),
  reg5: n('reg5', 'NXM_NX_REG5', 'hex'),
  reg6: n('reg6', 'NXM_NX_REG6', 'hex'),
  reg7: n('reg7', 'NXM_NX_REG7', 'hex'),
  reg8: n('reg8', 'NXM_NX_REG8', 'hex'),
  reg9: n('reg9', 'NXM_NX_REG9', 'hex'),
  reg10: n('reg10', 'NXM_NX_REG10', 'hex'),
  reg11: n('reg11', 'NXM_NX_REG11', 'hex'),
  reg12: n('reg12', 'NXM_NX_REG12', 'hex'),
  reg13: n('reg13', 'NXM_NX_REG13', 'hex'),
  reg14: n('reg14', 'NXM_NX_REG14', 'hex'),
  reg15: n('reg15', 'NXM_NX_REG15', 'hex'),
  xreg0: n('xreg0', 'OXM_OF_PKT_REG0', 'hex'),
  xreg1: n('xreg1', 'OXM_OF_PKT_REG1', 'hex'),
  xreg2: n('xreg2', 'OXM_OF_PKT_REG2', 'hex'),
  xreg3: n('xreg3', 'OXM_OF_PKT_REG3', 'hex'),
  xreg4: n('xreg4', 'OXM_OF_PKT_REG4', 'hex'),
  xreg5: n('xreg5', 'OXM_OF_PKT_REG5', 'hex'),
  xreg6: n('xreg6', 'OXM_OF_PKT_REG6', 'hex'),
  xreg7: n('xreg7', 'OXM_OF_PKT_REG7', 'hex'),
  pktMark: n('pkt_mark', 'NXM_NX_PKT_MARK', 'hex'),
  ctState: n('ct_state', 'NXM_NX_CT_STATE', 'ct_state'),
  ctZone: n('ct_zone', 'NXM_NX_CT_ZONE', 'dec'),
  ctMark: n('ct_mark', 'NXM_NX_CT_MARK', 'hex'),
  ctLabel: n('ct_label', 'NXM_NX_CT_LABEL', 'hex'),
  metadata: n('metadata', 'OXM_OF_METADATA', 'hex'),
};

/** Reserved 32-bit port numbers and the names ovs-ofctl prints for them. */
export const PORT_NAMES: Readonly<Record<number, string>> = {
  0xfffffff8: 'IN_PORT',
  0xfffffff9: 'TABLE',
  0xfffffffa: 'NORMAL',
  0xfffffffb: 'FLOOD',
  0xfffffffc: 'ALL',
  0xfffffffd: 'CONTROLLER',
  0xfffffffe: 'LOCAL',
  0xffffffff: 'ANY',
};

/** Names of the bits of ct_state, tcp_flags and tun_flags, lowest bit first. */
export const CT_STATE_BITS = ['new', 'est', 'rel', 'rpl', 'inv', 'trk', 'snat', 'dnat'];
export const TCP_FLAG_BITS = ['fin', 'syn', 'rst', 'psh', 'ack', 'urg', 'ece', 'cwr', 'ns'];
export const TUN_FLAG_BITS = ['oam'];

export const PACKET_IN_REASONS = ['no_match', 'action', 'invalid_ttl', 'action_set', 'group', 'packet_out'];
export const MULTIPATH_FIELDS = [
  'eth_src',
  'symmetric_l4',
  'symmetric_l3l4',
  'symmetric_l3l4+udp',
  'nw_src',
  'nw_dst',
  'symmetric_l3',
];
export const MULTIPATH_ALGORITHMS = ['modulo_n', 'hash_threshold', 'hrw', 'iter_hash'];
export const BUNDLE_ALGORITHMS = ['active_backup', 'hrw'];
export const CT_ALGS: Readonly<Record<number, string>> = { 21: 'ftp', 69: 'tftp' };
