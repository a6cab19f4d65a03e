import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Lab, LabHost } from '../../src/lab/index.js';
import { run } from '../../src/lab/exec.js';

/** Test-side helpers for driving the `loris` command inside lab hosts (observers use the OVS tools). */

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

export interface CliResult {
  status: number;
  out: string;
  err: string;
}

/** Per-host global options: the host's OVSDB, its own run dir and embedded store file. */
export function hostArgs(h: LabHost, o: { store?: string } = {}): string[] {
  return ['--db', `unix:${h.ovs.dbSock}`, '--run-dir', join(h.ovs.dir, 'loris'), '--store-file', join(h.ovs.dir, 'loris.db'), ...(o.store ? ['--store', o.store] : [])];
}

/**
 * Runs `loris <args>` inside lab host `h`'s namespace (as an operator would on that host): the sources through tsx,
 * or `command` (e.g. the installed bin/loris.js).
 */
export async function loris(lab: Lab, h: LabHost, args: string[], o: { store?: string; env?: NodeJS.ProcessEnv; command?: string[] } = {}): Promise<CliResult> {
  const command = o.command ?? [process.execPath, '--import', 'tsx', MAIN];
  const r = await run(lab.inHost(h, [...command, ...hostArgs(h, o), ...args]), { timeoutMs: 60_000, env: { ...process.env, ...o.env } });
  return { status: r.code ?? -1, out: r.stdout, err: r.stderr };
}

/** Like `loris` with --json; parses stdout. */
export async function lorisJson<T>(lab: Lab, h: LabHost, args: string[], o: { store?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ status: number; value: T; err: string }> {
  const r = await loris(lab, h, ['--json', ...args], o);
  let value: T;
  try {
    value = JSON.parse(r.out) as T;
  } catch {
    throw new Error(`loris --json ${args.join(' ')} printed no JSON (status ${r.status}): ${r.out}${r.err}`);
  }
  return { status: r.status, value, err: r.err };
}

/** Row order of a select is the server's choice (it changes when a heartbeat rewrites a host row): sort it. */
function sortRows(json: string): string {
  const results = JSON.parse(json) as { rows?: unknown[] }[];
  return JSON.stringify(results.map((r) => ({ ...r, rows: r.rows?.map((x) => JSON.stringify(x)).sort() })), null, 1);
}

/** Everything loris could change on a host, as independent observers see it (volatile counters removed). */
export async function snapshot(lab: Lab, h: LabHost, storeSock: string): Promise<string> {
  const vs = (table: string, cols: string): Promise<string> => lab.vsctl(h, ['--format=json', `--columns=${cols}`, 'list', table]);
  const [links, bridges, ports, ifaces, ext, flows, store] = await Promise.all([
    run(['ip', '-n', h.netns, '-o', 'link']).then((r) => r.stdout.replace(/\s+link\/ether.*$/gm, '')),
    vs('Bridge', 'name,external_ids,ports'),
    vs('Port', 'name,external_ids,interfaces'),
    vs('Interface', 'name,external_ids,options,type,ofport'),
    lab.vsctl(h, ['get', 'Open_vSwitch', '.', 'external_ids']),
    lab.ofctl(h, ['dump-flows', lab.mgmtSocket(h, 'br-int')]).catch(() => 'no br-int'),
    run(['ovsdb-client', 'transact', `unix:${storeSock}`, JSON.stringify(['Loris', ...['Cluster', 'Pod', 'Endpoint'].map((table) => ({ op: 'select', table, where: [] })), { op: 'select', table: 'Host', where: [], columns: ['name', 'address', 'tunnel_type'] }])]).then((r) => sortRows(r.stdout)),
  ]);
  const scrub = (s: string): string => s.replace(/ (duration|n_packets|n_bytes|idle_age)=[^,]+,/g, '');
  return [links, bridges, ports, ifaces, ext, scrub(flows), store].join('\n---\n');
}
