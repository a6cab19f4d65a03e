import { eq, insert, OvsdbError, select, Uuid, type OvsdbClient, type Operation, type SelectResult } from '../ovsdb/index.js';
import { isIndex, parseIndexConflict } from './conflict.js';
import { NoSubnetError, StoreContentionError, SubnetExhaustedError } from './errors.js';
import { formatIpv4, lowestFreeN, parseSubnet } from './ipam.js';
import { deriveMac, randomMac } from './mac.js';
import { T_ENDPOINT, type EndpointColumns } from './rows.js';
import type { Pod } from './types.js';
import type { StoreView } from './view.js';

/*
 * Lowest-free dhcp allocation for many concurrent callers and several clients, fair and without gaps.
 *
 * Strict lowest-free means every allocator in the cluster wants the same next address. Racing for it
 * with optimistic inserts alone (the [pod, ip] index decides) is correct but unfair: ovsdb-server serves
 * its sessions in a fixed order, so the same client can lose every race, and a lagging replica makes a
 * loser walk up one stale address per round trip. So, per pod, each Store:
 *
 *  1. queues its callers' requests and sends them as one transaction (a batch: the k lowest free addresses,
 *     one insert each);
 *  2. holds the OVSDB lock `loris_ipam_<pod uuid>` around each batch. ovsdb-server grants a lock to its
 *     waiters in request order, so the clients take turns. (Taking it only after a conflict was tried: the
 *     clients that kept winning never took it, and the holder starved.) It costs an uncontended allocation
 *     one more round trip. The lock is an optimisation, not the guard: if it can't be had in time the batch
 *     goes anyway, and the indexes still decide;
 *  3. after an index conflict (the replica lagged behind the previous lock holder's commit), retries with
 *     the addresses that conflicted excluded and the next candidates checked by small `select`s riding in the
 *     same transaction.
 *
 * A transaction that fails is sent again as a whole: a batch that did commit before a disconnect comes back
 * as container conflicts, which the Store resolves by reading the existing endpoints.
 */

const BATCH_MAX = 64;
const PROBE_WINDOW = 16;
const MAX_ATTEMPTS = 100;
const LOCK_WAIT_MS = 2000;

export interface DhcpRequest {
  readonly containerId: string;
  readonly ifname: string;
  readonly wantMac: string | undefined;
  /** Every Endpoint column except ip, prefix_len, mac and assignment. */
  readonly row: Readonly<EndpointColumns>;
}

export type DhcpOutcome =
  /** Inserted with this uuid and row. */
  | { readonly kind: 'inserted'; readonly uuid: string; readonly row: EndpointColumns }
  /** The container interface already has an endpoint (created elsewhere, or by a retried batch). */
  | { readonly kind: 'exists' }
  /** The user's MAC is held by another endpoint (uuid of the holder, when known). */
  | { readonly kind: 'mac-taken'; readonly mac: string; readonly holder: string | undefined };

export interface DhcpDeps {
  readonly client: OvsdbClient;
  readonly view: StoreView;
  /** One transaction; a failed one resolves with the error and the results before it (Store.txn). */
  txn(ops: readonly Operation[]): Promise<{ ok: true; results: unknown[] } | { ok: false; error: OvsdbError; results: unknown[] }>;
}

interface Turn {
  readonly lock: string;
  held: boolean;
}

interface Pending {
  readonly req: DhcpRequest;
  randomizeMac: boolean;
  resolve(o: DhcpOutcome): void;
  reject(e: Error): void;
}

export class DhcpAllocator {
  private readonly queues = new Map<string, { pod: Pod; pending: Pending[]; running: boolean }>();
  private readonly lockWaiters = new Map<string, () => void>();

  constructor(private readonly d: DhcpDeps) {
    d.client.on('locked', (id) => this.lockWaiters.get(id)?.());
  }

  /** Queues a request for pod `pod`'s next free address. */
  allocate(pod: Pod, req: DhcpRequest): Promise<DhcpOutcome> {
    if (pod.subnet === undefined) return Promise.reject(new NoSubnetError(pod.number));
    return new Promise((resolve, reject) => {
      let q = this.queues.get(pod.uuid);
      if (!q) this.queues.set(pod.uuid, (q = { pod, pending: [], running: false }));
      q.pod = pod;
      q.pending.push({ req, randomizeMac: false, resolve, reject });
      if (!q.running) {
        q.running = true;
        void this.drain(pod.uuid);
      }
    });
  }

