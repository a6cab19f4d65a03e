/**
 * The programmatically generated flow list for scripts/capture-of-vectors.ts: every match field (exact and masked),
 * every action and instruction loris supports, flow-mod commands and flags, and seeded random combinations.
 */

export interface VectorFlow {
  name: string;
  command: 'add-flow' | 'mod-flows' | 'del-flows';
  strict?: boolean;
  flow: string;
}

/** Match snippets (ovs-ofctl syntax), each with its prerequisites spelled out. */
export const MATCHES: readonly string[] = [
  'in_port=3',
  'in_port=LOCAL',
  'dl_src=00:11:22:33:44:55',
  'dl_src=00:11:22:00:00:00/ff:ff:ff:00:00:00',
  'dl_dst=aa:bb:cc:dd:ee:ff',
  'dl_dst=01:00:00:00:00:00/01:00:00:00:00:00',
  'dl_type=0x88cc',
  'dl_vlan=5',
  'dl_vlan=5,dl_vlan_pcp=3',
  'vlan_tci=0x1000/0x1000',
  'vlan_tci=0',
  'mpls,mpls_label=17',
  'mpls,mpls_tc=3',
  'mpls,mpls_bos=1',
  'mplsm,mpls_label=18,mpls_tc=2,mpls_bos=0',
  'ip',
  'ip,nw_src=10.0.0.1',
  'ip,nw_src=10.0.0.0/8',
  'ip,nw_dst=192.168.1.0/24',
  'ip,nw_dst=10.1.2.3,nw_src=10.3.2.1',
  'ip,nw_tos=32',
  'ip,ip_dscp=46',
  'ip,nw_ecn=1',
  'ip,nw_ttl=64',
  'ip,nw_frag=first',
  'ip,nw_frag=later',
  'ip,nw_frag=no',
  'ip,nw_proto=47',
  'tcp',
  'tcp,tp_src=80',
  'tcp,tp_dst=443',
  'tcp,tp_dst=0x1000/0xf000',
  'tcp,tcp_flags=+syn-ack',
  'tcp,tcp_flags=0x2/0x2',
  'udp,tp_src=68,tp_dst=67',
  'udp,tp_dst=4789',
  'udp,tp_src=0x100/0xff00',
  'sctp,tp_src=1,tp_dst=2',
  'icmp',
  'icmp,icmp_type=8,icmp_code=0',
  'icmp,icmp_type=3',
  'tcp6,tp_dst=22',
  'udp6,tp_src=546,tp_dst=547',
  'ipv6,ipv6_src=2001:db8::1',
  'ipv6,ipv6_src=2001:db8::/32',
  'ipv6,ipv6_dst=fe80::1:2:3:4',
  'ipv6,ipv6_dst=ff02::/16',
  'ipv6,ipv6_label=0x12345',
  'ipv6,ipv6_label=0x10/0xf0',
  'ipv6,nw_tos=4',
  'icmp6,icmp_type=128,icmp_code=0',
  'icmp6,icmp_type=135,nd_target=2001:db8::5',
  'icmp6,icmp_type=135,nd_target=2001:db8::5,nd_sll=00:11:22:33:44:55',
  'icmp6,icmp_type=136,nd_target=fe80::1,nd_tll=00:11:22:33:44:66',
  'icmp6,icmp_type=135,nd_target=2001:db8::/64',
  'arp',
  'arp,arp_op=1',
  'arp,arp_spa=10.0.0.1,arp_tpa=10.0.0.2',
  'arp,arp_spa=10.0.0.0/24',
  'arp,arp_sha=00:11:22:33:44:55,arp_tha=00:00:00:00:00:00',
  'arp,arp_sha=00:11:22:00:00:00/ff:ff:ff:00:00:00',
  'rarp,arp_op=3',
  'tun_id=0x64',
  'tun_id=0x10/0xf0',
  'tun_id=0x123456789abcdef0',
  'tun_src=192.168.50.1',
  'tun_dst=192.168.50.2',
  'tun_dst=192.168.0.0/16',
  'tun_flags=+oam',
  'tun_flags=-oam',
  'tun_ipv6_src=2001:db8::9',
  'tun_ipv6_dst=2001:db8::/48',
  'tun_gbp_id=5',
  'tun_gbp_flags=1',
  'reg0=5',
  'reg0=0x5/0xff',
  'reg1=0xffffffff',
  'reg2=7',
  'reg3=0x10/0x10',
  'reg4=4',
  'reg5=5',
  'reg6=6',
  'reg7=7',
  'reg8=8',
  'reg9=9',
  'reg10=10',
  'reg11=11',
  'reg12=12',
  'reg13=13',
  'reg14=14',
  'reg15=15',
  'xreg0=0x100000002',
  'xreg3=0x5/0xff',
  'pkt_mark=0x1',
  'pkt_mark=0x10/0xf0',
  'ct_state=+trk',
  'ct_state=+trk+est',
  'ct_state=+trk+new-est',
  'ct_state=-trk',
  'ct_state=+trk+inv',
  'ct_state=+trk+rel+rpl',
  'ct_zone=5',
  'ct_mark=0x1',
  'ct_mark=0x1/0x1',
  'ct_label=0x1',
  'ct_label=0x1/0xff',
  'ct_label=0x10000000000000000000000000000001',
  'metadata=0x5',
  'metadata=0x10/0xf0',
  'conj_id=7',
  'dp_hash=0x1/0xf',
  'recirc_id=5',
  'in_port=1,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02,ip,nw_src=10.0.0.1,nw_dst=10.0.0.2',
  'in_port=2,tcp,nw_src=10.0.0.1,tp_dst=80,reg0=1,tun_id=5,metadata=1',
];

