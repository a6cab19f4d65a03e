import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { TimeoutError } from '../errors.js';
import {
  byUuid,
  del,
  eq,
  insert,
  OvsdbClient,
  OvsdbError,
  Replica,
  select,
  update,
  Uuid,
  wait,
  type AnyRow,
  type Operation,
  type Row,
  type Value,
} from '../ovsdb/index.js';
import { isIndex, parseIndexConflict } from './conflict.js';
import { DhcpAllocator, type DhcpOutcome } from './dhcp.js';
import { StoreTxn } from './txn.js';
import { STORE_DB } from './dbfile.js';
import { ensureEmbeddedDb } from './embedded.js';
import {
  EndpointConflictError,
  HostConflictError,
  HostNotFoundError,
  IpTakenError,
  MacTakenError,
  PodInUseError,
  PodNotFoundError,
  PodOutOfRangeError,
  StoreContentionError,
  StoreSetupError,
  type EndpointHolder,
} from './errors.js';
import { broadcastOf, contains, formatIpv4, formatSubnet, parseIpv4, parseSubnet, podSubnetFromPool, validateStaticAddress, type Ipv4Subnet } from './ipam.js';
import { deriveMac, normalizeMac, randomMac } from './mac.js';
import { endpointOf, hostOf, podOf, str, T_CLUSTER, T_ENDPOINT, T_HOST, T_POD, toStrMap, uuidOf, type ClusterColumns, type EndpointColumns, type HostColumns, type PodColumns } from './rows.js';
import {
  DEFAULT_IFNAME,
  GLOBAL_POD,
  MAX_POD,
  MIN_POD,
  TUNNEL_OVERHEAD,
  type AllocateRequest,
  type ClusterConfig,
  type Endpoint,
  type Host,
  type Pod,
  type RegisterHostRequest,
  type StoreEventMap,
  type StoreOptions,
  type TunnelType,
} from './types.js';
import { StoreView } from './view.js';

/** Attempts of one optimistic write before StoreContentionError. */
const MAX_ATTEMPTS = 200;

export interface ClusterPatch {
  tunnelType?: TunnelType;
  /** `null` clears the pool. */
  podSubnetPool?: string | null;
  podPrefixLen?: number;
  underlayMtu?: number;
}

export interface EndpointFilter {
  pod?: number;
  host?: string;
  containerId?: string;
}

const TABLES = [T_CLUSTER, T_HOST, T_POD, T_ENDPOINT] as const;

function checkPodNumber(n: unknown): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < MIN_POD || n > MAX_POD) throw new PodOutOfRangeError(n);
  return n;
}

/**
 * loris's cluster state: hosts, pods and endpoints in the `Loris` OVSDB database, with IPAM. One code
 * path for both deployments: the embedded database in the host's own ovsdb-server, or a Raft cluster
 * (writes go to the leader). Reads come from an in-memory replica kept current by a monitor; writes are
 * single transactions whose uniqueness the schema's indexes enforce, retried on conflict.
 *
 * Every write is idempotent (allocate is keyed by container + interface), so a write whose outcome a
 * disconnect or a leader change hid is sent again and yields the same result.
 */
export class Store extends EventEmitter<StoreEventMap> {
  private readonly view = new StoreView();
  private closed = false;
  private readonly tx: StoreTxn;

  private replica: Replica | undefined;
  private readonly dhcp: DhcpAllocator;
  private readonly waiters = new Set<() => void>();

  private constructor(
    readonly client: OvsdbClient,
    /** This host's name: the default host of allocate() and the one heartbeat() refreshes. */
    readonly hostName: string,
    embedded: boolean,
  ) {
    super();
    this.tx = new StoreTxn(client, embedded, () => this.closed);
    this.dhcp = new DhcpAllocator({ client, view: this.view, txn: (ops) => this.tx.retrying('allocate', () => this.tx.txn(ops)) });
  }