  private async drain(podUuid: string): Promise<void> {
    const q = this.queues.get(podUuid);
    if (!q) return;
    try {
      while (q.pending.length) {
        // One request per container interface per batch (a duplicate waits for the next one).
        const keys = new Set<string>();
        const batch: Pending[] = [];
        const rest: Pending[] = [];
        for (const p of q.pending) {
          const k = `${p.req.containerId}|${p.req.ifname}`;
          if (batch.length < BATCH_MAX && !keys.has(k)) {
            keys.add(k);
            batch.push(p);
          } else rest.push(p);
        }
        q.pending = rest;
        // Lock names are OVSDB ids: letters, digits and underscores.
        const turn: Turn = { lock: `loris_ipam_${podUuid.replaceAll('-', '_')}`, held: false };
        turn.held = await this.lock(turn.lock);
        try {
          await this.run(q.pod, batch, turn);
        } catch (e) {
          for (const p of batch) p.reject(e as Error);
        } finally {
          if (turn.held) await this.d.client.unlock(turn.lock).catch(() => undefined);
        }
      }
    } finally {
      q.running = false;
      if (q.pending.length === 0) this.queues.delete(podUuid);
      else {
        q.running = true;
        void this.drain(podUuid);
      }
    }
  }

  /** Takes the lock, waiting up to LOCK_WAIT_MS for our turn. False: go without it (the indexes still decide). */
  private async lock(id: string): Promise<boolean> {
    let granted: () => void = () => undefined;
    const turn = new Promise<void>((r) => (granted = r));
    this.lockWaiters.set(id, granted);
    try {
      if (await this.d.client.lock(id)) return true;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), LOCK_WAIT_MS)));
      const ok = await Promise.race([turn.then(() => true), timeout]);
      clearTimeout(timer);
      if (!ok) await this.d.client.unlock(id).catch(() => undefined);
      return ok;
    } catch {
      // Withdraw the request: the client re-sends wanted locks after a reconnect, and a lock granted to a
      // batch that no longer waits for it would stall every other client's turn.
      this.d.client.unlock(id).catch(() => undefined);
      return false;
    } finally {
      this.lockWaiters.delete(id);
    }
  }

  /** Allocates addresses for `batch` in one transaction, retrying on conflicts; settles every request. */
  private async run(pod: Pod, batch: Pending[], turn: Turn): Promise<void> {
    const subnet = parseSubnet(pod.subnet ?? '');
    const excluded = new Set<number>();
    let probe = false;
    let live = batch;
    for (let attempt = 1; live.length && attempt <= MAX_ATTEMPTS; attempt++) {
      const used = this.d.view.podAddresses(pod.uuid);
      const free = lowestFreeN(subnet, (x) => used?.has(x) === true || excluded.has(x), live.length + (probe ? PROBE_WINDOW : 0));
      if (free.length < live.length) {
        // Not enough room: the latest requests get the error, the others the addresses there are.
        for (const p of live.slice(free.length)) p.reject(new SubnetExhaustedError(pod.number, pod.subnet ?? '', used?.size ?? 0));
        live = live.slice(0, free.length);
        if (!live.length) return;
      }
      const rows = live.map((p, i) => {
        const ip = free[i];
        let mac = p.req.wantMac ?? deriveMac(pod.number, ip);
        if (p.randomizeMac || (!p.req.wantMac && this.d.view.endpointByMac(pod.uuid, mac))) mac = randomMac();
        const row: EndpointColumns = { ...p.req.row, ip: formatIpv4(ip), prefix_len: subnet.prefixLen, mac, assignment: 'dhcp' };
        return row;
      });
      const probes = free.slice(live.length);
      const ops: Operation[] = [...rows.map((r) => insert(T_ENDPOINT, r)), ...probes.map((x) => select(T_ENDPOINT, [eq('pod', new Uuid(pod.uuid)), eq('ip', formatIpv4(x))], ['_uuid']))];
      const out = await this.d.txn(ops);
      const uuids = out.results.slice(0, live.length).map((r) => (r as { uuid?: Uuid } | undefined)?.uuid?.uuid);
      if (out.ok) {
        live.forEach((p, i) => p.resolve({ kind: 'inserted', uuid: uuids[i] ?? '', row: rows[i] }));
        return;
      }
      probes.forEach((x, i) => {
        if ((out.results[live.length + i] as SelectResult | undefined)?.rows.length) excluded.add(x);
      });
      const c = parseIndexConflict(out.error.details);
      const at = c?.inserted ? uuids.indexOf(c.inserted) : -1;
      const culprit = at >= 0 ? live[at] : undefined;
      let settled = false;
      if (isIndex(c, T_ENDPOINT, ['pod', 'ip']) && at >= 0) {
        excluded.add(free[at]);
        probe = true;
        // The lock timed out or was lost with a failover: try to get our turn for the retry.
        if (!turn.held) turn.held = await this.lock(turn.lock);
      } else if (isIndex(c, T_ENDPOINT, ['pod', 'mac']) && culprit) {
        if (culprit.req.wantMac) {
          culprit.resolve({ kind: 'mac-taken', mac: culprit.req.wantMac, holder: c?.existing });
          settled = true;
        } else culprit.randomizeMac = true;
      } else if (isIndex(c, T_ENDPOINT, ['container_id', 'ifname']) && culprit) {
        culprit.resolve({ kind: 'exists' });
        settled = true;
      } else throw out.error;
      if (settled) live = live.filter((p) => p !== culprit);
    }
    for (const p of live) p.reject(new StoreContentionError(`allocating addresses in pod ${pod.number}`, MAX_ATTEMPTS));
  }
}
