import type { Row } from '../ovsdb/index.js';
import { parseIpv4 } from './ipam.js';
import { clusterOf, endpointOf, hostOf, podOf, T_CLUSTER, T_ENDPOINT, T_HOST, T_POD } from './rows.js';
import type { ClusterConfig, Endpoint, Host, Pod, StoreEvent, StoreEventMap } from './types.js';

/*
 * The Store's in-memory view of the Loris database: typed records keyed by UUID plus the lookups the
 * IPAM needs (pod by number, endpoint by [pod, ip] / [pod, mac] / [container, ifname]: the same keys as
 * the schema's indexes). Fed row by row from the OVSDB replica; `apply` returns the event to emit.
 */

type Emitted = { [K in keyof StoreEventMap]: { kind: K; event: StoreEventMap[K][0] } }[keyof StoreEventMap];

const podIpKey = (podUuid: string, ip: string): string => `${podUuid}|${ip}`;
const containerKey = (id: string, ifname: string): string => `${id}|${ifname}`;

export class StoreView {
  cluster: ClusterConfig | undefined;
  readonly pods = new Map<string, Pod>();
  readonly hosts = new Map<string, Host>();
  readonly endpoints = new Map<string, Endpoint>();
  private readonly podByNumber = new Map<number, Pod>();
  private readonly hostByName = new Map<string, Host>();
  private readonly byPodIp = new Map<string, Endpoint>();
  private readonly byPodMac = new Map<string, Endpoint>();
  private readonly byContainer = new Map<string, Endpoint>();
  /** Pod UUID → its endpoints' IPv4 addresses as numbers (what lowest-free allocation scans). */
  private readonly podIps = new Map<string, Set<number>>();
  /** Endpoint UUID → its address as a number (parsed once per row change; -1 for text that isn't a dotted quad). */
  private readonly ipNumbers = new Map<string, number>();
  /** Pod UUID → its endpoints' UUIDs. */
  private readonly podMembers = new Map<string, Set<string>>();
  private readonly rawEndpoints = new Map<string, Row>();

  pod(number: number): Pod | undefined {
    return this.podByNumber.get(number);
  }

  host(name: string): Host | undefined {
    return this.hostByName.get(name);
  }

  endpointByIp(podUuid: string, ip: string): Endpoint | undefined {
    return this.byPodIp.get(podIpKey(podUuid, ip));
  }

  endpointByMac(podUuid: string, mac: string): Endpoint | undefined {
    return this.byPodMac.get(podIpKey(podUuid, mac));
  }

  endpointByContainer(containerId: string, ifname: string): Endpoint | undefined {
    return this.byContainer.get(containerKey(containerId, ifname));
  }

  podAddresses(podUuid: string): ReadonlySet<number> | undefined {
    return this.podIps.get(podUuid);
  }

  /** An endpoint's address as a number, for ordering (-1 for text that isn't a dotted quad). */
  ipOrder(e: Endpoint): number {
    return this.ipNumbers.get(e.uuid) ?? -1;
  }

  podEndpoints(podUuid: string): Endpoint[] {
    return [...(this.podMembers.get(podUuid) ?? [])].map((u) => this.endpoints.get(u)).filter((e): e is Endpoint => e !== undefined);
  }

