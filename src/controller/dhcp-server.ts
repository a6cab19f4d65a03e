import { OFPP_CONTROLLER } from '../ofproto/actions.js';
import type { PacketIn } from '../ofproto/packet-in.js';
import type { PacketOut } from '../ofproto/packet-out.js';
import type { Endpoint } from '../store/types.js';
import { decodeDhcpFrame, dhcpReply, encodeDhcpFrame, type DhcpMessageType } from './dhcp.js';
import type { DhcpServerIdentity } from './pipeline.js';

export interface DhcpServerConfig {
  server: DhcpServerIdentity;
  leaseTime: number;
  /** The MTU to hand out for a pod. */
  mtu(pod: number): number;
}

export type DhcpAnswer =
  | { kind: 'reply'; packetOut: PacketOut; type: DhcpMessageType; endpoint: Endpoint }
  | { kind: 'ignored'; why?: string };

/**
 * The controller's DHCP server, pure: a packet-in from a container port → the packet-out answering it, or why not.
 * `endpointOn(port)` finds the local endpoint plugged into an OpenFlow port.
 */
export function answerDhcp(pi: PacketIn, endpointOn: (port: number) => Endpoint | undefined, cfg: DhcpServerConfig): DhcpAnswer {
  const inPort = typeof pi.match.inPort === 'number' ? pi.match.inPort : undefined;
  if (inPort === undefined) return { kind: 'ignored', why: 'packet-in without in_port' };
  const ep = endpointOn(inPort);
  if (!ep) return { kind: 'ignored', why: `no endpoint on port ${inPort}` };
  let req;
  try {
    req = decodeDhcpFrame(pi.data);
  } catch (e) {
    return { kind: 'ignored', why: `malformed DHCP frame on port ${inPort}: ${(e as Error).message}` };
  }
  if (!req) return { kind: 'ignored', why: `not DHCP (port ${inPort})` };
  if (!ep.ip) return { kind: 'ignored', why: `endpoint ${ep.uuid} has no address` };
  const reply = dhcpReply(req, {
    mac: ep.mac.toLowerCase(), ip: ep.ip, prefixLength: ep.prefixLen, mtu: cfg.mtu(ep.pod),
    leaseTime: cfg.leaseTime, serverIp: cfg.server.ip, serverMac: cfg.server.mac,
  });
  if (!reply) return { kind: 'ignored', why: `nothing to answer (${req.dhcp.options.messageType ?? 'BOOTP'} from ${req.dhcp.chaddr})` };
  return {
    kind: 'reply',
    type: reply.dhcp.options.messageType ?? 'ack',
    endpoint: ep,
    packetOut: { type: 'packet_out', bufferId: 0xffffffff, inPort: OFPP_CONTROLLER, actions: [{ type: 'output', port: inPort }], data: encodeDhcpFrame(reply) },
  };
}