/** Action snippets (ovs-ofctl syntax); 'MATCH|ACTIONS' when the action needs a match prerequisite. */
export const ACTIONS: readonly string[] = [
  'output:2',
  'output:65279',
  'NORMAL',
  'FLOOD',
  'ALL',
  'LOCAL',
  'IN_PORT',
  'CONTROLLER:65535',
  'CONTROLLER:128',
  'controller(reason=no_match,id=3,max_len=100)',
  'controller(userdata=01.02.03.04.05)',
  'controller(pause)',
  'controller(max_len=64,id=2,reason=invalid_ttl,userdata=aa.bb,pause)',
  'drop',
  'set_queue:5',
  'pop_queue',
  'group:1',
  'push_vlan:0x8100',
  'push_vlan:0x88a8',
  'dl_vlan=5|pop_vlan',
  'mod_vlan_vid:5',
  'mod_vlan_pcp:3',
  'push_mpls:0x8847',
  'mpls|pop_mpls:0x0800',
  'mpls|set_mpls_ttl:5',
  'mpls|dec_mpls_ttl',
  'mpls|set_mpls_label:17',
  'mpls|set_mpls_tc:3',
  'ip|mod_nw_ttl:9',
  'ip|dec_ttl',
  'ipv6|dec_ttl(1,2,3)',
  'ip|dec_ttl(4)',
  'mod_dl_src:00:11:22:33:44:55',
  'mod_dl_dst:aa:bb:cc:dd:ee:ff',
  'ip|mod_nw_src:10.0.0.1',
  'ip|mod_nw_dst:10.0.0.2',
  'ip|mod_nw_tos:32',
  'ip|mod_nw_ecn:2',
  'tcp|mod_tp_src:100',
  'udp|mod_tp_dst:200',
  'set_field:100->tun_id',
  'set_field:0x123456789->tun_id',
  'set_field:192.168.50.2->tun_dst',
  'set_field:192.168.50.1->tun_src',
  'set_field:5->reg0',
  'set_field:0xffffffff->reg15',
  'set_field:0x5/0xff->reg1',
  'set_field:00:11:22:33:44:55->eth_src',
  'ip|set_field:10.1.1.1->ip_dst',
  'ipv6|set_field:2001:db8::1->ipv6_src',
  'ipv6|set_field:0x12345->ipv6_label',
  'dl_vlan=7|set_field:4096->vlan_vid',
  'set_field:0x5->metadata',
  'set_field:0x1->pkt_mark',
  'tcp|set_field:7->tcp_src',
  'set_field:0x1/0x1->tun_flags',
  'load:0x1->NXM_NX_REG0[]',
  'load:0x5->NXM_NX_REG0[0..7]',
  'load:0xff->NXM_NX_REG1[8..15]',
  'load:0x1->NXM_NX_REG2[31]',
  'load:0x123456789a->NXM_NX_TUN_ID[]',
  'load:0x1->OXM_OF_METADATA[0..3]',
  'load:0x2->NXM_NX_PKT_MARK[]',
  'load:0x64->NXM_NX_TUN_IPV4_DST[]',
  'move:NXM_NX_REG0[]->NXM_NX_REG1[]',
  'move:NXM_NX_REG0[0..15]->NXM_NX_REG1[16..31]',
  'move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[]',
  'move:NXM_OF_IN_PORT[]->NXM_NX_REG3[0..15]',
  'move:NXM_NX_TUN_ID[0..31]->NXM_NX_REG4[]',
  'move:NXM_NX_CT_MARK[]->NXM_NX_REG5[]',
  'move:OXM_OF_METADATA[]->NXM_NX_TUN_ID[]',
  'resubmit:3',
  'resubmit(,5)',
  'resubmit(3,5)',
  'ip,ct_state=+trk-inv|resubmit(,6,ct)',
  'set_tunnel:0x5',
  'set_tunnel64:0x100000000',
  'note:01.02.03',
  'note:00.11.22.33.44.55.66.77.88.99',
  'note:',
  'multipath(eth_src,50,hrw,12,0,NXM_NX_REG0[0..3])',
  'multipath(symmetric_l4,1024,iter_hash,5000,5000,NXM_NX_REG1[0..12])',
  'bundle(eth_src,0,active_backup,ofport,members:1,2)',
  'bundle(symmetric_l4,60,hrw,ofport,members:2,3,4,5)',
  'bundle_load(eth_src,0,hrw,ofport,NXM_NX_REG0[],members:1,2)',
  'output:NXM_NX_REG0[]',
  'output:NXM_NX_REG1[16..31]',
  'learn(table=1,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],output:NXM_OF_IN_PORT[])',
  'learn(table=10,idle_timeout=10,hard_timeout=20,fin_idle_timeout=5,fin_hard_timeout=6,priority=5,cookie=0x5,send_flow_rem,delete_learned,eth_type=0x800,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:NXM_NX_REG0[]->NXM_NX_REG1[],load:0x5->NXM_NX_REG2[],output:NXM_OF_IN_PORT[])',
  'learn(table=2,priority=100,eth_type=0x800,nw_src=10.0.0.1,load:0xaabbccddeeff->NXM_OF_ETH_SRC[])',
  'learn(table=3,NXM_NX_TUN_ID[],NXM_NX_REG0[0..15]=NXM_NX_REG1[16..31],load:NXM_NX_TUN_ID[]->NXM_NX_TUN_ID[],output:NXM_NX_REG3[])',
  'learn(table=4,delete_learned,eth_type=0x800,ip_proto=6,tcp_dst=80,load:1->NXM_NX_REG0[0])',
  'exit',
  'tcp|fin_timeout(idle_timeout=5,hard_timeout=10)',
  'tcp|fin_timeout(idle_timeout=5)',
  'conjunction(5,1/2)',
  'conjunction(0xffffffff,2/2),conjunction(7,3/4)',
  'ip|ct',
  'ip|ct(commit)',
  'ip|ct(commit,zone=5)',
  'ip|ct(table=1)',
  'ip|ct(table=1,zone=NXM_NX_REG0[0..15])',
  'ip|ct(commit,force,zone=7)',
  'ip|ct(commit,exec(set_field:1->ct_mark))',
  'ip|ct(commit,exec(set_field:0x1/0x3->ct_mark,set_field:0x5->ct_label))',
  'ip|ct(commit,exec(load:0x1->NXM_NX_CT_MARK[]))',
  'tcp|ct(commit,alg=ftp)',
  'udp|ct(commit,alg=tftp,table=2)',
  'ip|ct(nat)',
  'ip|ct(commit,nat(src=10.0.0.1))',
  'ip|ct(commit,nat(src=10.0.0.1-10.0.0.5:1000-2000,random))',
  'ip|ct(commit,nat(dst=10.0.0.10:80,persistent))',
  'tcp6|ct(commit,nat(src=[2001:db8::1]-[2001:db8::ff]:1-100,hash))',
  'ipv6|ct(commit,nat(dst=[2001:db8::2]))',
  'ct_clear',
  'clone(output:1)',
  'clone(set_field:5->reg0,resubmit(,3))',
  'clone(clone(output:2),output:3)',
];

