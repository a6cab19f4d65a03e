/**
 * The `loris` command's exit statuses. Every typed error carries a `code` (`LorisError.code`); this one
 * table maps codes to exit statuses, most specific entry first (an entry ending in `*` matches a prefix).
 * The table is printed by `loris help exit-codes` and documented in docs/cli.md; a unit test checks that
 * statuses are distinct per meaning and that the docs list every row.
 */
export interface ExitCodeRow {
  /** Exit status. */
  readonly status: number;
  /** Error codes mapped to it; `PREFIX_*` matches every code starting with `PREFIX_`. */
  readonly codes: readonly string[];
  readonly meaning: string;
}

export const EXIT_OK = 0;
export const EXIT_INTERNAL = 1;

export const EXIT_CODES: readonly ExitCodeRow[] = [
  { status: 0, codes: [], meaning: 'success (also when nothing had to change)' },
  { status: 1, codes: ['LORIS_INTERNAL'], meaning: 'internal error (a bug: please report it with -v output)' },
  { status: 2, codes: ['LORIS_USAGE'], meaning: 'usage: unknown command or option, missing or extra argument' },
  { status: 3, codes: ['LORIS_INVALID_ARGUMENT'], meaning: 'invalid argument (container reference, tunnel type, duplicate host…)' },
  { status: 4, codes: ['LORIS_INVALID_ADDRESS', 'LORIS_STORE_INVALID_ADDRESS', 'LORIS_STORE_INVALID_MAC'], meaning: 'malformed IPv4 address, mask or CIDR, or mask out of range' },
  { status: 5, codes: ['LORIS_RESERVED_ADDRESS'], meaning: 'address not usable: network, broadcast, loopback, multicast…' },
  { status: 6, codes: ['LORIS_POD_OUT_OF_RANGE', 'LORIS_STORE_POD_OUT_OF_RANGE'], meaning: 'pod number not in 1-16777215' },
  { status: 7, codes: ['LORIS_SELF_PEER'], meaning: "remote host is this host's own underlay address" },
  { status: 8, codes: ['LORIS_CONTAINER_NOT_FOUND', 'LORIS_NETNS'], meaning: 'container or namespace not found' },
  { status: 9, codes: ['LORIS_CONTAINER_NOT_RUNNING'], meaning: 'container exists but is not running' },
  {
    status: 10,
    codes: ['LORIS_STORE_IP_TAKEN', 'LORIS_STORE_MAC_TAKEN', 'LORIS_STORE_ENDPOINT_CONFLICT', 'LORIS_STORE_HOST_CONFLICT'],
    meaning: 'conflict: address or MAC already held by another endpoint',
  },
  { status: 11, codes: ['LORIS_STORE_SUBNET_EXHAUSTED', 'LORIS_STORE_NO_SUBNET'], meaning: 'no address to give: pod subnet exhausted, or dhcp on a pod without subnet' },
  { status: 12, codes: ['LORIS_NOT_INITIALISED'], meaning: 'this host is not initialised: run loris init' },
  { status: 13, codes: ['LORIS_OVS_UNREACHABLE', 'LORIS_NOT_CONNECTED'], meaning: 'Open vSwitch or the store is unreachable' },
  { status: 14, codes: ['LORIS_OVS_UNSUPPORTED'], meaning: 'Open vSwitch too old or lacks a needed feature' },
  { status: 15, codes: ['LORIS_TIMEOUT'], meaning: 'timed out waiting for a peer (OVS, store, agent, container)' },
  { status: 16, codes: ['LORIS_PERMISSION', 'LORIS_NETLINK_EPERM', 'LORIS_NETLINK_EACCES', 'LORIS_LAB_ROOT'], meaning: 'permission denied: run as root' },
  { status: 17, codes: ['LORIS_NETLINK_*'], meaning: 'kernel (rtnetlink) refused an operation' },
  { status: 18, codes: ['LORIS_OVSDB_*'], meaning: 'OVSDB refused a transaction' },
  { status: 19, codes: ['LORIS_OFP_*', 'LORIS_OPENFLOW_*', 'LORIS_BUNDLE_*'], meaning: 'OpenFlow switch refused a message' },
  { status: 20, codes: ['LORIS_PROTOCOL'], meaning: 'malformed bytes from a peer (protocol error)' },
  { status: 21, codes: ['LORIS_STORE_*'], meaning: 'cluster store error' },
  { status: 22, codes: ['LORIS_AGENT', 'LORIS_AGENT_*', 'LORIS_CONTROLLER_*'], meaning: 'agent/controller not running or failed' },
  { status: 23, codes: ['LORIS_LAB_*'], meaning: 'lab error (loris lab …)' },
  { status: 24, codes: ['LORIS_*'], meaning: 'other loris error' },
];

function matches(pattern: string, code: string): boolean {
  return pattern.endsWith('*') ? code.startsWith(pattern.slice(0, -1)) : code === pattern;
}

/** Exit status for an error code: an exact match wins over any prefix; the longest prefix wins among prefixes. */
export function exitStatusFor(code: string | undefined): number {
  if (!code) return EXIT_INTERNAL;
  let best: { status: number; len: number } | undefined;
  for (const row of EXIT_CODES) {
    for (const p of row.codes) {
      if (!matches(p, code)) continue;
      const len = p.endsWith('*') ? p.length - 1 : Number.MAX_SAFE_INTEGER;
      if (!best || len > best.len) best = { status: row.status, len };
    }
  }
  return best?.status ?? EXIT_INTERNAL;
}

/** The table as text, for `loris help exit-codes`. */
export function exitCodeTable(): string {
  return EXIT_CODES.map((r) => `${String(r.status).padStart(3)}  ${r.meaning}${r.codes.length ? `  [${r.codes.join(', ')}]` : ''}`).join('\n');
}
