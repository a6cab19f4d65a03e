import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { InvalidArgumentError } from '../errors.js';

/** The controller's Prometheus metrics, in a registry of its own (or one the caller passes). */
export class ControllerMetrics {
  readonly registry: Registry;
  readonly flowMods: Counter<'command'>;
  readonly flows: Gauge;
  readonly reconciles: Counter<'kind'>;
  readonly reconcileSeconds: Histogram<'kind'>;
  readonly packetIns: Counter<'reason'>;
  readonly dhcpReplies: Counter<'type'>;
  readonly connects: Counter;
  readonly connected: Gauge;
  readonly endpoints: Gauge<'where'>;
  readonly tunnels: Gauge;
  readonly linkEvents: Counter;

  constructor(registry: Registry = new Registry()) {
    this.registry = registry;
    const registers = [registry];
    this.flowMods = new Counter({ name: 'loris_controller_flow_mods_total', help: 'Flow-mods sent to the switch, by command', labelNames: ['command'], registers });
    this.flows = new Gauge({ name: 'loris_controller_flows', help: 'Flows the controller has installed', registers });
    this.reconciles = new Counter({ name: 'loris_controller_reconciles_total', help: 'Reconciliations: full (on connect) or incremental (on a change)', labelNames: ['kind'], registers });
    this.reconcileSeconds = new Histogram({ name: 'loris_controller_reconcile_seconds', help: 'Time from the start of a reconciliation to the switch acknowledging it', labelNames: ['kind'], buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5], registers });
    this.packetIns = new Counter({ name: 'loris_controller_packet_ins_total', help: 'Packet-ins received, by reason', labelNames: ['reason'], registers });
    this.dhcpReplies = new Counter({ name: 'loris_controller_dhcp_replies_total', help: 'DHCP replies sent, by message type', labelNames: ['type'], registers });
    this.connects = new Counter({ name: 'loris_controller_connects_total', help: 'OpenFlow connections established to the bridge', registers });
    this.connected = new Gauge({ name: 'loris_controller_connected', help: '1 while the OpenFlow connection is up', registers });
    this.endpoints = new Gauge({ name: 'loris_controller_endpoints', help: 'Endpoints known, local or remote', labelNames: ['where'], registers });
    this.linkEvents = new Counter({ name: 'loris_controller_link_deletions_total', help: 'Endpoint links seen deleted through rtnetlink (container death)', registers });
    this.tunnels = new Gauge({ name: 'loris_controller_tunnels', help: 'Tunnel ports on the integration bridge', registers });
  }

  /** Serves `GET /metrics` on a loopback address only. Resolves with the bound port. */
  async listen(port = 0, host = '127.0.0.1'): Promise<{ server: Server; port: number }> {
    if (host !== '127.0.0.1' && host !== '::1' && host !== 'localhost') throw new InvalidArgumentError(`metrics listen on ${host} refused: the endpoint is loopback-only; use 127.0.0.1 or ::1`);
    const server = createServer((req, res) => {
      if (req.url !== '/metrics') {
        res.writeHead(404).end('not found; try /metrics\n');
        return;
      }
      this.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': this.registry.contentType }).end(text),
        (e: Error) => res.writeHead(500).end(`${e.message}\n`),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    return { server, port: (server.address() as AddressInfo).port };
  }
}