  /** Follows the Loris tables with the OVSDB replica (monitor_cond_since: fast resync after reconnects). */
  private async follow(): Promise<void> {
    const r = await Replica.start(this.client, { database: STORE_DB, tables: Object.fromEntries(TABLES.map((t) => [t, true])) });
    this.replica = r;
    const apply = (table: string, uuid: string, row: Row | undefined): void => {
      for (const { kind, event } of this.view.apply(table, uuid, row)) this.emitEvent(kind, event);
      for (const w of [...this.waiters]) w();
    };
    // Parents first, so endpoints resolve their pod and host; then every later change as it comes.
    for (const t of TABLES) for (const row of r.rows(t)) this.view.apply(t, row._uuid.uuid, row);
    for (const t of TABLES) {
      r.onInsert(t, (row: AnyRow) => apply(t, row._uuid.uuid, row));
      r.onUpdate(t, (_old: AnyRow, row: AnyRow) => apply(t, row._uuid.uuid, row));
      r.onDelete(t, (row: AnyRow) => apply(t, row._uuid.uuid, undefined));
    }
  }

  /** Connects, sets the database up if needed (embedded mode), and loads the replica. */
  static async open(opts: StoreOptions): Promise<Store> {
    const remotes = typeof opts.remotes === 'string' ? opts.remotes.split(',').map((s) => s.trim()) : [...opts.remotes];
    const embedded = opts.embedded && remotes.length === 1 && remotes[0].startsWith('unix:') ? (opts.embedded === true ? {} : opts.embedded) : undefined;
    let client: OvsdbClient;
    try {
      client = await OvsdbClient.connect(remotes, {
        ...(embedded ? {} : { database: STORE_DB }),
        ...(opts.tls ? { ssl: opts.tls } : {}),
        ...(opts.timeoutMs ? { initialConnectTimeoutMs: opts.timeoutMs } : {}),
      });
    } catch (e) {
      throw new StoreSetupError(`can't open the loris store at ${remotes.join(',')}: ${(e as Error).message}; for a cluster, check that its members run and serve the Loris database (docs/store.md)`, { cause: e });
    }
    try {
      // ovsdb-server drops sessions that aren't db-change-aware when a database is added (add-db).
      await client.setDbChangeAware(true);
      if (embedded) {
        await ensureEmbeddedDb(client, remotes[0], embedded);
        client.on('connect', (info) => {
          if (!info.reconnect) return;
          // add-db doesn't survive an ovsdb-server restart: add the database again.
          (async () => {
            await client.setDbChangeAware(true);
            await ensureEmbeddedDb(client, remotes[0], embedded);
          })().catch((e: Error) => client.emit('warning', e));
        });
      } else {
        client.on('connect', () => void client.setDbChangeAware(true).catch(() => undefined));
      }
      if (!(await client.listDbs()).includes(STORE_DB)) {
        throw new StoreSetupError(`${remotes.join(',')} serves no ${STORE_DB} database; run loris init (embedded) or create the cluster database (docs/store.md)`);
      }
      const store = new Store(client, opts.host ?? hostname(), embedded !== undefined);
      await store.follow();
      await store.ensureClusterRow();
      return store;
    } catch (e) {
      client.close();
      throw e;
    }
  }

