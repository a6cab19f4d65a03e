import { rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { LorisError } from '../errors.js';
import type { Controller } from '../controller/controller.js';
import { fnv1a32 } from '../controller/pipeline.js';
import { autoDatapathType, tunnelPortName } from '../controller/ovs-bridge.js';
import { attach, collectHostLinks, detach, hostIfnameFor } from '../netlink/attach.js';
import { resolveContainer, type ResolvedContainer } from '../netlink/containers.js';
import { ContainerNotFoundError, ContainerNotRunningError } from '../netlink/errors.js';
import { homeNetns } from '../netlink/netns.js';
import { openRtnl, type Rtnl } from '../netlink/rtnl.js';
import type { OfConnection } from '../ofproto/connection.js';
import { OvsdbClient } from '../ovsdb/client.js';
import { STORE_DB } from '../store/dbfile.js';
import { NoSubnetError } from '../store/errors.js';
import { Store } from '../store/store.js';
import { GLOBAL_POD, type Endpoint } from '../store/types.js';
import { agentSocketPath, serveAgentRpc } from './agent-rpc.js';
import { agentStatus, removeAgentPidfile, startAgent, stopAgent, writeAgentPidfile } from './agent.js';
import { AgentError, NotInitialisedError } from './errors.js';
import { checkOvsVersion, chooseDatapath, connectOvs, readOvs, writeHostConfig, type HostConfig, type OvsInfo } from './host.js';
import {
  addContainerPort,
  containerPorts,
  delLorisBridge,
  delPortIfExists,
  dumpFlows,
  formatFlow,
  mgmtSocket,
  ofportOf,
  openFlowConnection,
  ovsVersion,
  vswitchdCtl,
  waitForEndpointFlows,
  type FlowChangeSource,
} from './switch.js';
import {
  DEFAULT_BRIDGE,
  DEFAULT_DB,
  DEFAULT_RUN_DIR,
  type CleanupResult,
  type ClusterResult,
  type ConnectResult,
  type ContainerOptions,
  type DisconnectResult,
  type EndpointInfo,
  type InitOptions,
  type InitResult,
  type LorisOptions,
  type PodInfo,
  type StatusResult,
} from './types.js';
import { parseAddressSpec, parseContainerRef, parseHostAddress, parseHostName, parsePod, parseRemoteHosts, parseSubnet, parseTunnelType, type TunnelType } from './validate.js';

/** A running agent started by `Loris.agent()`. */
export interface AgentHandle {
  readonly controller: Controller;
  stop(): Promise<void>;
}

/** How often the agent refreshes its host's `last_seen` in the store. */
const HEARTBEAT_MS = 10_000;

function endpointInfo(e: Endpoint): EndpointInfo {
  return { container: e.containerName || e.containerId, pod: e.pod, interface: e.ifname, ip: e.ip, prefix: e.prefixLen, mac: e.mac, assignment: e.assignment, host: e.host };
}

/** Lowest `ethN` (N ≥ 1) not in `used`. */
export function nextIfname(used: Iterable<string>): string {
  const taken = new Set(used);
  for (let n = 1; ; n++) if (!taken.has(`eth${n}`)) return `eth${n}`;
}

/**
 * The loris library API; the `loris` command is a thin layer over it. One object per host (its OVSDB
 * remote, store remotes and run dir). Every method validates all its arguments before it changes
 * anything, and an operation that fails midway undoes what it did. Call `close()` when done.
 *
 * ```ts
 * const l = new Loris({ db: 'unix:/var/run/openvswitch/db.sock' });
 * await l.init({ tunnel: 'vxlan' });
 * await l.cluster(['192.168.1.21']);
 * const ep = await l.connect('web1', '10.1.0.5/24', 7);   // { interface: 'eth1', ip, mac, pod, … }
 * await l.close();
 * ```
 */
export class Loris {
  readonly db: string;
  readonly store: string | undefined;
  readonly storeFile: string | undefined;
  readonly runDir: string;
  readonly bridge: string;
  readonly dockerHost: string | undefined;
  private readonly progress: (msg: string) => void;
  private ovsClient: Promise<OvsdbClient> | undefined;
  private storeHandle: Promise<Store> | undefined;
  private rtnl: Rtnl | undefined;
  private ofConn: Promise<OfConnection> | undefined;
  /** The controller this object runs as the agent (serve()): its updates end a connect's wait for flows early. */
  private controller: Controller | undefined;

  constructor(opts: LorisOptions = {}) {
    this.db = opts.db ?? DEFAULT_DB;
    this.store = opts.store;
    this.storeFile = opts.storeFile;
    this.runDir = opts.runDir ?? DEFAULT_RUN_DIR;
    this.bridge = opts.bridge ?? DEFAULT_BRIDGE;
    this.dockerHost = opts.dockerHost;
    this.progress = opts.onProgress ?? (() => undefined);
  }

  /** The global options that make a child `loris` process talk to the same host. */
  private cliArgs(): string[] {
    return [
      '--db', this.db, '--run-dir', this.runDir, '--bridge', this.bridge,
      ...(this.store ? ['--store', this.store] : []),
      ...(this.storeFile ? ['--store-file', this.storeFile] : []),
    ];
  }

  private ovs(): Promise<OvsdbClient> {
    this.ovsClient ??= connectOvs(this.db);
    this.ovsClient.catch(() => (this.ovsClient = undefined));
    return this.ovsClient;
  }

  /** Updates of the in-process controller's flows, when this object is the agent; undefined otherwise. */
  private flowChanges(): FlowChangeSource | undefined {
    const c = this.controller;
    if (!c) return undefined;
    return (onChange) => {
      c.on('applied', onChange);
      c.on('synced', onChange);
      return () => {
        c.off('applied', onChange);
        c.off('synced', onChange);
      };
    };
  }

  /** One OpenFlow connection to the bridge's management socket, shared by concurrent operations. */
  private openFlow(): Promise<OfConnection> {
    this.ofConn ??= openFlowConnection(this.db, this.bridge).then((c) => {
      c.on('close', () => {
        if (this.ofConn) this.ofConn = undefined;
      });
      return c;
    });
    this.ofConn.catch(() => (this.ofConn = undefined));
    return this.ofConn;
  }

  /** This process's rtnetlink handle (the host namespace, where OVS's ports live). */
  private host(): Rtnl {
    this.rtnl ??= openRtnl({ netns: homeNetns() });
    return this.rtnl;
  }

  /** The Open_vSwitch row, with the version asked from ovs-vswitchd when the column is empty. */
  private async ovsInfo(): Promise<OvsInfo> {
    const info = await readOvs(await this.ovs());
    return { ...info, version: await ovsVersion(this.db, info.version) };
  }

  private async hostConfig(what: string): Promise<{ info: OvsInfo; config: HostConfig }> {
    const info = await readOvs(await this.ovs());
    if (!info.config) throw new NotInitialisedError(what);
    return { info, config: info.config };
  }

  /** The store: `--store` remotes, else the Loris database embedded in this host's ovsdb-server (added on first use). */
  private openStore(hostName: string): Promise<Store> {
    this.storeHandle ??= Store.open({
      remotes: this.store ?? this.db,
      host: hostName,
      embedded: this.store ? false : this.storeFile ? { file: this.storeFile } : true,
    });
    this.storeHandle.catch(() => (this.storeHandle = undefined));
    return this.storeHandle;
  }

  /** The store if it already exists (never creates the embedded database): for read-only and cleanup paths. */
  private async existingStore(hostName: string): Promise<Store | undefined> {
    if (!this.store && !(await (await this.ovs()).listDbs()).includes(STORE_DB)) return undefined;
    return this.openStore(hostName);
  }

  /**
   * Prepares this host: checks that OVS is reachable and recent enough and offers a datapath, settles
   * the underlay address and tunnel type, records them, registers the host in the store and starts the
   * agent (which creates the bridge and tunnels). Idempotent: a second run changes nothing.
   */
  async init(o: InitOptions = {}): Promise<InitResult> {
    const tunnel: TunnelType = parseTunnelType(o.tunnel ?? 'vxlan');
    const wantIp = o.localIp === undefined ? undefined : parseHostAddress(o.localIp, 'local IP');
    const name = o.name === undefined ? undefined : parseHostName(o.name);
    this.progress(`checking Open vSwitch at ${this.db}`);
    const c = await this.ovs();
    const info = await this.ovsInfo();
    checkOvsVersion(info.version);
    const datapathType = chooseDatapath(info.datapathTypes, autoDatapathType() === 'system');
    if (info.config && wantIp !== undefined && info.config.localIp !== wantIp) {
      throw new LorisError('LORIS_INVALID_ARGUMENT', `this host is already initialised with local IP ${info.config.localIp}; run loris cleanup first to change it to ${wantIp}`);
    }
    if (info.config && o.tunnel !== undefined && info.config.tunnel !== tunnel) {
      throw new LorisError('LORIS_INVALID_ARGUMENT', `this host is already initialised with ${info.config.tunnel} tunnels; run loris cleanup first to change to ${tunnel}`);
    }
    if (info.config && o.name !== undefined && info.config.hostName !== o.name) {
      throw new LorisError('LORIS_INVALID_ARGUMENT', `this host is already initialised as ${info.config.hostName}; run loris cleanup first to rename it to ${o.name}`);
    }
    const localIp = info.config?.localIp ?? wantIp ?? (await this.detectLocalIp());
    const config: HostConfig = info.config ?? { hostName: name ?? hostname(), localIp, tunnel };
    let changed = false;
    this.progress('opening the store');
    const store = await this.openStore(config.hostName);
    const known = store.host(config.hostName);
    if (!info.config && known && known.address !== localIp) {
      throw new LorisError(
        'LORIS_STORE_HOST_CONFLICT',
        `host name ${config.hostName} is already registered in the store with address ${known.address}; give this host its own name with --name`,
      );
    }
    if (known?.address !== localIp) {
      this.progress(`registering host ${config.hostName} ${localIp} in the store`);
      await store.registerHost({ name: config.hostName, address: localIp, agentVersion: 'loris' });
      changed = true;
    }
    if (o.tunnel !== undefined && store.cluster.tunnelType !== tunnel) {
      await store.setCluster({ tunnelType: tunnel });
      changed = true;
    }
    if (!info.config) {
      this.progress(`recording host ${config.hostName} ${localIp} (${tunnel}) in Open_vSwitch external_ids`);
      await writeHostConfig(c, info, config);
      changed = true;
    }
    let agent = agentStatus(this.runDir);
    if (!agent.running && o.agent !== false) {
      this.progress('starting loris agent');
      agent = await startAgent(this.runDir, this.cliArgs());
      changed = true;
    }
    return { changed, hostName: config.hostName, localIp, tunnel: config.tunnel as TunnelType, ovsVersion: info.version, datapathType, bridge: this.bridge, agent };
  }

  /**
   * The underlay address, over rtnetlink: the preferred source of the default route, else the address
   * of its interface, else the only global IPv4 address of this namespace.
   */
  private async detectLocalIp(): Promise<string> {
    const rt = this.host();
    const addrs = (await rt.addresses({ family: 'inet' })).filter((a) => a.scope === 'global');
    const def = (await rt.routes({ family: 'inet' })).find((r) => r.dst === 'default' || r.dst === '0.0.0.0/0');
    const pick = def?.prefsrc ?? addrs.find((a) => def?.oif !== undefined && a.index === def.oif)?.address ?? (addrs.length === 1 ? addrs[0].address : undefined);
    if (!pick) {
      throw new LorisError('LORIS_INVALID_ARGUMENT', `can't tell this host's underlay address (${addrs.length} global IPv4 addresses and ${def ? 'a default route without a source' : 'no default route'}); pass --local-ip <ip>`);
    }
    return pick;
  }

  /** Registers remote hosts (by underlay address); the agents build a tunnel to each. */
  async cluster(remotes: readonly string[]): Promise<ClusterResult> {
    parseRemoteHosts(remotes);
    const { config } = await this.hostConfig('loris cluster');
    const ips = parseRemoteHosts(remotes, config.localIp);
    const store = await this.openStore(config.hostName);
    const known = new Set(store.hosts().map((h) => h.address));
    const added: string[] = [];
    const existing: string[] = [];
    for (const ip of ips) {
      if (known.has(ip)) {
        existing.push(ip);
        continue;
      }
      this.progress(`registering remote host ${ip}`);
      await store.registerHost({ address: ip });
      added.push(ip);
    }
    return { changed: added.length > 0, added, existing };
  }

  private requireAgent(what: string): void {
    if (!agentStatus(this.runDir).running) throw new AgentError(`${what}: no loris agent is running for ${this.runDir}; run loris init (or start loris agent / the loris-agent service)`);
  }

  /**
   * Gives `container` an interface on `pod`'s network with `address` (`ip[/mask]` or `dhcp`) and
   * returns once the agent has installed its flows. Idempotent: connecting again the same way changes
   * nothing (`changed: false`). A second pod gets the next interface (eth2, …). For `dhcp` the address is
   * allocated now and served by the agent's DHCP server to the container's DHCP client.
   */
  async connect(container: string, address: string, pod?: string | number, opts: ContainerOptions = {}): Promise<ConnectResult> {
    parseContainerRef(container);
    const spec = parseAddressSpec(address);
    const podNumber = pod === undefined ? GLOBAL_POD : parsePod(pod);
    const { config } = await this.hostConfig('loris connect');
    this.requireAgent('loris connect');
    const store = await this.openStore(config.hostName);
    this.progress(`resolving container ${container}`);
    const ctr = await resolveContainer(container, this.resolveOptions(opts));
    try {
      const mine = store.endpoints({ containerId: ctr.id });
      const existing = mine.find((e) => e.pod === podNumber);
      const podExisted = store.pod(podNumber) !== undefined;
      if (!existing && !podExisted && spec.kind === 'dhcp' && !store.cluster.podSubnetPool) throw new NoSubnetError(podNumber);
      const ifname = existing?.ifname ?? nextIfname(mine.map((e) => e.ifname));
      const hostIfname = hostIfnameFor(ctr.id, String(podNumber));
      const undo: (() => Promise<unknown>)[] = [];
      try {
        const ep = await store.allocate({
          pod: podNumber,
          container: { id: ctr.id, name: ctr.name },
          ifname,
          ip: spec.kind === 'dhcp' ? 'dhcp' : spec.prefixGiven ? spec.cidr : spec.ip,
          portName: hostIfname,
        });
        if (!existing) {
          undo.push(() => store.release(ep.uuid));
          if (!podExisted) undo.push(() => store.removePod(podNumber));
        }
        const linkThere = (await this.host().findLink(hostIfname)) !== undefined;
        let ofport = linkThere ? await ofportOf(await this.ovs(), hostIfname) : undefined;
        const changed = !existing || !linkThere || ofport === undefined;
        if (!linkThere) {
          this.progress(`creating ${ifname} in ${ctr.name} (host end ${hostIfname})`);
          await attach({
            netns: ctr.netns,
            host: this.host(),
            ifname,
            hostIfname,
            mac: ep.mac,
            mtu: store.effectiveMtu(podNumber),
            addresses: ep.assignment === 'static' ? [`${ep.ip}/${ep.prefixLen}`] : [],
            stillRunning: () => ctr.stillRunning(),
            container: ctr.name,
          });
          undo.push(() => detach({ host: this.host(), hostIfname }));
        }
        if (ofport === undefined) {
          // A port left from before (its veth went with a restarted container) has no OpenFlow port: re-add it.
          await delPortIfExists(await this.ovs(), hostIfname);
          this.progress(`adding port ${hostIfname} to ${this.bridge}`);
          ofport = await addContainerPort(await this.ovs(), this.bridge, hostIfname, { endpoint: ep.uuid, containerId: ctr.id, mac: ep.mac });
          undo.push(async () => delPortIfExists(await this.ovs(), hostIfname));
        }
        this.progress('waiting for the agent to install the flows');
        await waitForEndpointFlows(await this.openFlow(), ep.uuid, ofport, { changes: this.flowChanges() });
        this.progress('flows installed');
        undo.length = 0;
        return { ...endpointInfo(ep), changed, hostInterface: hostIfname, ofport };
      } catch (e) {
        for (const step of undo.reverse()) await step().catch(() => undefined);
        throw e;
      }
    } finally {
      ctr.close();
    }
  }

  /** How to resolve a container argument: the call's Docker endpoint, else this object's (else DOCKER_HOST). */
  private resolveOptions(opts: ContainerOptions): { dockerHost?: string } {
    const dockerHost = opts.dockerHost ?? this.dockerHost;
    return dockerHost === undefined ? {} : { dockerHost };
  }

  /** The store endpoints a container argument names on this host (resolving it when it still runs). */
  private async endpointsOf(store: Store, container: string, hostName: string, opts: ContainerOptions = {}): Promise<Endpoint[]> {
    let ctr: ResolvedContainer | undefined;
    try {
      ctr = await resolveContainer(container, this.resolveOptions(opts));
    } catch (e) {
      if (!(e instanceof ContainerNotFoundError || e instanceof ContainerNotRunningError)) throw e;
    }
    try {
      const all = store.endpoints({ host: hostName });
      if (ctr) {
        const id = ctr.id;
        return all.filter((e) => e.containerId === id);
      }
      // A container that is gone can still be disconnected by the name or id prefix recorded at connect.
      const matches = all.filter((e) => e.containerName === container || e.containerId === container || (container.length >= 12 && e.containerId.startsWith(container)));
      if (matches.length === 0) throw new ContainerNotFoundError(container, 'it is not running and no loris endpoint records it');
      return matches;
    } finally {
      ctr?.close();
    }
  }

  /** Removes the container's interface on `pod` (every loris interface of it when no pod is given). */
  async disconnect(container: string, pod?: string | number, opts: ContainerOptions = {}): Promise<DisconnectResult> {
    parseContainerRef(container);
    const podNumber = pod === undefined ? undefined : parsePod(pod);
    const { config } = await this.hostConfig('loris disconnect');
    const store = await this.openStore(config.hostName);
    const eps = (await this.endpointsOf(store, container, config.hostName, opts)).filter((e) => podNumber === undefined || e.pod === podNumber);
    for (const e of eps) await this.removeEndpoint(store, e);
    return { changed: eps.length > 0, container, pod: podNumber ?? eps[0]?.pod ?? GLOBAL_POD, ...(eps.length === 1 ? { interface: eps[0].ifname } : {}) };
  }

  private async removeEndpoint(store: Store, e: Endpoint): Promise<void> {
    const port = e.portName || hostIfnameFor(e.containerId, String(e.pod));
    this.progress(`removing ${e.ifname} of ${e.containerName || e.containerId} (pod ${e.pod})`);
    await delPortIfExists(await this.ovs(), port);
    await detach({ host: this.host(), hostIfname: port });
    await store.release(e.uuid);
  }

  /** Removes everything loris created on this host; safe to run twice. */
  async cleanup(): Promise<CleanupResult> {
    const c = await this.ovs();
    const info = await readOvs(c);
    const agentStopped = await stopAgent(this.runDir);
    if (agentStopped) this.progress('stopped the agent');
    const hostName = info.config?.hostName ?? hostname();
    const store = await this.existingStore(hostName);
    let endpoints = 0;
    if (store) {
      for (const e of store.endpoints({ host: hostName })) {
        await this.removeEndpoint(store, e);
        endpoints++;
      }
    }
    const ports = [...(await containerPorts(c)).keys()];
    for (const p of ports) await delPortIfExists(c, p);
    const links = await collectHostLinks(this.host(), new Set());
    const bridges = (await delLorisBridge(c, this.bridge)) ? [this.bridge] : [];
    let storeRows = false;
    if (store) {
      // Embedded: the whole store is this host's, so all of it goes. Shared: only this host (and its endpoints).
      const hosts = this.store ? store.hosts().filter((h) => h.name === hostName) : store.hosts();
      for (const h of hosts) storeRows = (await store.removeHost(h.name)) !== undefined || storeRows;
      if (!this.store) for (const p of store.pods()) storeRows = (await store.removePod(p.number)) || storeRows;
    }
    if (info.config) await writeHostConfig(c, info, undefined);
    const changed = agentStopped || endpoints > 0 || ports.length > 0 || links.length > 0 || bridges.length > 0 || storeRows || info.config !== undefined;
    return { changed, ports: [...new Set([...ports, ...links])], bridges, endpoints, agentStopped };
  }

  async status(): Promise<StatusResult> {
    const c = await this.ovs();
    const info = await this.ovsInfo();
    const agent = agentStatus(this.runDir);
    if (!info.config) return { initialised: false, bridge: this.bridge, agent, tunnels: [], endpoints: [], ovsVersion: info.version };
    const store = await this.openStore(info.config.hostName);
    const tunnels = [];
    for (const h of store.hosts()) {
      if (h.name === info.config.hostName) continue;
      const port = tunnelPortName(h.address, fnv1a32);
      tunnels.push({ remote: h.address, port, type: (h.tunnelType ?? store.cluster.tunnelType) as TunnelType, ofport: await ofportOf(c, port) });
    }
    return {
      initialised: true,
      hostName: info.config.hostName,
      localIp: info.config.localIp,
      ovsVersion: info.version,
      bridge: this.bridge,
      tunnel: info.config.tunnel as TunnelType,
      agent,
      tunnels,
      endpoints: store.endpoints({ host: info.config.hostName }).map(endpointInfo),
    };
  }

  async pods(): Promise<PodInfo[]> {
    const { config } = await this.hostConfig('loris pods');
    const store = await this.openStore(config.hostName);
    return store
      .pods()
      .sort((a, b) => a.number - b.number)
      .map((p) => ({ pod: p.number, subnet: p.subnet, tunnelKey: p.tunnelKey, mtu: store.effectiveMtu(p.number), endpoints: store.endpoints({ pod: p.number }).length }));
  }

  async setPodSubnet(pod: string | number, cidr: string): Promise<{ pod: number; subnet: string }> {
    const n = parsePod(pod);
    const s = parseSubnet(cidr);
    const { config } = await this.hostConfig('loris pod');
    const store = await this.openStore(config.hostName);
    if (store.pod(n)) await store.setPodSubnet(n, s.cidr);
    else await store.ensurePod(n, { subnet: s.cidr });
    return { pod: n, subnet: s.cidr };
  }

  /** The bridge's flow table, one line per flow, in ovs-ofctl dump-flows' layout. */
  async flows(): Promise<string[]> {
    await this.hostConfig('loris flows');
    const flows = await dumpFlows(await this.openFlow());
    return flows.sort((a, b) => a.tableId - b.tableId || b.priority - a.priority).map(formatFlow);
  }

  /**
   * Runs the controller in this process until `stop()`: a reconnecting OVSDB session, the store, the
   * controller on the bridge's management socket, a heartbeat. Writes the pidfile once serving.
   */
  async agent(): Promise<AgentHandle> {
    const { config } = await this.hostConfig('loris agent');
    const ovsdb = await OvsdbClient.connect(this.db, { reconnect: true });
    await ovsdb.setDbChangeAware(true);
    // The long-running agent serves commands too: give them the reconnecting session.
    const previous = this.ovsClient;
    this.ovsClient = Promise.resolve(ovsdb);
    if (previous) (await previous.catch(() => undefined))?.close();
    const store = await this.openStore(config.hostName);
    const ctl = vswitchdCtl(this.db);
    // Loaded here only: the controller (pino, prom-client) is not needed by the short-lived commands.
    const { Controller } = await import('../controller/controller.js');
    const controller = new Controller({ bridge: this.bridge, ovsdb, store, host: config.hostName, mgmtSocket: mgmtSocket(this.db, this.bridge), ...(ctl ? { vswitchdCtl: ctl } : {}) });
    controller.on('error', (e) => this.progress(`controller: ${e.message}`));
    await controller.start();
    this.controller = controller;
    const beat = setInterval(() => void store.heartbeat().catch(() => undefined), HEARTBEAT_MS);
    writeAgentPidfile(this.runDir);
    const sock = agentSocketPath(this.runDir);
    const server = await serveAgentRpc(sock, (method, p) => {
      const opt = (x: unknown): string | undefined => (x === undefined || x === null ? undefined : String(x));
      // The caller's container options ride last: [container, address, pod, opts] / [container, pod, opts].
      const callerOpts = (x: unknown): ContainerOptions => {
        const d = typeof x === 'object' && x !== null ? (x as { dockerHost?: unknown }).dockerHost : undefined;
        return typeof d === 'string' ? { dockerHost: d } : {};
      };
      return method === 'connect' ? this.connect(String(p[0]), String(p[1]), opt(p[2]), callerOpts(p[3])) : this.disconnect(String(p[0]), opt(p[1]), callerOpts(p[2]));
    });
    return {
      controller,
      stop: async () => {
        clearInterval(beat);
        await new Promise<void>((r) => server.close(() => r()));
        rmSync(sock, { force: true });
        removeAgentPidfile(this.runDir);
        this.controller = undefined;
        await controller.stop();
        ovsdb.close();
      },
    };
  }

  async close(): Promise<void> {
    const s = this.storeHandle;
    this.storeHandle = undefined;
    if (s) await (await s.catch(() => undefined))?.close();
    const p = this.ovsClient;
    this.ovsClient = undefined;
    if (p) (await p.catch(() => undefined))?.close();
    this.rtnl?.close();
    this.rtnl = undefined;
    const of = this.ofConn;
    this.ofConn = undefined;
    if (of) await (await of.catch(() => undefined))?.close();
  }
}
