/**
 * The benchmarks the harness knows about, in the order it runs them. A bench whose `bench/<name>.ts` does not exist
 * yet is reported as "not implemented"; any other `bench/*.ts` (except the harness's own files and scratch files)
 * runs too.
 */
export interface BenchInfo {
  name: string;
  /** What is compared with what, for the report. */
  compares: string;
  /** Per-bench timeout in seconds for a full run (the `--small` timeout is `SMALL_TIMEOUT_S`). */
  timeoutS: number;
}

export const SMALL_TIMEOUT_S = 120;
export const DEFAULT_TIMEOUT_S = 1200;

export const BENCHES: readonly BenchInfo[] = [
  {
    name: 'ofproto-codec',
    compares: 'OpenFlow 1.3 flow-mod encode + decode: loris codec vs os-ken 1.3 parser',
    timeoutS: 600,
  },
  {
    name: 'flow-install',
    compares: '100,000 flows into ovs-vswitchd up to the barrier reply: loris vs `ovs-ofctl --bundle add-flows`',
    timeoutS: 1200,
  },
  {
    name: 'ovsdb-ports',
    compares: '1,000 internal ports created and applied by vswitchd: loris OVSDB client vs `ovs-vsctl`',
    timeoutS: 1200,
  },
  {
    name: 'ovsdb-replica',
    compares: 'remote write → replica onInsert latency: loris replica vs OVS Python IDL',
    timeoutS: 900,
  },
  {
    name: 'attach',
    compares: 'attach + detach 100 namespaces (address, MTU): loris rtnetlink vs one `ip` process per step',
    timeoutS: 900,
  },
  {
    name: 'store',
    compares: 'pod address allocations/s and p99 allocation txn on a 3-member cluster (absolute)',
    timeoutS: 900,
  },
  {
    name: 'datapath',
    compares: 'iperf3 TCP pod↔pod across hosts: loris pipeline vs a plain NORMAL bridge over the same tunnel',
    timeoutS: 900,
  },
  {
    name: 'restart',
    compares: 'the agent killed (kill -9) and ovs-vswitchd restarted under a 10 ms ping: packets lost vs a flush-and-reinstall controller, re-programming time',
    timeoutS: 900,
  },
  {
    name: 'scale',
    compares: 'flows per endpoint at 10…10,000 endpoints, convergence time, controller RSS',
    timeoutS: 1800,
  },
  { name: 'connect', compares: 'containers connected through the API (1 to 100 at once) and one `loris connect` start to exit, vs the original bash loris', timeoutS: 1200 },
];

/** Files in bench/ that are the harness, not benchmarks. */
export const HARNESS_FILES: readonly string[] = ['run', 'render'];

/** Scratch files (`_x.ts`, `.x.ts`, `*tmp*`) are never picked up as extra benches; name them to run them. */
export function isScratch(name: string): boolean {
  return /^[_.]|tmp/i.test(name);
}

/**
 * The benches to run: the known ones in registry order, then any other `bench/*.ts` found (sorted), filtered to
 * `only` when given. Unknown names in `only` are kept (reported as not implemented) so a typo shows up in the report.
 */
export function planBenches(found: readonly string[], only: readonly string[] = []): BenchInfo[] {
  const known = new Map(BENCHES.map((b) => [b.name, b]));
  const extra = found
    .filter((n) => !known.has(n) && !HARNESS_FILES.includes(n) && !isScratch(n))
    .sort()
    .map((name): BenchInfo => ({ name, compares: '', timeoutS: DEFAULT_TIMEOUT_S }));
  const all = [...BENCHES, ...extra];
  if (only.length === 0) return all;
  return only.map((n) => all.find((b) => b.name === n) ?? { name: n, compares: '', timeoutS: DEFAULT_TIMEOUT_S });
}
