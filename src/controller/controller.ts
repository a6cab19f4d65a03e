import { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import { pino, type Logger } from 'pino';
import type { Registry } from 'prom-client';
import { LorisError } from '../errors.js';
import { OfConnection } from '../ofproto/connection.js';
import type { FlowMod } from '../ofproto/flow-mod.js';
import { OfpError } from '../ofproto/error.js';
import { OFPMC, OFPMF, type MeterMod } from '../ofproto/meter-mod.js';
import type { Match } from '../ofproto/match.js';
import type { PacketIn } from '../ofproto/packet-in.js';
import type { PortStatus } from '../ofproto/port-status.js';
import type { OvsdbClient } from '../ovsdb/client.js';
import { openRtnl, type LinkEvent, type LinkWatch, type Rtnl } from '../netlink/rtnl.js';
import type { NetnsSpec } from '../netlink/netns.js';
import type { Store } from '../store/store.js';
import type { Endpoint, StoreEvent } from '../store/types.js';
import { unixctl } from '../ovsdb/unixctl.js';
import { DEFAULT_LEASE_TIME } from './dhcp.js';
import { answerDhcp } from './dhcp-server.js';
import { dumpFlows, portVanished, traceFlowString, watchPath } from './switch-io.js';
import { ControllerMetrics } from './metrics.js';
import { autoDatapathType, desiredTunnels, ensureIntegrationBridge, syncTunnels } from './ovs-bridge.js';
import {
  DEFAULT_DHCP_SERVER,
  DHCP_METER_ID,
  buildIndex,
  indexAdd,
  indexRemove,
  isManagedCookie,
  ownerFlows,
  ownerKey,
  owners,
  podIsLocal,
  type DhcpServerIdentity,
  type Owner,
  type PipelineEndpoint,
  type PipelineIndex,
  type PipelineState,
} from './pipeline.js';
import { reconcile, type FlowEntry } from './reconcile.js';

export interface ControllerOptions {
  /** Integration bridge name (default br-int). */
  bridge?: string;
  /** Connection to this host's Open_vSwitch database. */
  ovsdb: OvsdbClient;
  /** The loris store (cluster state). */
  store: Store;
  /** This host's name in the store (default: the store's host name). */
  host?: string;
  /** The bridge's OpenFlow management socket, `<rundir>/<bridge>.mgmt` (default rundir /var/run/openvswitch). */
  mgmtSocket?: string;
  /** ovs-vswitchd's unixctl socket, for `explain()`. */
  vswitchdCtl?: string;
  /** Datapath type of a bridge the controller creates (default: system when the kernel module is loaded, else netdev). */
  datapathType?: string;
  /** DHCP server identity, or false to not answer DHCP (default 169.254.169.254 / 0a:58:a9:fe:a9:fe). */
  dhcp?: DhcpServerIdentity | false;
  /** DHCP lease time in seconds (default 3600). */
  leaseTime?: number;
  /**
   * DHCP packet-ins allowed per second on the bridge, enforced by an OpenFlow meter on the DHCP flows so that a
   * container flooding DHCP cannot load the controller (default 100; 0: no meter).
   */
  dhcpRateLimit?: number;
  /** Answer ARP for known addresses in the switch (default true); false floods ARP within the pod instead. */
  arpResponder?: boolean;
  /**
   * Hosts do not share a store (each knows only its own endpoints and its peers): learn remote MACs in the switch
   * (see docs/pipeline.md, "Learn mode"). Default false.
   */
  learnRemote?: boolean;
  logger?: Logger;
  /** Registry for the controller's metrics (default: a new one, see `metrics.registry`). */
  registry?: Registry;
  /** Serve GET /metrics on 127.0.0.1:<port> (0 picks a free port). Off by default. */
  metricsPort?: number;
  /**
   * Also follow rtnetlink link events in this namespace (where ovs-vswitchd and the containers' host-side veths live):
   * a deleted link that is an endpoint's port withdraws its flows at once (container death), without waiting for
   * ovs-vswitchd's PORT_STATUS. Off by default; PORT_STATUS alone covers it too.
   */
  linkEventsNetns?: NetnsSpec;
  /** Reconnect backoff bounds in ms (default 20..1000). */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
}

export interface ControllerEvents {
  /** A full reconciliation finished after (re)connecting. */
  synced: [{ added: number; modified: number; deleted: number; unchanged: number; ms: number; phases: { dumpMs: number; computeMs: number; diffMs: number; applyMs: number } }];
  /** An incremental update of some owners' flows is in the switch (its bundle was committed). */
  applied: [{ owners: number; mods: number }];
  /** The OpenFlow connection dropped. */
  disconnected: [LorisError | undefined];
  /** A background step failed (logged too); the controller keeps running. */
  error: [Error];
}

export class ControllerError extends LorisError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('LORIS_CONTROLLER', message, options);
  }
}

