import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LorisError } from '../errors.js';
import type { Vswitch } from '../ovsdb/vswitch.js';
import { cleanupRunSync, sweepStaleRuns } from './cleanup.js';
import { LabDockerEngine } from './docker.js';
import { run, sh } from './exec.js';
import { LAB_ROOT, newRunId } from './names.js';
import { addNetns, addVethPair, attachIn, inNetns, withRtnl } from './netns.js';
import { appctl, initOpenVswitch, ofctl, openVswitch, ovsPaths, parseBridgeArgs, startOvsdbServer, startVswitchd, vsctl, type LabBridgeOptions, type OvsPaths } from './ovs.js';

export interface LabOptions {
  /** Underlay subnet prefix; host i gets `${underlayPrefix}.${10 + i}`. TEST-NET-1 by default. */
  underlayPrefix?: string;
  /** Sweep leftovers of crashed lab runs before starting (default true). */
  sweep?: boolean;
}

/** An emulated host: a network namespace with its own ovsdb-server and ovs-vswitchd (userspace datapath). */
export interface LabHost {
  readonly name: string;
  readonly netns: string;
  readonly ovs: OvsPaths;
  readonly underlayIp: string;
  readonly index: number;
}

export type LabContainer =
  | { readonly kind: 'netns'; readonly name: string; readonly netns: string; readonly nsPath: string }
  | { readonly kind: 'docker'; readonly name: string; readonly id: string; readonly pid: number; readonly nsPath: string };

export interface PlugOptions {
  bridge?: string;
  ifname?: string;
  ip?: string;
  mac?: string;
  ofport?: number;
  mtu?: number;
}

const isStringArray = (x: readonly string[] | LabBridgeOptions): x is readonly string[] => Array.isArray(x);

let exitHookInstalled = false;
const liveLabs = new Set<Lab>();

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const lab of liveLabs) lab.disposeSync();
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      for (const lab of liveLabs) lab.disposeSync();
      process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1));
    });
  }
}

/**
 * A set of emulated hosts joined by an underlay, on one machine. Everything it creates is named with
 * its run id and removed by `dispose()`, by a process-exit handler, or by the next run's stale sweep.
 */
export class Lab {
  readonly runId: string;
  readonly dir: string;
  readonly fabricNetns: string;
  readonly underlayPrefix: string;
  readonly hosts = new Map<string, LabHost>();
  readonly containers = new Map<string, LabContainer>();
  private engine: LabDockerEngine | undefined;
  private enginePromise: Promise<LabDockerEngine> | undefined;
  private disposed = false;
  private fabricReady: Promise<void> | undefined;
  private plugCount = 0;
  /** One loris OVSDB client per host, opened on first use, closed by dispose. */
  private readonly vswitches = new Map<string, Promise<Vswitch>>();
  private readonly openClients = new Set<Vswitch>();

  private constructor(opts: LabOptions) {
    this.runId = newRunId();
    this.dir = join(LAB_ROOT, this.runId);
    this.fabricNetns = `${this.runId}-fab`;
    this.underlayPrefix = opts.underlayPrefix ?? '192.0.2';
  }

  static async create(opts: LabOptions = {}): Promise<Lab> {
    if (process.getuid?.() !== 0) throw new LorisError('LORIS_LAB_ROOT', 'the lab needs root (network namespaces and OVS daemons); run as root');
    if (opts.sweep !== false) sweepStaleRuns();
    const lab = new Lab(opts);
    mkdirSync(lab.dir, { recursive: true });
    writeFileSync(join(lab.dir, 'owner.pid'), String(process.pid));
    installExitHook();
    liveLabs.add(lab);
    return lab;
  }

  private ensureFabric(): Promise<void> {
    this.fabricReady ??= (async () => {
      await addNetns(this.fabricNetns);
      await withRtnl(this.fabricNetns, (r) => r.createLink({ name: 'fab0', kind: 'bridge', up: true }));
    })();
    return this.fabricReady;
  }

