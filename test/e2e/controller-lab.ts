import { join } from 'node:path';
import { Lab, type LabContainer, type LabHost } from '../../src/lab/index.js';
import { OvsdbClient } from '../../src/ovsdb/client.js';
import { Store } from '../../src/store/store.js';
import { Controller, type ControllerOptions } from '../../src/controller/controller.js';
import { attach } from '../../src/netlink/attach.js';
import { openRtnl } from '../../src/netlink/rtnl.js';
import { Vswitch } from '../../src/ovsdb/vswitch.js';
import { sh } from '../../src/lab/exec.js';

/** ETHTOOL_STXCSUM, ETHTOOL_STSO, ETHTOOL_SGSO with data 0 through SIOCETHTOOL on argv[1]. */
const OFFLOADS_OFF = `import socket, fcntl, struct, ctypes, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for cmd in (0x17, 0x1f, 0x24):
    ev = ctypes.create_string_buffer(struct.pack('II', cmd, 0))
    fcntl.ioctl(s.fileno(), 0x8946, struct.pack('16sP', sys.argv[1].encode(), ctypes.addressof(ev)))
`;

/**
 * A lab of N emulated hosts, each with a loris Controller (run in this process against the host's own sockets)
 * and a Store client; the shared store is the Loris database added to the first host's ovsdb-server.
 * Used by the controller e2e tests and by bench/{datapath,restart,scale}.ts.
 */

export interface Member {
  c: LabContainer;
  host: LabHost;
  pod: number;
  ip: string;
  mac: string;
}

export class ControllerLab {
  readonly hosts: LabHost[] = [];
  readonly stores = new Map<string, Store>();
  readonly dbs = new Map<string, OvsdbClient>();
  readonly controllers = new Map<string, Controller>();
  readonly members: Member[] = [];
  private controllerDefaults: Partial<ControllerOptions> = {};

  private constructor(readonly lab: Lab) {}

  /**
   * `sharedStore: false`: each host's store is its own (the Loris database in its own ovsdb-server) and knows every
   * host but only its own endpoints — the deployment without a shared store; pair it with `learnRemote`.
   */
  static async create(o: { hosts: number; tunnelType?: 'vxlan' | 'gre'; underlayMtu?: number; start?: boolean; sharedStore?: boolean; controller?: Partial<ControllerOptions> }): Promise<ControllerLab> {
    const lab = await Lab.create();
    const cl = new ControllerLab(lab);
    try {
      cl.hosts.push(...(await Promise.all(Array.from({ length: o.hosts }, (_, i) => lab.addHost(`h${i + 1}`)))));
      const shared = o.sharedStore !== false;
      for (const h of cl.hosts) {
        const at = shared ? cl.hosts[0] : h;
        const store = await Store.open({ remotes: `unix:${at.ovs.dbSock}`, host: h.name, embedded: { control: at.ovs.dbCtl, file: join(lab.dir, `loris-${at.name}.db`) } });
        cl.stores.set(h.name, store);
        cl.dbs.set(h.name, await OvsdbClient.connect(`unix:${h.ovs.dbSock}`));
        for (const peer of shared ? [h] : cl.hosts) await store.registerHost({ name: peer.name, address: peer.underlayIp });
      }
      for (const h of shared ? [cl.hosts[0]] : cl.hosts) await cl.store(h.name).setCluster({ tunnelType: o.tunnelType ?? 'vxlan', underlayMtu: o.underlayMtu ?? 1500 });
      cl.controllerDefaults = o.controller ?? {};
      if (o.start !== false) await Promise.all(cl.hosts.map((h) => cl.startController(h)));
    } catch (e) {
      await cl.close();
      throw e;
    }
    return cl;
  }

  store(host: string): Store {
    const s = this.stores.get(host);
    if (!s) throw new Error(`no store client for ${host}`);
    return s;
  }

  controller(host: string): Controller {
    const c = this.controllers.get(host);
    if (!c) throw new Error(`no controller on ${host}`);
    return c;
  }

  member(name: string): Member {
    const m = this.members.find((x) => x.c.name === name);
    if (!m) throw new Error(`no member ${name}`);
    return m;
  }

  /** A (not yet started) controller for host `h`, registered as that host's controller. */
  newController(h: LabHost, extra: Partial<ControllerOptions> = {}): Controller {
    const c = new Controller({
      ovsdb: this.dbs.get(h.name) as OvsdbClient, store: this.store(h.name), host: h.name,
      mgmtSocket: this.lab.mgmtSocket(h, 'br-int'), vswitchdCtl: h.ovs.vswitchdCtl, reconnectMaxMs: 200, ...this.controllerDefaults, ...extra,
    });
    c.on('error', () => undefined);
    this.controllers.set(h.name, c);
    return c;
  }

  async startController(h: LabHost, extra: Partial<ControllerOptions> = {}): Promise<Controller> {
    const c = this.newController(h, extra);
    await c.start();
    return c;
  }

  /**
   * A container in `pod` on `h` with a static address, plumbed the way `loris connect` does it with loris's own
   * code: store endpoint, veth by rtnetlink (`attach`: host end in the host's namespace, peer born in the
   * container's), OVS port by OVSDB (`Vswitch.addPort`).
   */
  async addMember(name: string, h: LabHost, pod: number, ip: string, kind: 'netns' | 'docker' = 'netns'): Promise<Member> {
    const c = await this.lab.addContainer(name, kind);
    const mac = `02:00:00:${pod.toString(16).padStart(2, '0')}:${(this.members.length + 1).toString(16).padStart(2, '0')}:01`;
    const hostIfname = `v${name}`.slice(0, 15);
    const store = this.store(h.name);
    await store.allocate({ pod, container: { id: name }, ip, mac, host: h.name, portName: hostIfname });
    const host = openRtnl({ netns: { name: h.netns } });
    try {
      await attach({ netns: c.kind === 'netns' ? { name: c.netns } : { pid: c.pid }, host, hostIfname, mac, mtu: store.effectiveMtu(pod), addresses: [`${ip}/24`], container: name });
    } finally {
      host.close();
    }
    await new Vswitch(this.dbs.get(h.name) as OvsdbClient).addPort('br-int', hostIfname);
    const m = { c, host: h, pod, ip, mac };
    this.members.push(m);
    return m;
  }

  /**
   * The userspace datapath receives from the veths with AF_PACKET: let a member hand it MTU-sized, checksummed
   * frames (as with any netdev-datapath deployment) on both veth ends, or TCP stalls.
   * (ethtool -K DEV tx off tso off gso off, done with SIOCETHTOOL since ethtool isn't installed here.)
   */
  async offloadsOff(m: Member): Promise<void> {
    await sh(this.lab.inContainer(m.c, ['/usr/bin/python3', '-c', OFFLOADS_OFF, 'eth1']));
    await sh(this.lab.inHost(m.host, ['/usr/bin/python3', '-c', OFFLOADS_OFF, `v${m.c.name}`]));
  }

  async reaches(a: Member, b: Member, count = 1): Promise<boolean> {
    return (await this.lab.ping(a.c, b.ip, { count, timeoutS: 1, intervalS: 0.2 })).ok;
  }

  async close(): Promise<void> {
    for (const c of this.controllers.values()) await c.stop().catch(() => undefined);
    for (const s of this.stores.values()) await s.close().catch(() => undefined);
    for (const d of this.dbs.values()) d.close();
    await this.lab.dispose();
  }
}