const DEFAULT_RUNDIR = '/var/run/openvswitch';

/**
 * The per-host controller: owns the integration bridge's flow table. It creates the bridge and the tunnel ports
 * (OVSDB), connects to the bridge's management socket (OpenFlow 1.3, never a TCP listener), reconciles the table
 * atomically in a bundle on every (re)connect, then follows store changes, port-status events and tunnel changes
 * incrementally, recomputing only the flows of the endpoints and pods a change touches. It answers DHCP through
 * packet-in/packet-out. Stopping it leaves the flows in place (fail_mode=secure keeps forwarding), so a restart is
 * hitless: the new instance finds the same flows and sends nothing.
 */
export class Controller extends EventEmitter<ControllerEvents> {
  readonly bridge: string;
  readonly host: string;
  readonly metrics: ControllerMetrics;
  readonly log: Logger;
  private readonly o: ControllerOptions;
  private readonly mgmtSocket: string;
  private readonly dhcp: DhcpServerIdentity | undefined;
  private conn: OfConnection | undefined;
  private running = false;
  private connecting: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private backoff: number;
  private metricsServer: Server | undefined;
  /** Port name → OpenFlow port number, from PORT_DESC and PORT_STATUS. */
  private readonly ports = new Map<string, number>();
  /** Tunnel port name → remote host name (for the tunnels this controller manages). */
  private tunnelHosts = new Map<string, string>();
  private readonly tunnels = new Map<string, number>();
  private idx: PipelineIndex;
  /** Store endpoints by uuid (for DHCP: prefix length, pod MTU). */
  private readonly storeEndpoints = new Map<string, Endpoint>();
  /** Local endpoint by OpenFlow port. */
  private readonly byOfport = new Map<number, string>();
  /** What we believe the switch holds, per owner. */
  private installed = new Map<string, FlowMod[]>();
  private dirty = new Map<string, Owner>();
  private flushScheduled = false;
  private chain: Promise<unknown> = Promise.resolve();
  private tunnelSync: Promise<void> = Promise.resolve();
  private readonly unsubscribers: (() => void)[] = [];
  private rtnl: Rtnl | undefined;
  /** The DHCP meter exists on the switch (set per connection). */
  private meterReady = false;
  /** Endpoint links rtnetlink reported deleted; their ports stay unusable until the link or port is re-added. */
  private readonly deadLinks = new Set<string>();
  private linkWatch: LinkWatch | undefined;

  constructor(o: ControllerOptions) {
    super();
    this.o = o;
    this.bridge = o.bridge ?? 'br-int';
    this.host = o.host ?? o.store.hostName;
    this.mgmtSocket = o.mgmtSocket ?? `${DEFAULT_RUNDIR}/${this.bridge}.mgmt`;
    this.dhcp = o.dhcp === false ? undefined : (o.dhcp ?? DEFAULT_DHCP_SERVER);
    this.log = o.logger ?? pino({ name: 'loris-controller', level: process.env.LORIS_LOG_LEVEL ?? 'warn' });
    this.metrics = new ControllerMetrics(o.registry);
    this.backoff = o.reconnectMinMs ?? 20;
    this.idx = buildIndex(this.host, []);
  }

