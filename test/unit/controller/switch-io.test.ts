import test from 'ava';
import { portVanished, traceFlowString } from '../../../src/controller/switch-io.js';

test('a Match becomes an ofproto/trace flow string with ovs-fields names', (t) => {
  t.is(traceFlowString({ inPort: 3, ethType: 0x0800, ipProto: 17, ipv4Src: '0.0.0.0', udpSrc: 68, udpDst: 67 }), 'in_port=3,dl_type=0x800,nw_proto=17,nw_src=0.0.0.0,udp_src=68,udp_dst=67');
  t.is(traceFlowString({ tunnelId: 100n, metadata: { value: 1n, mask: 0xffffffn } }), 'tun_id=0x64,metadata=0x1/0xffffff');
});

test('a port whose device vanished (netdev: LINK_DOWN, zero address) counts as gone', (t) => {
  const port = { portNo: 1, hwAddr: '00:00:00:00:00:00', name: 'v1', config: 1, state: 1, curr: 0, advertised: 0, supported: 0, peer: 0, currSpeed: 0, maxSpeed: 0 };
  t.true(portVanished(port));
  t.false(portVanished({ ...port, hwAddr: '02:00:00:00:00:01' }), 'a link that is merely down keeps its flows');
  t.false(portVanished({ ...port, state: 0 }));
});