  /** Applies one row change (`row` undefined: deleted). Returns the event to emit, if any. */
  apply(table: string, uuid: string, row: Row | undefined): Emitted[] {
    switch (table) {
      case T_CLUSTER: {
        const old = this.cluster?.uuid === uuid ? this.cluster : undefined;
        this.cluster = row ? clusterOf(uuid, row) : old ? undefined : this.cluster;
        const ev = change(old, row ? this.cluster : undefined);
        return ev ? [{ kind: 'cluster', event: ev }] : [];
      }
      case T_HOST: {
        const old = this.hosts.get(uuid);
        if (old) this.hostByName.delete(old.name);
        const now = row ? hostOf(uuid, row) : undefined;
        if (now) {
          this.hosts.set(uuid, now);
          this.hostByName.set(now.name, now);
        } else this.hosts.delete(uuid);
        const ev = change(old, now);
        return [...(ev ? [{ kind: 'host' as const, event: ev }] : []), ...this.reresolve((e) => e.hostUuid === uuid && e.host !== (now?.name ?? ''))];
      }
      case T_POD: {
        const old = this.pods.get(uuid);
        if (old) this.podByNumber.delete(old.number);
        const now = row ? podOf(uuid, row) : undefined;
        if (now) {
          this.pods.set(uuid, now);
          this.podByNumber.set(now.number, now);
        } else this.pods.delete(uuid);
        const ev = change(old, now);
        return [...(ev ? [{ kind: 'pod' as const, event: ev }] : []), ...this.reresolve((e) => e.podUuid === uuid && e.pod === 0)];
      }
      case T_ENDPOINT: {
        const old = this.endpoints.get(uuid);
        if (old) this.unindex(old);
        let now: Endpoint | undefined;
        if (row) {
          this.rawEndpoints.set(uuid, row);
          now = this.resolve(uuid, row);
          this.index(now);
        } else this.rawEndpoints.delete(uuid);
        const ev = change(old, now);
        return ev ? [{ kind: 'endpoint', event: ev }] : [];
      }
      default:
        return [];
    }
  }

  private resolve(uuid: string, row: Row): Endpoint {
    return endpointOf(
      uuid,
      row,
      (p) => this.pods.get(p)?.number ?? 0,
      (h) => this.hosts.get(h)?.name ?? '',
    );
  }

  /** Endpoints that arrived before their pod/host row (or whose host was renamed) get their names now. */
  private reresolve(stale: (e: Endpoint) => boolean): Emitted[] {
    const out: Emitted[] = [];
    for (const e of [...this.endpoints.values()].filter(stale)) {
      const row = this.rawEndpoints.get(e.uuid);
      if (!row) continue;
      this.unindex(e);
      const now = this.resolve(e.uuid, row);
      this.index(now);
      out.push({ kind: 'endpoint', event: { type: 'update', old: e, new: now } });
    }
    return out;
  }

  private index(e: Endpoint): void {
    this.endpoints.set(e.uuid, e);
    this.byPodIp.set(podIpKey(e.podUuid, e.ip), e);
    this.byPodMac.set(podIpKey(e.podUuid, e.mac), e);
    this.byContainer.set(containerKey(e.containerId, e.ifname), e);
    let s = this.podMembers.get(e.podUuid);
    if (!s) this.podMembers.set(e.podUuid, (s = new Set()));
    s.add(e.uuid);
    const ip = ipNumber(e.ip);
    this.ipNumbers.set(e.uuid, ip ?? -1);
    if (ip !== undefined) {
      let ips = this.podIps.get(e.podUuid);
      if (!ips) this.podIps.set(e.podUuid, (ips = new Set()));
      ips.add(ip);
    }
  }

  private unindex(e: Endpoint): void {
    this.endpoints.delete(e.uuid);
    const del = <T>(m: Map<string, T & { uuid: string }>, k: string): void => {
      if (m.get(k)?.uuid === e.uuid) m.delete(k);
    };
    del(this.byPodIp, podIpKey(e.podUuid, e.ip));
    del(this.byPodMac, podIpKey(e.podUuid, e.mac));
    del(this.byContainer, containerKey(e.containerId, e.ifname));
    this.ipNumbers.delete(e.uuid);
    const s = this.podMembers.get(e.podUuid);
    s?.delete(e.uuid);
    if (s?.size === 0) this.podMembers.delete(e.podUuid);
    const ip = ipNumber(e.ip);
    const ips = this.podIps.get(e.podUuid);
    if (ip !== undefined && ips && this.byPodIp.get(podIpKey(e.podUuid, e.ip)) === undefined) {
      ips.delete(ip);
      if (ips.size === 0) this.podIps.delete(e.podUuid);
    }
  }
}

/** The address as a number, or undefined for text that isn't a dotted quad (a row written by another tool). */
function ipNumber(ip: string): number | undefined {
  try {
    return parseIpv4(ip);
  } catch {
    return undefined;
  }
}

function change<T>(old: T | undefined, now: T | undefined): StoreEvent<T> | undefined {
  if (old && now) return { type: 'update', old, new: now };
  if (now) return { type: 'insert', new: now };
  if (old) return { type: 'delete', old };
  return undefined;
}
