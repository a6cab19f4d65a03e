/**
 * Replica latency: a write from one client → the row appearing in another client's replica (onInsert), over
 * 10,000 sequential writes to a standalone ovsdb-server on 127.0.0.1 (TCP), median and p99.
 * Reference: OVS's Python IDL (`ovs.db.idl`) doing the same (a raw JSON-RPC writer; the IDL replica sees the row)
 * in one Python process, timed inside Python.
 * Both use a one-table root schema, so the transaction cost does not grow with the row count.
 *
 *   npx tsx bench/ovsdb-replica.ts [--small]      (10,000 writes per run; --small: 300)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lab } from '../src/lab/index.js';
import { startLoopbackOvsdb } from '../src/lab/raft.js';
import { OvsdbClient, Replica, insert } from '../src/ovsdb/index.js';
import { emit, hasPythonModule, log, median, parseBenchArgs, percentile, runPythonJson, size, spread } from './lib/index.js';

const args = parseBenchArgs();
const n = size(args, 10_000, 300);
const runs = 3;
const BENCH = 'ovsdb-replica';
const SCHEMA = { name: 'Bench', version: '1.0.0', tables: { Item: { columns: { name: { type: 'string' }, seq: { type: 'integer' } }, isRoot: true } } };

const PY = `
import json, sys, time
import ovs.db.idl, ovs.jsonrpc, ovs.poller, ovs.stream
remote, schema_path, n, tag = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
helper = ovs.db.idl.SchemaHelper(schema_path)
helper.register_columns('Item', ['name', 'seq'])
seen = set()
class Replica(ovs.db.idl.Idl):
    # The IDL's per-row change hook: the Python equivalent of onInsert.
    def notify(self, event, row, updates=None):
        if event == ovs.db.idl.ROW_CREATE:
            seen.add(row.name)
idl = Replica(remote, helper)
def run_until(pred):
    while True:
        idl.run()
        if pred():
            return
        p = ovs.poller.Poller()
        idl.wait(p)
        p.block()
run_until(lambda: idl.has_ever_connected())
err, stream = ovs.stream.Stream.open_block(ovs.stream.Stream.open(remote))
conn = ovs.jsonrpc.Connection(stream)
lat = []
for i in range(n):
    name = '%s-%d' % (tag, i)
    msg = ovs.jsonrpc.Message.create_request('transact', ['Bench', {'op': 'insert', 'table': 'Item', 'row': {'name': name, 'seq': i}}])
    t0 = time.perf_counter()
    conn.send(msg)
    run_until(lambda: name in seen)
    lat.append((time.perf_counter() - t0) * 1000)
    conn.recv_block()
print(json.dumps(lat))
`;

const lab = await Lab.create();
const dir = mkdtempSync(join(tmpdir(), 'loris-bench-'));
let writer: OvsdbClient | undefined;
let reader: OvsdbClient | undefined;
try {
  const schemaPath = join(dir, 'bench.ovsschema');
  writeFileSync(schemaPath, JSON.stringify(SCHEMA));
  const srv = await startLoopbackOvsdb(lab, { schema: schemaPath });
  log(`ovsdb-server on ${srv.remote}`);
  writer = await OvsdbClient.connect(srv.remote);
  reader = await OvsdbClient.connect(srv.remote);
  const replica = await Replica.start(reader, { database: 'Bench', tables: { Item: ['name', 'seq'] } });
  const sent = new Map<string, number>();
  let arrived: ((name: string) => void) | undefined;
  replica.onInsert('Item', (row) => arrived?.(String(row.name)));

  const lorisRuns: { p50: number; p99: number }[] = [];
  for (let run = -1; run < runs; run++) {
    const lat: number[] = [];
    for (let i = 0; i < n; i++) {
      const name = `l${run + 1}-${i}`;
      const seen = new Promise<void>((resolve) => {
        arrived = (got) => {
          if (got === name) resolve();
        };
      });
      const t0 = performance.now();
      sent.set(name, t0);
      const done = writer.transact('Bench', [insert('Item', { name, seq: i })] as const);
      await seen;
      lat.push(performance.now() - t0);
      await done;
    }
    const r = { p50: median(lat), p99: percentile(lat, 99) };
    log(`loris ${run < 0 ? 'warm-up' : `run ${run + 1}/${runs}`}: ${n} writes, p50 ${r.p50.toFixed(3)} ms, p99 ${r.p99.toFixed(3)} ms`);
    if (run >= 0) lorisRuns.push(r);
  }

  let pyRuns: { p50: number; p99: number }[] = [];
  let pyNote: string | undefined;
  if (await hasPythonModule('ovs.db.idl')) {
    // Its own server, so the reference starts from the same empty table the loris runs started from.
    const pySrv = await startLoopbackOvsdb(lab, { schema: schemaPath });
    for (let run = -1; run < runs; run++) {
      const lat = await runPythonJson<number[]>(PY, [pySrv.remote, schemaPath, String(n), `py${run + 1}`], { timeoutMs: 600_000 });
      const r = { p50: median(lat), p99: percentile(lat, 99) };
      log(`python idl ${run < 0 ? 'warm-up' : `run ${run + 1}/${runs}`}: p50 ${r.p50.toFixed(3)} ms, p99 ${r.p99.toFixed(3)} ms`);
      if (run >= 0) pyRuns.push(r);
    }
  } else {
    pyNote = 'OVS Python IDL (python3-openvswitch) not installed: no reference';
    pyRuns = [];
  }
  const lp50 = lorisRuns.map((r) => r.p50);
  const lp99 = lorisRuns.map((r) => r.p99);
  const pp50 = pyRuns.map((r) => r.p50);
  const pp99 = pyRuns.map((r) => r.p99);
  const note = pyNote ?? `${n} sequential writes per run; reference: OVS Python IDL, timed in Python`;
  emit({ bench: BENCH, metric: 'event-latency-p50', what: 'a write by another client → the replica\'s onInsert, median of the per-run p50', loris: median(lp50), reference: pp50.length ? median(pp50) : null, unit: 'ms', runs, spread: spread(lp50), note });
  emit({ bench: BENCH, metric: 'event-latency-p99', what: 'a write by another client → the replica\'s onInsert, p99 (target < 5 ms)', loris: median(lp99), reference: pp99.length ? median(pp99) : null, unit: 'ms', runs, spread: spread(lp99), note });
  await replica.stop();
} finally {
  writer?.close();
  reader?.close();
  await lab.dispose();
  rmSync(dir, { recursive: true, force: true });
}