/** Instruction-level action lists (OF1.3 instructions spelled the ovs-ofctl way). */
export const INSTRUCTIONS: readonly string[] = [
  'goto_table:5',
  'output:1,goto_table:2',
  'write_actions(output:1)',
  'write_actions(set_field:5->reg0,group:1)',
  'clear_actions',
  'clear_actions,goto_table:3',
  'write_metadata:0x5',
  'write_metadata:0x5/0xff',
  'write_metadata:0x10/0xf0,goto_table:4',
  'meter:1',
  'meter:2,output:3',
  'meter:1,output:2,clear_actions,write_actions(output:4),write_metadata:0x1/0x1,goto_table:7',
];

/** Flow-mod header variants: commands, timeouts, flags, cookies, out_port/out_group. */
export const MODS: ReadonlyArray<Omit<VectorFlow, 'name'>> = [
  { command: 'add-flow', flow: 'priority=0,actions=drop' },
  { command: 'add-flow', flow: 'priority=65535,actions=drop' },
  { command: 'add-flow', flow: 'table=0,priority=100,actions=output:1' },
  { command: 'add-flow', flow: 'table=254,actions=drop' },
  { command: 'add-flow', flow: 'cookie=0x1,actions=drop' },
  { command: 'add-flow', flow: 'cookie=0xffffffffffffffff,actions=drop' },
  { command: 'add-flow', flow: 'idle_timeout=10,actions=drop' },
  { command: 'add-flow', flow: 'hard_timeout=60,idle_timeout=30,actions=drop' },
  { command: 'add-flow', flow: 'send_flow_rem,actions=drop' },
  { command: 'add-flow', flow: 'check_overlap,actions=drop' },
  { command: 'add-flow', flow: 'reset_counts,actions=drop' },
  { command: 'add-flow', flow: 'no_packet_counts,no_byte_counts,actions=drop' },
  {
    command: 'add-flow',
    flow: 'send_flow_rem,check_overlap,reset_counts,no_packet_counts,no_byte_counts,actions=drop',
  },
  { command: 'add-flow', flow: 'importance=5,actions=drop' },
  { command: 'mod-flows', flow: 'in_port=1,actions=output:2' },
  { command: 'mod-flows', flow: 'cookie=0x5/0xff,actions=output:2' },
  { command: 'mod-flows', flow: 'table=3,cookie=0x1/-1,actions=drop' },
  { command: 'mod-flows', strict: true, flow: 'priority=5,in_port=1,actions=output:2' },
  { command: 'mod-flows', flow: 'reset_counts,actions=output:9' },
  { command: 'del-flows', flow: '' },
  { command: 'del-flows', flow: 'in_port=1' },
  { command: 'del-flows', flow: 'table=2' },
  { command: 'del-flows', flow: 'out_port=5' },
  { command: 'del-flows', flow: 'out_group=3' },
  { command: 'del-flows', flow: 'cookie=0x10/0xff' },
  { command: 'del-flows', flow: 'table=1,tcp,tp_dst=80,out_port=2' },
  { command: 'del-flows', strict: true, flow: 'priority=100,in_port=1' },
  { command: 'del-flows', strict: true, flow: 'table=0,priority=0' },
];

