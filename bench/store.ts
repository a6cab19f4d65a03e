/**
 * loris store on a 3-member Raft cluster (ovsdb-server on 127.0.0.1, made as docs/store.md tells operators):
 * dhcp address allocations in one pod from 3 Store clients at once (each with 4 allocations in flight), and the
 * latency of one allocation transaction (allocate(): compute the lowest free address, insert, index-checked commit on
 * the leader, replica shows it), under that load and alone (one client, one in flight).
 * Absolute metrics: there is no reference tool that allocates addresses in OVSDB.
 *
 *   npx tsx bench/store.ts [--small]     (3,000 allocations per run; --small: 150)
 */
import { Lab } from '../src/lab/index.js';
import { createRaftCluster } from '../src/lab/raft.js';
import { lorisSchemaPath, Store } from '../src/store/index.js';
import { emit, log, measure, median, parseBenchArgs, percentile, perSecond, size, spread } from './lib/index.js';

const args = parseBenchArgs();
const n = size(args, 3_000, 150);
const runs = size(args, 3, 3);
const clients = 3;
const lanes = 4;
const BENCH = 'store';
const NOTE = 'absolute: no reference tool allocates addresses in OVSDB';

const lab = await Lab.create();
const stores: Store[] = [];
try {
  const cluster = await createRaftCluster(lab, { size: 3, schema: lorisSchemaPath() });
  log(`3-member Raft cluster up: ${cluster.remotes}`);
  for (let i = 0; i < clients; i++) stores.push(await Store.open({ remotes: cluster.remotes, host: 'bench' }));
  await stores[0].registerHost({ name: 'bench', address: '192.0.2.1' });

  // One fresh pod per run (a /20: 4,094 addresses), so every run allocates from an empty subnet.
  let pod = 0;
  const before = async (run: number): Promise<void> => {
    pod = 100 + run + 2;
    await stores[0].ensurePod(pod, { subnet: `10.${pod}.0.0/20` });
  };

  const loadLatencies: number[][] = [];
  const concurrent = await measure(
    async () => {
      const lat: number[] = [];
      let next = 0;
      const worker = async (s: Store, c: number): Promise<void> => {
        for (let k = next++; k < n; k = next++) {
          const t0 = performance.now();
          await s.allocate({ pod, container: { id: `p${pod}-c${c}-${k}` }, ip: 'dhcp' });
          lat.push(performance.now() - t0);
        }
      };
      await Promise.all(stores.flatMap((s, c) => Array.from({ length: lanes }, () => worker(s, c))));
      loadLatencies.push(lat);
    },
    { runs, warmup: 1, before, label: `${n} allocations, ${clients} clients × ${lanes} in flight` },
  );
  const rates = concurrent.samples.map((ms) => perSecond(n, ms));
  const measured = loadLatencies.slice(1); // the first entry is the warm-up
  const p99Load = measured.map((l) => percentile(l, 99));
  const p50Load = measured.map((l) => percentile(l, 50));
  log(`rates ${rates.map((r) => r.toFixed(0)).join(', ')} allocations/s; p50 ${p50Load.map((x) => x.toFixed(2)).join(', ')} ms; p99 ${p99Load.map((x) => x.toFixed(2)).join(', ')} ms`);

  const seqLatencies: number[][] = [];
  const single = Math.max(50, Math.floor(n / 10));
  await measure(
    async () => {
      const lat: number[] = [];
      for (let k = 0; k < single; k++) {
        const t0 = performance.now();
        await stores[0].allocate({ pod, container: { id: `p${pod}-seq-${k}` }, ip: 'dhcp' });
        lat.push(performance.now() - t0);
      }
      seqLatencies.push(lat);
    },
    { runs, warmup: 1, before, label: `${single} allocations, one client, one in flight` },
  );
  const p99Seq = seqLatencies.slice(1).map((l) => percentile(l, 99));
  const p50Seq = seqLatencies.slice(1).map((l) => percentile(l, 50));
  log(`sequential p50 ${p50Seq.map((x) => x.toFixed(2)).join(', ')} ms; p99 ${p99Seq.map((x) => x.toFixed(2)).join(', ')} ms`);

  emit({ bench: BENCH, metric: 'alloc-rate', what: `address allocations per second, one pod, ${clients} clients × ${lanes} in flight`, loris: median(rates), reference: null, ratio: null, unit: 'allocations/s', runs, spread: spread(rates), note: NOTE });
  emit({ bench: BENCH, metric: 'alloc-p99-load', what: 'allocation transaction p99 under that load', loris: median(p99Load), reference: null, ratio: null, unit: 'ms', runs, spread: spread(p99Load), note: NOTE });
  emit({ bench: BENCH, metric: 'alloc-p50-load', what: 'allocation transaction p50 under that load', loris: median(p50Load), reference: null, ratio: null, unit: 'ms', runs, spread: spread(p50Load), note: NOTE });
  emit({ bench: BENCH, metric: 'alloc-p99-one', what: 'allocation transaction p99, one client, one in flight', loris: median(p99Seq), reference: null, ratio: null, unit: 'ms', runs, spread: spread(p99Seq), note: NOTE });
} finally {
  for (const s of stores) await s.close();
  await lab.dispose();
}
