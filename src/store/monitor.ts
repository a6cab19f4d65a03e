import { decodeDatum, type OvsdbClient, type Row, type TableSchema } from '../ovsdb/index.js';
import { STORE_DB } from './dbfile.js';

/*
 * Feeds the Store's view from an OVSDB `monitor` (RFC 7047 `update`: `new` carries every monitored
 * column, so each notification replaces whole rows). Updates that arrive while the initial contents are
 * in flight are queued and applied after them, in order: a reply and the next update often arrive in
 * one read, and applying the snapshot after the update would lose that row. After a reconnect the
 * caller runs `start()` again; the fresh snapshot is diffed against what was known, so rows deleted
 * while disconnected produce delete events.
 *
 * Why not the OVSDB Replica (src/ovsdb/replica.ts): at the time of writing it applied a snapshot after
 * updates that arrived with it (losing rows inserted during a resubscribe — seen in the Raft failover
 * test) and mis-applied update2 diffs of optional columns. See docs/store.md.
 */

export const STORE_TABLES = ['Cluster', 'Host', 'Pod', 'Endpoint'] as const;
const MONITOR_ID = 'loris-store';

type TableUpdates = Record<string, Record<string, unknown>>;
export type RowSink = (table: string, uuid: string, row: Row | undefined) => void;

export class StoreMonitor {
  private queue: TableUpdates[] | undefined;
  private readonly known = new Map<string, Map<string, string>>(STORE_TABLES.map((t) => [t, new Map()]));

  constructor(
    private readonly client: OvsdbClient,
    private readonly sink: RowSink,
    private readonly onApplied: () => void,
  ) {}

  async start(): Promise<void> {
    const schema = await this.client.getSchema(STORE_DB);
    const tables = new Map(STORE_TABLES.map((t) => [t, schema.tables.get(t)] as const));
    this.queue = [];
    let initial: TableUpdates;
    try {
      initial = await this.client.monitor(STORE_DB, MONITOR_ID, Object.fromEntries(STORE_TABLES.map((t) => [t, {}])), (tu) => {
        if (this.queue) this.queue.push(tu);
        else this.apply(tables, tu);
      });
    } catch (e) {
      this.queue = undefined;
      throw e;
    }
    // Rows known before and absent from the snapshot were deleted while we were away.
    for (const t of STORE_TABLES) {
      const now = initial[t] ?? {};
      for (const u of [...(this.known.get(t)?.keys() ?? [])]) if (!(u in now)) this.emit(t, u, undefined, '');
    }
    this.apply(tables, initial);
    const queued = this.queue;
    this.queue = undefined;
    for (const tu of queued) this.apply(tables, tu);
  }

  private apply(tables: Map<string, TableSchema | undefined>, tu: TableUpdates): void {
    // Parents first, so an endpoint's pod and host are known when it is applied.
    for (const t of STORE_TABLES) {
      const rows = tu[t] as Record<string, { new?: Record<string, unknown> } | null> | undefined;
      if (!rows) continue;
      const ts = tables.get(t);
      for (const [uuid, u] of Object.entries(rows)) {
        if (!u?.new) {
          this.emit(t, uuid, undefined, '');
          continue;
        }
        const row: Row = {};
        for (const [c, v] of Object.entries(u.new)) row[c] = decodeDatum(ts?.columns.get(c), v);
        this.emit(t, uuid, row, JSON.stringify(u.new));
      }
    }
    this.onApplied();
  }

  /** Passes a change on unless it changes nothing (a resync re-sends unchanged rows). */
  private emit(table: string, uuid: string, row: Row | undefined, text: string): void {
    const known = this.known.get(table);
    if (!known) return;
    if (row) {
      if (known.get(uuid) === text) return;
      known.set(uuid, text);
    } else if (!known.delete(uuid)) return;
    this.sink(table, uuid, row);
  }
}