/** Deterministic PRNG (mulberry32) so the flow list is stable between runs. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Snippets that carry no prerequisite of their own, so they combine freely with one L3/L4 snippet. */
const FREE_MATCHES = MATCHES.filter((m) =>
  /^(in_port|dl_src|dl_dst|tun_|reg|xreg|pkt_mark|ct_|metadata|conj_id|dp_hash|recirc_id)/.test(m),
);
const L3_MATCHES = MATCHES.filter((m) => /^(ip|tcp|udp|sctp|icmp|ipv6|arp|rarp|mpls|dl_vlan|dl_type)/.test(m));
const SIMPLE_ACTIONS = ACTIONS.filter(
  (a) => a !== 'drop' && a !== 'note:' && !a.includes('|') && !a.startsWith('conjunction'),
);

const pad3 = (n: number): string => String(n).padStart(3, '0');

export function vectorFlows(): VectorFlow[] {
  const out: VectorFlow[] = [];
  MATCHES.forEach((m, i) =>
    out.push({ name: `match-${pad3(i)}`, command: 'add-flow', flow: `priority=100,${m},actions=output:1` }),
  );
  ACTIONS.forEach((a, i) => {
    const [m, act] = a.includes('|') ? a.split('|') : ['', a];
    out.push({ name: `action-${pad3(i)}`, command: 'add-flow', flow: `${m ? `${m},` : ''}actions=${act}` });
  });
  INSTRUCTIONS.forEach((a, i) =>
    out.push({ name: `instr-${pad3(i)}`, command: 'add-flow', flow: `table=1,actions=${a}` }),
  );
  MODS.forEach((m, i) => out.push({ name: `mod-${pad3(i)}`, ...m }));
  const rnd = prng(0x10715);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  for (let i = 0; i < 160; i++) {
    const fields = new Set<string>();
    const nFree = 1 + Math.floor(rnd() * 3);
    for (let k = 0; k < nFree; k++) fields.add(pick(FREE_MATCHES));
    if (rnd() < 0.7) fields.add(pick(L3_MATCHES));
    // Keep at most one snippet per field name so the flow stays valid.
    const seen = new Set<string>();
    const match = [...fields].filter((f) => {
      const keys = f.split(',').map((x) => x.split('=')[0]);
      if (keys.some((k) => seen.has(k))) return false;
      for (const k of keys) seen.add(k);
      return true;
    });
    const actions = new Set<string>();
    const nAct = 1 + Math.floor(rnd() * 4);
    for (let k = 0; k < nAct; k++) actions.add(pick(SIMPLE_ACTIONS));
    const head = `table=${Math.floor(rnd() * 4)},priority=${Math.floor(rnd() * 65536)},cookie=0x${Math.floor(rnd() * 0xffffff).toString(16)}`;
    const tail = rnd() < 0.2 ? `,goto_table:${5 + Math.floor(rnd() * 5)}` : '';
    out.push({
      name: `combo-${pad3(i)}`,
      command: 'add-flow',
      flow: `${head},${match.join(',')},actions=${[...actions].join(',')}${tail}`,
    });
  }
  return out;
}
