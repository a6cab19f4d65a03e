import { hostname } from 'node:os';
import { LorisError } from '../errors.js';
import type { OvsdbClient } from '../ovsdb/client.js';
import { agentStatus, removeAgentPidfile, startAgent, stopAgent, writeAgentPidfile } from './agent.js';
import { NotInitialisedError } from './errors.js';
import { checkOvsVersion, chooseDatapath, connectOvs, readOvs, writeHostConfig, type HostConfig, type OvsInfo } from './host.js';
import {
  DEFAULT_BRIDGE,
  DEFAULT_DB,
  DEFAULT_RUN_DIR,
  type CleanupResult,
  type ClusterResult,
  type ConnectResult,
  type DisconnectResult,
  type InitOptions,
  type InitResult,
  type LorisOptions,
  type PodInfo,
  type StatusResult,
} from './types.js';
import { parseAddressSpec, parseContainerRef, parseHostAddress, parsePod, parseRemoteHosts, parseSubnet, parseTunnelType, type TunnelType } from './validate.js';

/** A running agent started by `Loris.agent()`. */
export interface AgentHandle {
  stop(): Promise<void>;
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
 * const ep = await l.connect('web1', '10.1.0.5/24', '7');   // { interface: 'eth1', ip, mac, pod, … }
 * await l.close();
 * ```
 */
export class Loris {
  readonly db: string;
  readonly store: string | undefined;
  readonly runDir: string;
  readonly bridge: string;
  private readonly progress: (msg: string) => void;
  private ovsClient: Promise<OvsdbClient> | undefined;

  constructor(opts: LorisOptions = {}) {
    this.db = opts.db ?? DEFAULT_DB;
    this.store = opts.store;
    this.runDir = opts.runDir ?? DEFAULT_RUN_DIR;
    this.bridge = opts.bridge ?? DEFAULT_BRIDGE;
    this.progress = opts.onProgress ?? (() => undefined);
  }

  /** The global options that make a child `loris` process talk to the same host. */
  private cliArgs(): string[] {
    return ['--db', this.db, '--run-dir', this.runDir, '--bridge', this.bridge, ...(this.store ? ['--store', this.store] : [])];
  }

  private ovs(): Promise<OvsdbClient> {
    this.ovsClient ??= connectOvs(this.db);
    this.ovsClient.catch(() => (this.ovsClient = undefined));
    return this.ovsClient;
  }

  private async hostConfig(what: string): Promise<{ info: OvsInfo; config: HostConfig }> {
    const info = await readOvs(await this.ovs());
    if (!info.config) throw new NotInitialisedError(what);
    return { info, config: info.config };
  }

  /**
   * Prepares this host: checks that OVS is reachable and recent enough and offers a datapath, settles
   * the underlay address and tunnel type, records them, registers the host in the store and starts the
   * agent (which creates the bridge and tunnels). Idempotent: a second run changes nothing.
   */
  async init(o: InitOptions = {}): Promise<InitResult> {
    const tunnel: TunnelType = parseTunnelType(o.tunnel ?? 'vxlan');
    const wantIp = o.localIp === undefined ? undefined : parseHostAddress(o.localIp, 'local IP');
    this.progress(`checking Open vSwitch at ${this.db}`);
    const c = await this.ovs();
    const info = await readOvs(c);
    checkOvsVersion(info.version);
    const datapathType = chooseDatapath(info.datapathTypes);
    if (info.config && wantIp !== undefined && info.config.localIp !== wantIp) {
      throw new LorisError('LORIS_INVALID_ARGUMENT', `this host is already initialised with local IP ${info.config.localIp}; run loris cleanup first to change it to ${wantIp}`);
    }
    if (info.config && o.tunnel !== undefined && info.config.tunnel !== tunnel) {
      throw new LorisError('LORIS_INVALID_ARGUMENT', `this host is already initialised with ${info.config.tunnel} tunnels; run loris cleanup first to change to ${tunnel}`);
    }
    const localIp = info.config?.localIp ?? wantIp ?? (await this.detectLocalIp());
    const config: HostConfig = info.config ?? { hostName: hostname(), localIp, tunnel };
    let changed = false;
    if (!info.config) {
      this.progress(`recording host ${config.hostName} ${localIp} (${tunnel})`);
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

  /** The underlay address: the preferred source address of the default route (rtnetlink). */
  private async detectLocalIp(): Promise<string> {
    throw new LorisError('LORIS_INVALID_ARGUMENT', 'could not detect this host\'s underlay address; pass --local-ip <ip>');
  }

  /** Registers remote hosts (by underlay address); the agent builds a tunnel to each. */
  async cluster(remotes: readonly string[]): Promise<ClusterResult> {
    parseRemoteHosts(remotes);
    const { config } = await this.hostConfig('loris cluster');
    parseRemoteHosts(remotes, config.localIp);
    throw unavailable('cluster', 'the store (src/store)');
  }

  /**
   * Gives `container` an interface on `pod`'s network with `address` (`ip[/mask]` or `dhcp`) and
   * returns once the controller has installed its flows. Idempotent.
   */
  async connect(container: string, address: string, pod?: string | number): Promise<ConnectResult> {
    parseContainerRef(container);
    parseAddressSpec(address);
    if (pod !== undefined) parsePod(pod);
    await this.hostConfig('loris connect');
    throw unavailable('connect', 'the store, netlink attach and the controller');
  }

  async disconnect(container: string, pod?: string | number): Promise<DisconnectResult> {
    parseContainerRef(container);
    if (pod !== undefined) parsePod(pod);
    await this.hostConfig('loris disconnect');
    throw unavailable('disconnect', 'the store and netlink');
  }

  /** Removes everything loris created on this host; safe to run twice. */
  async cleanup(): Promise<CleanupResult> {
    const c = await this.ovs();
    const info = await readOvs(c);
    const agentStopped = await stopAgent(this.runDir);
    if (info.config) await writeHostConfig(c, info, undefined);
    return { changed: agentStopped || info.config !== undefined, ports: [], bridges: [], endpoints: 0, agentStopped };
  }

  async status(): Promise<StatusResult> {
    const info = await readOvs(await this.ovs());
    const agent = agentStatus(this.runDir);
    if (!info.config) return { initialised: false, bridge: this.bridge, agent, tunnels: [], endpoints: [], ovsVersion: info.version };
    return {
      initialised: true,
      hostName: info.config.hostName,
      localIp: info.config.localIp,
      ovsVersion: info.version,
      bridge: this.bridge,
      tunnel: info.config.tunnel as TunnelType,
      agent,
      tunnels: [],
      endpoints: [],
    };
  }

  async pods(): Promise<PodInfo[]> {
    await this.hostConfig('loris pods');
    throw unavailable('pods', 'the store');
  }

  async setPodSubnet(pod: string | number, cidr: string): Promise<{ pod: number; subnet: string }> {
    const n = parsePod(pod);
    const s = parseSubnet(cidr);
    await this.hostConfig('loris pod');
    void n;
    void s;
    throw unavailable('pod --subnet', 'the store');
  }

  /** The bridge's flow table, one line per flow, as `ovs-ofctl dump-flows` prints it. */
  async flows(): Promise<string[]> {
    await this.hostConfig('loris flows');
    throw unavailable('flows', 'the OpenFlow connection (src/ofproto)');
  }

  /** Runs the controller in this process until `stop()`; records the pidfile while serving. */
  async agent(): Promise<AgentHandle> {
    await this.hostConfig('loris agent');
    writeAgentPidfile(this.runDir);
    return {
      stop: async () => {
        removeAgentPidfile(this.runDir);
      },
    };
  }

  async close(): Promise<void> {
    const p = this.ovsClient;
    this.ovsClient = undefined;
    if (p) (await p.catch(() => undefined))?.close();
  }
}

function unavailable(what: string, needs: string): LorisError {
  return new LorisError('LORIS_UNAVAILABLE', `loris ${what} needs ${needs}, which this build does not have yet`);
}
