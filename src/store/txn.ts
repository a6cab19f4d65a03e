import { NotConnectedError, TimeoutError } from '../errors.js';
import { decodeResult, encodeOperation, OvsdbDisconnectedError, OvsdbError, type OvsdbClient, type Operation, type Row, type SelectResult } from '../ovsdb/index.js';
import { STORE_DB } from './dbfile.js';

/** How long an operation keeps retrying through disconnects and leader changes. */
const RETRY_WINDOW_MS = 30_000;

export type TxnOutcome = { ok: true; results: unknown[] } | { ok: false; error: OvsdbError; results: unknown[] };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Transport trouble after which an idempotent write is simply sent again. */
function transient(e: unknown, embedded: boolean): boolean {
  // Embedded: right after an ovsdb-server restart the database is served again only once the store re-adds it.
  if (embedded && e instanceof OvsdbError && e.error === 'unknown database') return true;
  if (e instanceof OvsdbDisconnectedError || e instanceof NotConnectedError || e instanceof TimeoutError) return true;
  return e instanceof OvsdbError && e.opIndex === undefined && !e.commit && (e.error === 'not leader' || /cluster|leader/i.test(e.details ?? ''));
}

/**
 * The Store's transactions on the Loris database: a failed transaction is a value (its error plus the results
 * of the operations before it — index conflicts are read from it), and idempotent steps are sent again through
 * disconnects and leader changes.
 */
export class StoreTxn {
  constructor(
    private readonly client: OvsdbClient,
    private readonly embedded: boolean,
    private readonly closed: () => boolean,
  ) {}

  async selectRows(ops: Operation[]): Promise<Row[]> {
    const out = await this.retrying('read', async () => this.mustCommit(ops));
    return (out[0] as SelectResult).rows;
  }

  /** One transaction; a failed one resolves with the error and the results of the operations before it. */
  async txn(ops: readonly Operation[]): Promise<TxnOutcome> {
    if (this.closed()) throw new NotConnectedError('the loris store (closed)');
    const wire = ops.map(encodeOperation);
    const raw = await this.client.request('transact', [STORE_DB, ...wire], { timeoutMs: 10_000 });
    const list = Array.isArray(raw) ? (raw as (Record<string, unknown> | null)[]) : [];
    const results: unknown[] = [];
    for (let i = 0; i < list.length; i++) {
      const r = list[i];
      if (r && typeof r.error === 'string') {
        const error = new OvsdbError(r.error, typeof r.details === 'string' ? r.details : undefined, i < ops.length ? { opIndex: i, op: wire[i] } : { commit: true });
        return { ok: false, error, results };
      }
      if (i < ops.length) results.push(decodeResult(ops[i], r ?? {}));
    }
    return { ok: true, results };
  }

  async mustCommit(ops: readonly Operation[]): Promise<unknown[]> {
    const out = await this.txn(ops);
    if (!out.ok) throw out.error;
    return out.results;
  }

  /**
   * Runs an idempotent step, sending it again through disconnects and leader changes (bounded). The client's
   * reconnect and this retry's backoff use referenced timers, so a program with nothing else to do stays alive
   * through a failover.
   */
  async retrying<T>(what: string, step: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + RETRY_WINDOW_MS;
    for (let i = 0; ; i++) {
      try {
        return await step();
      } catch (e) {
        if (!transient(e, this.embedded) || this.closed() || Date.now() > deadline) throw e;
        this.client.emit('warning', e as Error);
        await sleep(Math.min(500, 20 * 2 ** i) * (0.5 + Math.random() / 2));
      }
    }
  }
}