  /** Stands up a host: netns, private ovsdb-server + ovs-vswitchd, underlay on `br-phy`. */
  async addHost(name: string): Promise<LabHost> {
    if (this.hosts.has(name)) throw new LorisError('LORIS_LAB_EXISTS', `lab host ${name} already exists`);
    const index = this.hosts.size + 1;
    const netns = `${this.runId}-${name}`;
    const host: LabHost = { name, netns, ovs: ovsPaths(join(this.dir, name)), underlayIp: `${this.underlayPrefix}.${10 + index}`, index };
    this.hosts.set(name, host);
    await this.ensureFabric();
    await addNetns(netns);
    await startOvsdbServer(netns, host.ovs);
    await initOpenVswitch(await this.vswitch(host));
    await startVswitchd(netns, host.ovs);
    // Underlay: veth ul0 (host) <-> <name> (fabric bridge). The underlay IP sits on br-phy's internal port,
    // which the userspace datapath needs for tunnels.
    await addVethPair({ ns: this.fabricNetns, name }, { ns: netns, name: 'ul0' });
    await withRtnl(this.fabricNetns, async (r) => r.setLink(name, { master: (await r.link('fab0')).index, up: true }));
    await withRtnl(netns, (r) => r.setUp('ul0'));
    const vs = await this.vswitch(host);
    // Two commits, one wait: the port's wait covers the bridge's change too (cur_cfg >= the later next_cfg).
    await vs.addBridge('br-phy', { datapathType: 'netdev', wait: false });
    await vs.addPort('br-phy', 'ul0');
    await withRtnl(netns, async (r) => {
      const brPhy = (await r.link('br-phy')).index;
      await r.addAddress(brPhy, `${host.underlayIp}/24`);
      await r.setUp(brPhy);
    });
    return host;
  }

  host(name: string): LabHost {
    const h = this.hosts.get(name);
    if (!h) throw new LorisError('LORIS_LAB_NOT_FOUND', `no lab host ${name}`);
    return h;
  }

  /**
   * Adds a netdev bridge to a host (the lab's bootstrap; loris's own `init` does this in the product), through
   * loris's OVSDB client. `extra` is typed options, or ovs-vsctl-style `-- set bridge BRIDGE key=value…`
   * (see `parseBridgeArgs`).
   */
  async addBridge(host: LabHost, bridge: string, extra: readonly string[] | LabBridgeOptions = []): Promise<void> {
    const o = isStringArray(extra) ? parseBridgeArgs(bridge, extra) : extra;
    await (await this.vswitch(host)).addBridge(bridge, { datapathType: 'netdev', ...o });
  }

  /** Adds a tunnel port (vxlan, gre, geneve) on `bridge` of `from` towards `to`. */
  async addTunnel(from: LabHost, to: LabHost, o: { bridge: string; type: 'vxlan' | 'gre' | 'geneve'; port: string; key?: string; ofport?: number }): Promise<void> {
    await (await this.vswitch(from)).addPort(o.bridge, o.port, {
      type: o.type,
      options: { remote_ip: to.underlayIp, local_ip: from.underlayIp, key: o.key ?? 'flow' },
      ofportRequest: o.ofport || undefined,
    });
  }

  /** A docker engine for this run, started on first use. */
  docker(): Promise<LabDockerEngine> {
    this.enginePromise ??= (async () => {
      const e = new LabDockerEngine(this.dir, this.runId);
      this.engine = e;
      await e.start();
      return e;
    })();
    return this.enginePromise;
  }

  /** A container: a bare network namespace (fast) or a real Docker container with no network. */
  async addContainer(name: string, kind: 'netns' | 'docker' = 'netns'): Promise<LabContainer> {
    if (this.containers.has(name)) throw new LorisError('LORIS_LAB_EXISTS', `lab container ${name} already exists`);
    let c: LabContainer;
    if (kind === 'netns') {
      const netns = `${this.runId}-${name}`;
      await addNetns(netns);
      c = { kind, name, netns, nsPath: `/var/run/netns/${netns}` };
    } else {
      const e = await this.docker();
      const { id, pid } = await e.runContainer(`${this.runId}-${name}`);
      c = { kind, name, id, pid, nsPath: `/proc/${pid}/ns/net` };
    }
    this.containers.set(name, c);
    return c;
  }

  /** argv that runs a host binary inside the container's network namespace. */
  inContainer(c: LabContainer, argv: string[]): string[] {
    return c.kind === 'netns' ? inNetns(c.netns, argv) : ['nsenter', '-t', String(c.pid), '-n', ...argv];
  }