  /** True while the OpenFlow connection is up. */
  get connected(): boolean {
    return this.conn !== undefined;
  }

  /** The metrics endpoint's port when `metricsPort` was given. */
  metricsPort: number | undefined;

  private get state(): PipelineState {
    return { host: this.host, endpoints: this.idx.byId.values(), tunnels: this.tunnels, ...(this.dhcp ? { dhcp: this.dhcp } : {}), arpResponder: this.o.arpResponder ?? true, learnRemote: this.o.learnRemote ?? false, ...(this.meterReady ? { dhcpMeter: DHCP_METER_ID } : {}) };
  }

  /** Creates/fixes the bridge and tunnels, connects, reconciles. Resolves once the flow table is in sync. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const t0 = performance.now();
    await ensureIntegrationBridge(this.o.ovsdb, this.bridge, this.o.datapathType ?? autoDatapathType());
    for (const e of this.o.store.endpoints()) this.storeEndpoints.set(e.uuid, e);
    this.subscribe();
    if (this.o.linkEventsNetns) this.watchLinks(this.o.linkEventsNetns);
    await this.syncTunnels();
    if (this.o.metricsPort !== undefined) {
      const { server, port } = await this.metrics.listen(this.o.metricsPort);
      this.metricsServer = server;
      this.metricsPort = port;
    }
    await this.connectLoop();
    if (!this.conn) throw new ControllerError(`the controller was stopped before it could connect to ${this.mgmtSocket}; check that ovs-vswitchd runs and serves ${this.bridge}`);
    this.log.info({ ms: Math.round(performance.now() - t0), bridge: this.bridge }, 'controller started');
  }

  /** Disconnects and stops following changes. Installed flows stay (the datapath keeps forwarding). */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake?.(); // a reconnect wait ends now; the loop sees running=false
    for (const off of this.unsubscribers.splice(0)) off();
    this.linkWatch?.close();
    this.rtnl?.close();
    this.linkWatch = undefined;
    this.rtnl = undefined;
    await this.chain.catch(() => undefined);
    const c = this.conn;
    this.conn = undefined;
    this.metrics.connected.set(0);
    if (c) await c.close().catch(() => undefined);
    if (this.metricsServer) await new Promise<void>((r) => this.metricsServer?.close(() => r()));
    this.metricsServer = undefined;
  }

  /**
   * `ofproto/trace` of a packet on the integration bridge: a flow string in ovs-fields(7) syntax
   * (`in_port=1,icmp,nw_src=…`) or a Match (`{inPort: 1, ethType: 0x800, ipv4Src: '10.0.0.1'}`). Returns OVS's text.
   */
  async explain(packet: string | Match): Promise<string> {
    const flow = typeof packet === 'string' ? packet : traceFlowString(packet);
    if (!this.o.vswitchdCtl) throw new ControllerError('explain needs the vswitchd control socket; pass vswitchdCtl (e.g. /var/run/openvswitch/ovs-vswitchd.<pid>.ctl)');
    try {
      return await unixctl(this.o.vswitchdCtl, 'ofproto/trace', [this.bridge, flow]);
    } catch (e) {
      throw new ControllerError(`ofproto/trace ${flow} on ${this.bridge} failed: ${(e as Error).message}; check the flow syntax (ovs-fields(7), e.g. udp_dst not tp_dst) and that ovs-vswitchd runs`, { cause: e });
    }
  }

  /** OpenFlow port of the tunnel towards `host`, once the switch reported it. */
  tunnelPort(host: string): number | undefined {
    return this.tunnels.get(host);
  }

  /** OpenFlow port number of a bridge port by name, as the switch last reported it. */
  portNumber(name: string): number | undefined {
    return this.ports.get(name);
  }

  /** Flows this controller believes are installed (for tests and `loris status`). */
  installedFlowCount(): number {
    let n = 0;
    for (const f of this.installed.values()) n += f.length;
    return n;
  }

  // --- store and switch events -----------------------------------------------------------------------------------

  private subscribe(): void {
    const store = this.o.store;
    const onEndpoint = (ev: StoreEvent<Endpoint>): void => this.onEndpoint(ev);
    const onHost = (): void => void this.syncTunnels().catch((e: Error) => this.fail('tunnel sync', e));
    store.on('endpoint', onEndpoint);
    store.on('host', onHost);
    store.on('cluster', onHost);
    this.unsubscribers.push(() => store.off('endpoint', onEndpoint), () => store.off('host', onHost), () => store.off('cluster', onHost));
    for (const e of this.storeEndpoints.values()) indexAdd(this.idx, this.toPipeline(e));
    this.rebuildOfportIndex();
  }

  private watchLinks(netns: NetnsSpec): void {
    this.rtnl = openRtnl({ netns });
    this.linkWatch = this.rtnl.watchLinks(
      (ev: LinkEvent) => {
        const name = ev.link.name;
        if (ev.type === 'new') {
          this.deadLinks.delete(name); // ovs-vswitchd re-opens it and reports the port again
          return;
        }
        const local = [...this.storeEndpoints.values()].some((e) => e.host === this.host && e.portName === name);
        if (!local) return;
        this.deadLinks.add(name);
        this.metrics.linkEvents.inc();
        this.log.info({ link: name }, 'endpoint link deleted');
        if (!this.ports.has(name)) return;
        this.ports.delete(name);
        this.portChanged(name);
      },
      (e: Error) => this.fail('link events', e),
    );
  }

  private toPipeline(e: Endpoint): PipelineEndpoint {
    const ep: PipelineEndpoint = { id: e.uuid, pod: e.pod, host: e.host, mac: e.mac.toLowerCase() };
    if (e.ip) ep.ip = e.ip;
    if (e.host === this.host && e.portName) {
      const p = this.ports.get(e.portName);
      if (p !== undefined && p > 0) ep.ofport = p;
    }
    return ep;
  }

  private onEndpoint(ev: StoreEvent<Endpoint>): void {
    const old = ev.type === 'insert' ? undefined : ev.old;
    const neu = ev.type === 'delete' ? undefined : ev.new;
    if (old) {
      this.storeEndpoints.delete(old.uuid);
      this.touchEndpoint(old.uuid, undefined);
    }
    if (neu) {
      this.storeEndpoints.set(neu.uuid, neu);
      this.touchEndpoint(neu.uuid, this.toPipeline(neu));
    }
  }

  /** Replaces an endpoint in the index and marks it, its pod and (when the pod's presence here flips) the pod's members dirty. */
  private touchEndpoint(id: string, ep: PipelineEndpoint | undefined): void {
    const prev = this.idx.byId.get(id);
    const pods = new Set<number>();
    if (prev) pods.add(prev.pod);
    if (ep) pods.add(ep.pod);
    const wasLocal = new Map([...pods].map((p) => [p, podIsLocal(this.idx, p)]));
    indexRemove(this.idx, id);
    if (prev?.ofport !== undefined && this.byOfport.get(prev.ofport) === id) this.byOfport.delete(prev.ofport);
    if (ep) {
      indexAdd(this.idx, ep);
      if (ep.ofport !== undefined) this.byOfport.set(ep.ofport, ep.id);
    }
    this.markDirty({ kind: 'endpoint', id });
    for (const pod of pods) {
      this.markDirty({ kind: 'pod', pod });
      if (wasLocal.get(pod) !== podIsLocal(this.idx, pod)) {
        for (const m of this.idx.byPod.get(pod)?.keys() ?? []) this.markDirty({ kind: 'endpoint', id: m });
      }
    }
    let local = 0;
    for (const n of this.idx.localCount.values()) local += n;
    this.metrics.endpoints.set({ where: 'local' }, local);
    this.metrics.endpoints.set({ where: 'remote' }, this.idx.byId.size - local);
  }

  private rebuildOfportIndex(): void {
    this.byOfport.clear();
    for (const ep of this.idx.byId.values()) if (ep.ofport !== undefined) this.byOfport.set(ep.ofport, ep.id);
  }

  private onPortStatus(ps: PortStatus): void {
    const name = ps.port.name;
    if (ps.reason === 0 /* OFPPR_ADD */) this.deadLinks.delete(name);
    const gone = ps.reason === 1 /* OFPPR_DELETE */ || portVanished(ps.port) || this.deadLinks.has(name);
    if (gone) this.ports.delete(name);
    else this.ports.set(name, ps.port.portNo);
    this.log.debug({ name, portNo: ps.port.portNo, reason: ps.reason }, 'port status');
    this.portChanged(name);
    // A tunnel port someone else removed is put back (syncTunnels is idempotent).
    if (ps.reason === 1 && this.tunnelHosts.has(name)) void this.syncTunnels().catch((e: Error) => this.fail('tunnel repair', e));
  }

  /** A port appeared, moved or vanished: refresh the endpoint or tunnel that uses it. */
  private portChanged(name: string): void {
    const host = this.tunnelHosts.get(name);
    if (host !== undefined) {
      const p = this.ports.get(name);
      if (p === undefined) this.tunnels.delete(host);
      else this.tunnels.set(host, p);
      this.metrics.tunnels.set(this.tunnels.size);
      for (const pod of this.idx.byPod.keys()) this.markDirty({ kind: 'pod', pod });
      for (const ep of this.idx.byId.values()) if (ep.host === host) this.markDirty({ kind: 'endpoint', id: ep.id });
      return;
    }
    for (const e of this.storeEndpoints.values()) {
      if (e.host === this.host && e.portName === name) this.touchEndpoint(e.uuid, this.toPipeline(e));
    }
  }

  private async syncTunnels(): Promise<void> {
    const run = async (): Promise<void> => {
      const store = this.o.store;
      const specs = desiredTunnels(store.hosts(), this.host, store.cluster.tunnelType);
      const names = new Map(specs.map((t) => [t.name, t.host]));
      const stats = await syncTunnels(this.o.ovsdb, this.bridge, specs);
      this.tunnelHosts = names;
      const wanted = new Set(names.values());
      for (const host of [...this.tunnels.keys()]) {
        if (wanted.has(host)) continue;
        this.tunnels.delete(host);
        for (const pod of this.idx.byPod.keys()) this.markDirty({ kind: 'pod', pod });
      }
      for (const name of names.keys()) this.portChanged(name);
      if (stats.added + stats.changed + stats.removed) this.log.info({ ...stats }, 'tunnel ports updated');
    };
    this.tunnelSync = this.tunnelSync.then(run, run);
    return this.tunnelSync;
  }

  // --- OpenFlow connection -------------------------------------------------------------------------------------

  private connectLoop(): Promise<void> {
    this.connecting ??= (async () => {
      // One watch for the whole loop: ovs-vswitchd re-creating the socket during an attempt is not missed.
      const socket = watchPath(this.mgmtSocket);
      this.wake = () => socket.wake();
      try {
        for (;;) {
          if (!this.running) return;
          const seen = socket.events;
          try {
            await this.connectOnce();
            this.backoff = this.o.reconnectMinMs ?? 20;
            return;
          } catch (e) {
            this.log.debug({ err: (e as Error).message }, 'connect failed; retrying');
            // The socket changed while that attempt ran: try again at once, else after the backoff (or its change).
            if (socket.events === seen) await socket.wait(this.backoff);
            // A socket that just appeared may not listen yet (vswitchd binds, then listens): after a change, retry
            // from the shortest backoff instead of doubling a long one.
            const min = this.o.reconnectMinMs ?? 20;
            this.backoff = socket.events !== seen ? min : Math.min(this.backoff * 2, this.o.reconnectMaxMs ?? 1000);
          }
        }
      } finally {
        this.wake = undefined;
        socket.close();
        this.connecting = undefined;
      }
    })();
    return this.connecting;
  }

  private async connectOnce(): Promise<void> {
    const conn = await OfConnection.connect(`unix:${this.mgmtSocket}`, { name: `${this.bridge}.mgmt`, echoIntervalMs: 2000, echoTimeoutMs: 3000 });
    try {
      // A management connection gets async messages only while miss_send_len != 0 (ovs-facts §1).
      await conn.setConfig({ missSendLen: 0xffff });
      await conn.setAsync();
      this.meterReady = await this.ensureDhcpMeter(conn);
      const parts = await conn.multipartAll({ kind: 'port_desc' });
      this.ports.clear();
      for (const p of parts) if (p.kind === 'port_desc') for (const port of p.ports) if (!portVanished(port)) this.ports.set(port.name, port.portNo);
      conn.on('port_status', (ps) => this.onPortStatus(ps));
      conn.on('packet_in', (pi) => void this.onPacketIn(conn, pi).catch((e: Error) => this.fail('packet-in', e)));
      conn.on('close', (err) => this.onClose(conn, err));
      // Endpoint ofports may have moved while we were away (e.g. vswitchd restarted).
      for (const name of [...this.tunnelHosts.keys()]) this.portChanged(name);
      for (const e of this.storeEndpoints.values()) if (e.host === this.host) this.touchEndpoint(e.uuid, this.toPipeline(e));
      this.dirty.clear();
      this.conn = conn;
      await this.enqueue(() => this.fullSync(conn));
      this.metrics.connects.inc();
      this.metrics.connected.set(1);
    } catch (e) {
      if (this.conn === conn) this.conn = undefined;
      conn.destroy();
      throw e;
    }
  }

  /** Installs (or updates) the DHCP rate-limiting meter. False when disabled or the switch refuses meters. */
  private async ensureDhcpMeter(conn: OfConnection): Promise<boolean> {
    const rate = this.o.dhcpRateLimit ?? 100;
    if (!this.dhcp || rate <= 0) return false;
    const mod = (command: number): MeterMod => ({ type: 'meter_mod', command, flags: OFPMF.PKTPS | OFPMF.BURST, meterId: DHCP_METER_ID, bands: [{ bandType: 'drop', rate, burstSize: rate }] });
    try {
      await conn.request(mod(OFPMC.MODIFY));
      return true;
    } catch (e) {
      if (!(e instanceof OfpError)) throw e;
    }
    try {
      await conn.request(mod(OFPMC.ADD));
      return true;
    } catch (e) {
      if (!(e instanceof OfpError)) throw e;
      this.log.warn({ err: e.message }, 'the switch refused the DHCP meter; DHCP packet-ins are not rate-limited');
      return false;
    }
  }

  private onClose(conn: OfConnection, err: LorisError | undefined): void {
    if (this.conn !== conn) return;
    this.conn = undefined;
    this.metrics.connected.set(0);
    this.emit('disconnected', err);
    if (!this.running) return;
    this.log.warn({ err: err?.message }, 'OpenFlow connection lost; reconnecting');
    void this.connectLoop().catch((e: Error) => this.fail('reconnect', e));
  }

  /** Dump, diff against the whole desired table, apply the difference in one atomic bundle. */
  private async fullSync(conn: OfConnection): Promise<void> {
    const t0 = performance.now();
    const end = this.metrics.reconcileSeconds.startTimer({ kind: 'full' });
    const installed = await dumpFlows(conn);
    const t1 = performance.now();
    const desired = new Map<string, FlowMod[]>();
    const all: FlowEntry[] = [];
    const state = this.state;
    for (const o of owners(this.idx)) {
      const flows = ownerFlows(state, this.idx, o);
      if (flows.length) desired.set(ownerKey(o), flows);
      for (const f of flows) all.push(f);
    }
    const t2 = performance.now();
    const r = reconcile(installed, all, { owned: isManagedCookie });
    const t3 = performance.now();
    if (r.mods.length) await conn.bundle(r.mods, { atomic: true });
    const phases = { dumpMs: t1 - t0, computeMs: t2 - t1, diffMs: t3 - t2, applyMs: performance.now() - t3 };
    this.countMods(r.mods);
    this.installed = desired;
    this.metrics.flows.set(all.length);
    this.metrics.reconciles.inc({ kind: 'full' });
    end();
    const ms = Math.round((performance.now() - t0) * 10) / 10;
    this.log.info({ ...r.stats, ms, ...phases }, 'flow table reconciled');
    this.emit('synced', { ...r.stats, ms, phases });
  }

  private countMods(mods: FlowMod[]): void {
    for (const m of mods) this.metrics.flowMods.inc({ command: m.command });
  }

  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.chain.then(fn, fn);
    this.chain = p.catch(() => undefined);
    return p;
  }

  private markDirty(o: Owner): void {
    this.dirty.set(ownerKey(o), o);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      void this.enqueue(() => this.flush()).catch((e: Error) => this.fail('incremental update', e));
    });
  }

  /** Recomputes the dirty owners' flows and sends the difference from what they had (one atomic bundle). */
  private async flush(): Promise<void> {
    const conn = this.conn;
    if (!conn || this.dirty.size === 0) return; // the next full sync covers whatever is dirty now
    const dirty = [...this.dirty.values()];
    this.dirty.clear();
    const end = this.metrics.reconcileSeconds.startTimer({ kind: 'incremental' });
    const state = this.state;
    const mods: FlowMod[] = [];
    const next = new Map<string, FlowMod[]>();
    for (const o of dirty) {
      const key = ownerKey(o);
      const flows = ownerFlows(state, this.idx, o);
      const r = reconcile(this.installed.get(key) ?? [], flows);
      for (const m of r.mods) mods.push(m);
      next.set(key, flows);
    }
    // Deletions of every owner first, then modifications and additions: an identity that moved between owners
    // (rare) is deleted before it is re-added.
    mods.sort((a, b) => rank(a) - rank(b));
    try {
      if (mods.length) await conn.bundle(mods, { atomic: true });
    } catch (e) {
      for (const o of dirty) this.dirty.set(ownerKey(o), o);
      throw e;
    }
    for (const [key, flows] of next) {
      if (flows.length) this.installed.set(key, flows);
      else this.installed.delete(key);
    }
    this.countMods(mods);
    this.metrics.flows.set(this.installedFlowCount());
    this.metrics.reconciles.inc({ kind: 'incremental' });
    end();
    if (mods.length) this.log.debug({ owners: dirty.length, mods: mods.length }, 'incremental update');
    this.emit('applied', { owners: dirty.length, mods: mods.length });
  }

  // --- DHCP ------------------------------------------------------------------------------------------------------

  private async onPacketIn(conn: OfConnection, pi: PacketIn): Promise<void> {
    this.metrics.packetIns.inc({ reason: String(pi.reason) });
    if (!this.dhcp) return;
    const answer = answerDhcp(pi, (port) => {
      const id = this.byOfport.get(port);
      return id ? this.storeEndpoints.get(id) : undefined;
    }, { server: this.dhcp, leaseTime: this.o.leaseTime ?? DEFAULT_LEASE_TIME, mtu: (pod) => this.o.store.effectiveMtu(pod) });
    if (answer.kind === 'ignored') {
      if (answer.why) this.log.debug({ why: answer.why }, 'packet-in not answered');
      return;
    }
    await conn.send(answer.packetOut);
    this.metrics.dhcpReplies.inc({ type: answer.type });
    this.log.info({ endpoint: answer.endpoint.uuid, ip: answer.endpoint.ip, type: answer.type }, 'DHCP reply sent');
  }

  private fail(what: string, e: Error): void {
    this.log.error({ err: e.message }, `${what} failed`);
    if (this.listenerCount('error') > 0) this.emit('error', e);
  }
}

const RANK: Record<FlowMod['command'], number> = { delete_strict: 0, delete: 0, modify_strict: 1, modify: 1, add: 2 };
const rank = (m: FlowMod): number => RANK[m.command];