  private emitEvent<K extends keyof StoreEventMap>(kind: K, event: StoreEventMap[K][0]): void {
    try {
      (this.emit as (k: K, e: StoreEventMap[K][0]) => boolean)(kind, event);
    } catch (e) {
      this.client.emit('warning', e as Error);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.replica?.stop().catch(() => undefined);
    this.client.close();
  }

  // ---- reads (from the replica) ----

  get cluster(): ClusterConfig {
    const c = this.view.cluster;
    if (!c) throw new StoreSetupError('the store has no Cluster row yet; reopen the store');
    return c;
  }

  pods(): Pod[] {
    return [...this.view.pods.values()].sort((a, b) => a.number - b.number);
  }

  pod(number: number): Pod | undefined {
    return this.view.pod(number);
  }

  hosts(): Host[] {
    return [...this.view.hosts.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  host(name: string): Host | undefined {
    return this.view.host(name);
  }

  endpoint(uuid: string): Endpoint | undefined {
    return this.view.endpoints.get(uuid);
  }

  endpoints(f: EndpointFilter = {}): Endpoint[] {
    let list = f.pod !== undefined ? this.view.podEndpoints(this.view.pod(f.pod)?.uuid ?? '') : [...this.view.endpoints.values()];
    if (f.host !== undefined) list = list.filter((e) => e.host === f.host);
    if (f.containerId !== undefined) list = list.filter((e) => e.containerId === f.containerId);
    // Ordered by pod, then address: keys looked up once per endpoint (the view parsed each address once).
    const keyed = list.map((e) => ({ e, ip: this.view.ipOrder(e) }));
    keyed.sort((a, b) => a.e.pod - b.e.pod || a.ip - b.ip);
    return keyed.map((k) => k.e);
  }

  /** MTU for a pod's interfaces: its override, else the underlay MTU minus the largest tunnel overhead in use. */
  effectiveMtu(podNumber: number): number {
    const pod = this.view.pod(podNumber);
    if (pod?.mtu !== undefined) return pod.mtu;
    const c = this.cluster;
    const types = new Set<TunnelType>([c.tunnelType, ...this.hosts().flatMap((h) => (h.tunnelType ? [h.tunnelType] : []))]);
    return c.underlayMtu - Math.max(...[...types].map((t) => TUNNEL_OVERHEAD[t]));
  }

  /** Resolves once `pred(store)` holds (checked now and after every change the replica applies). */
  waitFor(pred: (s: this) => boolean, timeoutMs = 10_000, what = 'store condition'): Promise<void> {
    if (pred(this)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      const check = (): void => {
        try {
          if (!pred(this)) return;
          done();
          resolve();
        } catch (e) {
          done();
          reject(e as Error);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new TimeoutError(what, timeoutMs));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  // ---- cluster ----

  private async ensureClusterRow(): Promise<void> {
    if (this.view.cluster) return;
    const out = await this.tx.txn([insert(T_CLUSTER, { tunnel_type: 'vxlan', pod_prefix_len: 24, underlay_mtu: 1500 })]);
    // maxRows 1: a concurrent opener created it first; either way it exists now.
    if (!out.ok && out.error.error !== 'constraint violation') throw out.error;
    await this.waitFor(() => this.view.cluster !== undefined, 10_000, 'the Cluster row');
  }

  async setCluster(p: ClusterPatch): Promise<ClusterConfig> {
    const row: ClusterColumns = {};
    if (p.tunnelType !== undefined) row.tunnel_type = p.tunnelType;
    if (p.podSubnetPool !== undefined) row.pod_subnet_pool = p.podSubnetPool === null ? [] : formatSubnet(parseSubnet(p.podSubnetPool));
    if (p.podPrefixLen !== undefined) row.pod_prefix_len = p.podPrefixLen;
    if (p.underlayMtu !== undefined) row.underlay_mtu = p.underlayMtu;
    await this.tx.retrying('setCluster', async () => this.tx.mustCommit([update(T_CLUSTER, [], row)]));
    const pool = row.pod_subnet_pool;
    await this.waitFor(
      () => {
        const c = this.view.cluster;
        return (
          !!c &&
          (p.tunnelType === undefined || c.tunnelType === p.tunnelType) &&
          (pool === undefined || c.podSubnetPool === (Array.isArray(pool) ? undefined : pool)) &&
          (p.podPrefixLen === undefined || c.podPrefixLen === p.podPrefixLen) &&
          (p.underlayMtu === undefined || c.underlayMtu === p.underlayMtu)
        );
      },
      10_000,
      'the cluster change',
    );
    return this.cluster;
  }

  // ---- pods ----

  /** Creates pod `number` if missing (subnet: the given one, else one carved from the cluster pool). Idempotent. */
  async ensurePod(number: number, o: { subnet?: string; mtu?: number } = {}): Promise<Pod> {
    checkPodNumber(number);
    const subnet = o.subnet !== undefined ? formatSubnet(parseSubnet(o.subnet)) : undefined;
    let pod = this.view.pod(number) ?? (await this.fetchPod(number));
    if (!pod) {
      const c = this.cluster;
      const pool = c.podSubnetPool ? podSubnetFromPool(parseSubnet(c.podSubnetPool), c.podPrefixLen, number) : undefined;
      const chosen = subnet ?? (pool ? formatSubnet(pool) : undefined);
      const row: PodColumns = { number, subnet: chosen === undefined ? [] : chosen, mtu: o.mtu === undefined ? [] : o.mtu };
      const out = await this.tx.retrying('ensurePod', () => this.tx.txn([insert(T_POD, row)]));
      if (out.ok) return podOf(uuidOf(decodedUuid(out.results[0])), row as Row);
      if (!isIndex(parseIndexConflict(out.error.details), T_POD, ['number'])) throw out.error;
      pod = await this.fetchPod(number);
      if (!pod) throw out.error;
    }
    if (subnet !== undefined && subnet !== pod.subnet) pod = await this.setPodSubnet(number, subnet);
    if (o.mtu !== undefined && o.mtu !== pod.mtu) pod = await this.setPodMtu(number, o.mtu);
    return pod;
  }

  /**
   * Sets (or, with undefined, clears) a pod's subnet. Refused with PodInUseError when an endpoint's address
   * would fall outside it or on its network/broadcast address; endpoint prefixes follow the new subnet.
   */
  async setPodSubnet(number: number, subnet: string | undefined): Promise<Pod> {
    checkPodNumber(number);
    const s = subnet === undefined ? undefined : parseSubnet(subnet);
    for (let attempt = 1; ; attempt++) {
      const pod = await this.requirePod(number);
      const members = await this.tx.selectRows([select(T_ENDPOINT, [eq('pod', new Uuid(pod.uuid))], ['ip'])]);
      const ips = members.map((r) => str(r.ip));
      if (s) {
        const bad = ips.filter((ip) => !fits(s, parseIpv4(ip)));
        if (bad.length) throw new PodInUseError(number, `endpoints ${bad.slice(0, 5).join(', ')}${bad.length > 5 ? ' …' : ''} don't fit in ${formatSubnet(s)}; release them first or choose a subnet that contains them`);
      }
      const ops: Operation[] = [
        wait(T_ENDPOINT, [eq('pod', new Uuid(pod.uuid))], ['ip'], ips.map((ip) => ({ ip })), { timeout: 0 }),
        update(T_POD, [byUuid(pod.uuid)], { subnet: s ? formatSubnet(s) : [] }),
        ...(s ? [update(T_ENDPOINT, [eq('pod', new Uuid(pod.uuid))], { prefix_len: s.prefixLen })] : []),
      ];
      const out = await this.tx.retrying('setPodSubnet', () => this.tx.txn(ops));
      if (out.ok) break;
      if (out.error.error !== 'timed out' || attempt >= MAX_ATTEMPTS) throw out.error;
    }
    const want = s ? formatSubnet(s) : undefined;
    await this.waitFor(() => this.view.pod(number)?.subnet === want, 10_000, `pod ${number}'s subnet`);
    return this.view.pod(number) as Pod;
  }

  async setPodMtu(number: number, mtu: number | undefined): Promise<Pod> {
    const pod = await this.requirePod(number);
    await this.tx.retrying('setPodMtu', async () => this.tx.mustCommit([update(T_POD, [byUuid(pod.uuid)], { mtu: mtu === undefined ? [] : mtu })]));
    await this.waitFor(() => this.view.pod(number)?.mtu === mtu, 10_000, `pod ${number}'s MTU`);
    return this.view.pod(number) as Pod;
  }

  /** Removes an empty pod. Returns false if it did not exist; PodInUseError while endpoints use it. */
  async removePod(number: number): Promise<boolean> {
    checkPodNumber(number);
    const out = await this.tx.retrying('removePod', () => this.tx.txn([del(T_POD, [eq('number', number)])]));
    if (!out.ok) {
      if (out.error.error === 'referential integrity violation') {
        throw new PodInUseError(number, `${this.endpoints({ pod: number }).length || 'some'} endpoints still use it; release them (or gcEndpoints) first`);
      }
      throw out.error;
    }
    await this.waitFor(() => !this.view.pod(number), 10_000, `pod ${number} to leave the replica`).catch(() => undefined);
    return (out.results[0] as { count: number }).count > 0;
  }

  // ---- endpoints ----

  /**
   * Connects a container interface to a pod: validates or allocates its address and MAC and records the
   * endpoint, in one transaction. Stable: the same container + interface gets its existing endpoint back.
   */
  async allocate(req: AllocateRequest): Promise<Endpoint> {
    const podNumber = checkPodNumber(req.pod ?? GLOBAL_POD);
    const containerId = req.container.id.trim();
    if (!containerId) throw new EndpointConflictError('allocate needs a container id');
    const ifname = req.ifname ?? DEFAULT_IFNAME;
    const hostName = req.host ?? this.hostName;
    const wantMac = req.mac === undefined ? undefined : normalizeMac(req.mac);
    const dhcp = req.ip.trim().toLowerCase() === 'dhcp';

    const host = await this.requireHost(hostName);
    let pod = await this.ensurePod(podNumber);
    const base: EndpointColumns = {
      pod: new Uuid(pod.uuid),
      host: new Uuid(host.uuid),
      container_id: containerId,
      container_name: req.container.name ?? '',
      ifname,
      port_name: req.portName ?? '',
      external_ids: toStrMap(req.externalIds),
    };
    const done = async (uuid: string, row: EndpointColumns): Promise<Endpoint> => {
      // Read-your-writes: the monitor update normally arrives before the reply.
      await this.waitFor(() => this.view.endpoints.has(uuid), 10_000, `endpoint ${uuid} in the replica`).catch(() => undefined);
      return this.view.endpoints.get(uuid) ?? endpointOf(uuid, row as Row, () => podNumber, () => host.name);
    };
    const existingEndpoint = async (): Promise<Endpoint | undefined> =>
      this.view.endpointByContainer(containerId, ifname) ?? (await this.fetchEndpoint([eq('container_id', containerId), eq('ifname', ifname)]));

    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const existing = this.view.endpointByContainer(containerId, ifname);
      if (existing) return this.reuse(existing, pod, req, wantMac);
      base.pod = new Uuid(pod.uuid);
      if (dhcp) {
        let outcome: DhcpOutcome;
        try {
          outcome = await this.dhcp.allocate(pod, { containerId, ifname, wantMac, row: base });
        } catch (e) {
          if (!(e instanceof OvsdbError && e.error === 'referential integrity violation')) throw e;
          // The pod (or host) went away between our read and our write.
          pod = await this.ensurePod(podNumber);
          await this.requireHost(hostName);
          continue;
        }
        if (outcome.kind === 'inserted') return done(outcome.uuid, outcome.row);
        if (outcome.kind === 'mac-taken') throw new MacTakenError(outcome.mac, podNumber, await this.holder(outcome.holder));
        const e = await existingEndpoint();
        if (e) return this.reuse(e, pod, req, wantMac);
        continue;
      }
      const { ip, prefixLen } = validateStaticAddress(req.ip, pod.subnet === undefined ? undefined : parseSubnet(pod.subnet));
      const ipHolder = this.view.endpointByIp(pod.uuid, formatIpv4(ip));
      if (ipHolder) throw new IpTakenError(formatIpv4(ip), podNumber, holderOf(ipHolder));
      let mac = wantMac ?? deriveMac(podNumber, ip);
      const macHolder = this.view.endpointByMac(pod.uuid, mac);
      if (macHolder && wantMac) throw new MacTakenError(mac, podNumber, holderOf(macHolder));
      if (macHolder || attempt > 1) mac = wantMac ?? randomMac();
      const row: EndpointColumns = { ...base, mac, ip: formatIpv4(ip), prefix_len: prefixLen, assignment: 'static' };
      const out = await this.tx.retrying('allocate', () => this.tx.txn([insert(T_ENDPOINT, row)]));
      if (out.ok) return done(uuidOf(decodedUuid(out.results[0])), row);
      const conflict = parseIndexConflict(out.error.details);
      if (isIndex(conflict, T_ENDPOINT, ['pod', 'ip'])) throw new IpTakenError(formatIpv4(ip), podNumber, await this.holder(conflict?.existing));
      if (isIndex(conflict, T_ENDPOINT, ['pod', 'mac'])) {
        if (wantMac) throw new MacTakenError(mac, podNumber, await this.holder(conflict?.existing));
      } else if (isIndex(conflict, T_ENDPOINT, ['container_id', 'ifname'])) {
        const e = await existingEndpoint();
        if (e) return this.reuse(e, pod, req, wantMac);
      } else if (out.error.error === 'referential integrity violation') {
        pod = await this.ensurePod(podNumber);
        await this.requireHost(hostName);
      } else throw out.error;
    }
    throw new StoreContentionError(`allocating an address in pod ${podNumber}`, MAX_ATTEMPTS);
  }

  /** An existing endpoint of the container interface, if the request agrees with it. */
  private reuse(e: Endpoint, pod: Pod, req: AllocateRequest, wantMac: string | undefined): Endpoint {
    const sameIp = req.ip.trim().toLowerCase() === 'dhcp' ? e.assignment === 'dhcp' : formatIpv4(validateStaticAddress(req.ip, pod.subnet ? parseSubnet(pod.subnet) : undefined).ip) === e.ip;
    if (e.podUuid === pod.uuid && sameIp && (wantMac === undefined || wantMac === e.mac)) return e;
    throw new EndpointConflictError(
      `container ${e.containerName || e.containerId} interface ${e.ifname} is already connected to pod ${e.pod} as ${e.ip}/${e.prefixLen} (${e.assignment}, MAC ${e.mac}); release it first to connect it differently`,
    );
  }

  /** Sets the OVS port name of an endpoint once it is attached. */
  async setPortName(endpointUuid: string, portName: string): Promise<void> {
    await this.tx.retrying('setPortName', async () => this.tx.mustCommit([update(T_ENDPOINT, [byUuid(endpointUuid)], { port_name: portName })]));
  }

  /** Deletes an endpoint (by UUID or container + interface). Returns false if there was none. Idempotent. */
  async release(target: string | { containerId: string; ifname?: string }): Promise<boolean> {
    const where = typeof target === 'string' ? [byUuid(target)] : [eq('container_id', target.containerId), eq('ifname', target.ifname ?? DEFAULT_IFNAME)];
    const out = await this.tx.retrying('release', async () => this.tx.mustCommit([del(T_ENDPOINT, where)]));
    // Read-your-writes: a dhcp allocation right after must see the address free.
    const gone = (): boolean => (typeof target === 'string' ? !this.view.endpoints.has(target) : !this.view.endpointByContainer(target.containerId, target.ifname ?? DEFAULT_IFNAME));
    await this.waitFor(gone, 10_000, 'the released endpoint to leave the replica').catch(() => undefined);
    return (out[0] as { count: number }).count > 0;
  }

  /**
   * Garbage-collects endpoints whose container no longer exists or whose host left: every endpoint (of
   * `o.host`, if given) for which `isAlive(endpoint, host)` is false is deleted, in one transaction.
   * Returns the endpoints removed.
   */
  async gcEndpoints(isAlive: (e: Endpoint, host: Host | undefined) => boolean | Promise<boolean>, o: { host?: string } = {}): Promise<Endpoint[]> {
    const dead: Endpoint[] = [];
    for (const e of this.endpoints(o.host === undefined ? {} : { host: o.host })) {
      if (!(await isAlive(e, this.view.hosts.get(e.hostUuid)))) dead.push(e);
    }
    if (dead.length) {
      await this.tx.retrying('gcEndpoints', async () => this.tx.mustCommit(dead.map((e) => del(T_ENDPOINT, [byUuid(e.uuid)]))));
      await this.waitFor(() => dead.every((e) => !this.view.endpoints.has(e.uuid)), 10_000, 'collected endpoints to leave the replica').catch(() => undefined);
    }
    return dead;
  }

  // ---- membership ----

  /**
   * Registers a host (this one at init, or a peer by address). Upsert by name; a peer first registered by
   * address only (named after its address) is renamed when it registers itself. A host registering
   * itself (its name is the store's hostName) also refreshes last_seen.
   */
  async registerHost(req: RegisterHostRequest): Promise<Host> {
    const address = formatIpv4(parseIpv4(req.address.trim()));
    const name = req.name ?? address;
    const self = name === this.hostName;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const byName = await this.fetchHost([eq('name', name)]);
      const byAddress = byName?.address === address ? byName : await this.fetchHost([eq('address', address)]);
      const row: HostColumns = { name, address };
      if (req.tunnelType !== undefined) row.tunnel_type = req.tunnelType;
      if (req.agentVersion !== undefined) row.agent_version = req.agentVersion;
      if (self) row.last_seen = Date.now();
      let ops: Operation[];
      if (byName) ops = [update(T_HOST, [byUuid(byName.uuid)], row)];
      else if (byAddress && byAddress.name === byAddress.address) ops = [update(T_HOST, [byUuid(byAddress.uuid)], row)];
      else if (byAddress) throw new HostConflictError(`address ${address} is already registered to host ${byAddress.name}; remove that host first (removeHost) or register under its name`);
      else ops = [insert(T_HOST, { last_seen: 0, ...row })];
      const out = await this.tx.retrying('registerHost', () => this.tx.txn(ops));
      if (out.ok) {
        await this.waitFor(() => this.view.host(name)?.address === address, 10_000, `host ${name}`);
        return this.view.host(name) as Host;
      }
      const conflict = parseIndexConflict(out.error.details);
      if (!isIndex(conflict, T_HOST, ['name']) && !isIndex(conflict, T_HOST, ['address'])) throw out.error;
      // Someone registered the same name or address concurrently: look again.
    }
    throw new StoreContentionError(`registering host ${name}`, MAX_ATTEMPTS);
  }

  /** Refreshes this host's last_seen. */
  async heartbeat(): Promise<void> {
    const n = await this.tx.retrying('heartbeat', async () => this.tx.mustCommit([update(T_HOST, [eq('name', this.hostName)], { last_seen: Date.now() })]));
    if ((n[0] as { count: number }).count === 0) throw new HostNotFoundError(this.hostName);
  }

  /** Removes a host and, in the same transaction, its endpoints. Returns how many endpoints went with it (undefined: no such host). */
  async removeHost(name: string): Promise<number | undefined> {
    const h = this.view.host(name) ?? (await this.fetchHost([eq('name', name)]));
    if (!h) return undefined;
    const out = await this.tx.retrying('removeHost', async () => this.tx.mustCommit([del(T_ENDPOINT, [eq('host', new Uuid(h.uuid))]), del(T_HOST, [byUuid(h.uuid)])]));
    await this.waitFor(() => !this.view.hosts.has(h.uuid), 10_000, `host ${name} to leave the replica`).catch(() => undefined);
    return (out[0] as { count: number }).count;
  }

  // ---- helpers ----

  private async requireHost(name: string): Promise<Host> {
    const h = this.view.host(name) ?? (await this.fetchHost([eq('name', name)]));
    if (!h) throw new HostNotFoundError(name);
    return h;
  }

  private async requirePod(number: number): Promise<Pod> {
    const p = this.view.pod(number) ?? (await this.fetchPod(number));
    if (!p) throw new PodNotFoundError(number);
    return p;
  }

  private async fetchPod(number: number): Promise<Pod | undefined> {
    const [r] = await this.tx.selectRows([select(T_POD, [eq('number', number)])]);
    return r ? podOf(uuidOf(r._uuid), r) : undefined;
  }

  private async fetchHost(where: ReturnType<typeof eq>[]): Promise<Host | undefined> {
    const [r] = await this.tx.selectRows([select(T_HOST, where)]);
    return r ? hostOf(uuidOf(r._uuid), r) : undefined;
  }

  private async fetchEndpoint(where: ReturnType<typeof eq>[]): Promise<Endpoint | undefined> {
    const [r] = await this.tx.selectRows([select(T_ENDPOINT, where)]);
    if (!r) return undefined;
    return endpointOf(uuidOf(r._uuid), r, (p) => this.view.pods.get(p)?.number ?? 0, (h) => this.view.hosts.get(h)?.name ?? '');
  }

  /** Who holds the other row of an index conflict (from the replica, else read from the server). */
  private async holder(uuid: string | undefined): Promise<EndpointHolder | undefined> {
    if (!uuid) return undefined;
    const e = this.view.endpoints.get(uuid) ?? (await this.fetchEndpoint([byUuid(uuid)]));
    return e ? holderOf(e) : undefined;
  }
}

function decodedUuid(r: unknown): Value {
  return (r as { uuid: Uuid }).uuid;
}

function fits(s: Ipv4Subnet, ip: number): boolean {
  return contains(s, ip) && ip !== s.network && ip !== broadcastOf(s);
}

function holderOf(e: Endpoint): EndpointHolder {
  return { uuid: e.uuid, containerId: e.containerId, containerName: e.containerName, ifname: e.ifname, host: e.host, ip: e.ip, mac: e.mac };
}