  /** argv that runs a host binary inside a lab host's namespace. */
  inHost(h: LabHost, argv: string[]): string[] {
    return inNetns(h.netns, argv);
  }

  /** Runs a command inside a container's network namespace and returns stdout (throws on failure). */
  execIn(c: LabContainer, argv: string[], timeoutMs = 30_000): Promise<string> {
    return sh(this.inContainer(c, argv), { timeoutMs });
  }

  /** True when `count` pings from `c` to `ip` are answered (at least one reply). */
  async ping(c: LabContainer, ip: string, o: { count?: number; timeoutS?: number; intervalS?: number } = {}): Promise<{ ok: boolean; received: number; transmitted: number }> {
    const r = await run(this.inContainer(c, ['ping', '-n', '-q', '-c', String(o.count ?? 1), '-W', String(o.timeoutS ?? 1), '-i', String(o.intervalS ?? 0.2), ip]), { timeoutMs: 60_000 });
    const m = /(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(r.stdout);
    const transmitted = m ? Number(m[1]) : 0;
    const received = m ? Number(m[2]) : 0;
    return { ok: received > 0, received, transmitted };
  }

  /**
   * Lab-side plumbing of a container into a host's bridge (veth, eth1 inside, OVS port).
   * Used by the foundation tests only; the product does this in `loris connect`.
   * The links go through loris's own `attach` (issue 5), the OVS port through loris's OVSDB client.
   */
  async plug(c: LabContainer, h: LabHost, o: PlugOptions = {}): Promise<{ hostIf: string; ofport: number }> {
    const bridge = o.bridge ?? 'br-int';
    const ifname = o.ifname ?? 'eth1';
    const hostIf = `v${c.name}`.slice(0, 15);
    this.plugCount++;
    // loris's own attach: peer born in the container as `ifname` with its MAC/MTU, address, both ends up.
    await attachIn(h.netns, c.kind === 'netns' ? c.netns : { pid: c.pid }, { hostIfname: hostIf, ifname, mac: o.mac, mtu: o.mtu, addresses: o.ip ? [o.ip] : [] });
    const port = await (await this.vswitch(h)).addPort(bridge, hostIf, { ofportRequest: o.ofport || undefined });
    // As `ovs-vsctl get interface … ofport` read it: -1 when ovs-vswitchd could not open the port.
    return { hostIf, ofport: port.ofport ?? -1 };
  }

  /**
   * The host's loris OVSDB client (Vswitch helpers), opened on first use and closed by dispose. A failed
   * connect is not cached, so the next call tries again.
   */
  private vswitch(h: LabHost): Promise<Vswitch> {
    let p = this.vswitches.get(h.name);
    if (!p) {
      const opening = openVswitch(h.ovs).then((vs) => {
        if (this.disposed) {
          vs.client.close();
          throw new LorisError('LORIS_LAB_DISPOSED', `lab ${this.runId} was disposed while connecting to ${h.name}'s ovsdb-server; create a new Lab`);
        }
        this.openClients.add(vs);
        return vs;
      });
      opening.catch(() => {
        if (this.vswitches.get(h.name) === opening) this.vswitches.delete(h.name);
      });
      this.vswitches.set(h.name, opening);
      p = opening;
    }
    return p;
  }

  /** Test observers bound to a host. */
  vsctl(h: LabHost, args: string[]): Promise<string> {
    return vsctl(h.ovs, args);
  }
  ofctl(h: LabHost, args: string[]): Promise<string> {
    return ofctl(h.ovs, args);
  }
  appctl(h: LabHost, args: string[]): Promise<string> {
    return appctl(h.ovs, args);
  }
  /** The unix socket path of a bridge's OpenFlow management socket. */
  mgmtSocket(h: LabHost, bridge: string): string {
    return join(h.ovs.dir, `${bridge}.mgmt`);
  }

  /** Everything this run created is torn down. Safe to call twice. */
  async dispose(): Promise<void> {
    this.disposeSync();
  }

  disposeSync(): void {
    if (this.disposed) return;
    this.disposed = true;
    liveLabs.delete(this);
    // Close the OVSDB sessions first (socket destroy is synchronous) so nothing reconnects to daemons being stopped.
    for (const vs of this.openClients) vs.client.close();
    this.openClients.clear();
    this.vswitches.clear();
    cleanupRunSync(this.runId);
  }
}
