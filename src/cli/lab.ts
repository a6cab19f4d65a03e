import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LabStateError } from '../api/errors.js';
import { selfArgv, spawnSelf } from '../api/self.js';
import { Lab, type LabContainer, type LabHost } from '../lab/index.js';
import { pidAlive, run, waitUntil } from '../lab/exec.js';
import type { CommandContext } from './program.js';

/**
 * `loris lab …`: emulated hosts on this machine (src/lab), for trying loris without a cluster.
 *
 * - `demo` (also `npm run lab`): stands up 3 hosts, connects 6 containers in 2 pods, prints the ping
 *   matrix and each host's flows, and tears everything down (under a minute, nothing left behind).
 * - `up` / `status` / `down`: a lab kept between invocations. `up` starts a detached `loris lab-serve`
 *   that owns the lab (the lab removes itself when its owner exits) and writes `<run-dir>/lab.json`
 *   describing the hosts; `down` signals that process and waits until the state file is gone.
 *
 * The demo drives the real `loris` command inside each emulated host's namespace, exactly as an operator
 * would on real hosts (plus --db/--run-dir/--store-file naming that host's files): h1 keeps the store
 * embedded in its ovsdb-server, h2 and h3 share it (`--store unix:<h1's socket>`, standing in for a
 * `tcp:` cluster remote). DHCP containers run busybox udhcpc, which the agents' DHCP servers answer.
 */

export interface LabState {
  runId: string;
  pid: number;
  dir: string;
  hosts: { name: string; netns: string; db: string; underlayIp: string; runDir: string; storeFile: string }[];
}

export function labStatePath(runDir: string): string {
  return join(runDir, 'lab.json');
}

export function readLabState(runDir: string): LabState | undefined {
  try {
    return JSON.parse(readFileSync(labStatePath(runDir), 'utf8')) as LabState;
  } catch {
    return undefined;
  }
}

/** One demo container: host, pod and its address (`dhcp`: allocated by loris, served by the agent). */
export interface DemoMember {
  name: string;
  host: string;
  pod: number;
  address: string;
}

/**
 * The demo's layout: 3 hosts × 2 pods sharing one IP subnet, so only isolation keeps the pods apart.
 * Pod 1's dhcp containers get the lowest free addresses of its subnet (10.0.0.1, .2); pod 2 is static
 * in the same subnet, so every address is distinct and the matrix can't be fooled by a duplicate.
 */
export const DEMO_MEMBERS: readonly DemoMember[] = [
  { name: 'c1', host: 'h1', pod: 1, address: '10.0.0.11' },
  { name: 'c2', host: 'h2', pod: 1, address: 'dhcp' },
  { name: 'c3', host: 'h3', pod: 1, address: 'dhcp' },
  { name: 'c4', host: 'h1', pod: 2, address: '10.0.0.21' },
  { name: 'c5', host: 'h2', pod: 2, address: '10.0.0.22' },
  { name: 'c6', host: 'h3', pod: 2, address: '10.0.0.23' },
];
export const DEMO_SUBNET = '10.0.0.0/24';

/** The matrix the demo must print: a container reaches exactly the other members of its pod. */
export function expectedMatrix(members: readonly { pod: number }[] = DEMO_MEMBERS): boolean[][] {
  return members.map((a) => members.map((b) => a !== b && a.pod === b.pod));
}

export function renderMatrix(members: readonly { name: string; pod: number }[], m: readonly (readonly boolean[])[]): string[] {
  const head = ['from\\to', ...members.map((x) => `${x.name}(p${x.pod})`)];
  const rows = members.map((a, i) => [`${a.name}(p${a.pod})`, ...members.map((_, j) => (i === j ? '-' : m[i][j] ? 'ok' : '.'))]);
  const w = Math.max(...[head, ...rows].flat().map((c) => c.length));
  return [head, ...rows].map((r) => r.map((c) => c.padEnd(w)).join(' ').trimEnd());
}

interface DemoHost {
  host: LabHost;
  args: string[];
}

/** Runs `loris <args>` inside a lab host (the lab runs programs in namespaces; loris itself never does). */
async function lorisIn(lab: Lab, d: DemoHost, args: string[]): Promise<string> {
  const r = await run(lab.inHost(d.host, selfArgv([...d.args, ...args])), { timeoutMs: 60_000 });
  if (r.code !== 0) throw new LabStateError(`loris ${args.join(' ')} on ${d.host.name} failed (status ${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

/** busybox udhcpc in the container; its script puts the leased address on the interface. */
async function dhcpLease(lab: Lab, c: LabContainer, ifname: string, script: string): Promise<string> {
  const r = await run(lab.inContainer(c, ['busybox', 'udhcpc', '-i', ifname, '-n', '-q', '-f', '-t', '5', '-T', '1', '-s', script]), { timeoutMs: 30_000 });
  const m = /lease of (\S+) obtained/.exec(r.stdout + r.stderr);
  if (!m) throw new LabStateError(`udhcpc in ${c.name} got no lease: ${(r.stdout + r.stderr).trim()}`);
  return m[1];
}

/** Pings every pair (in parallel per source) and returns the matrix. Same-pod pairs get a few tries. */
async function pingMatrix(lab: Lab, members: readonly { name: string; pod: number; ip: string; c: LabContainer }[]): Promise<boolean[][]> {
  return Promise.all(
    members.map(async (a) => {
      const row: boolean[] = [];
      for (const b of members) {
        if (a === b) {
          row.push(false);
          continue;
        }
        const tries = a.pod === b.pod ? 3 : 1;
        let ok = false;
        for (let i = 0; i < tries && !ok; i++) ok = (await lab.ping(a.c, b.ip, { count: 1, timeoutS: 1 })).ok;
        row.push(ok);
      }
      return row;
    }),
  );
}

export interface DemoResult {
  members: { name: string; host: string; pod: number; ip: string; assignment: string }[];
  matrix: boolean[][];
  expected: boolean[][];
  ok: boolean;
  flows: Record<string, string>;
  seconds: number;
}

/** Runs the demo and tears it down. `say` receives progress and the printed report. */
export async function runDemo(say: (s: string) => void): Promise<DemoResult> {
  const t0 = Date.now();
  const lab = await Lab.create();
  try {
    say(`lab ${lab.runId}: starting 3 emulated hosts (network namespace + ovsdb-server + ovs-vswitchd each)`);
    const hosts = await Promise.all(['h1', 'h2', 'h3'].map((n) => lab.addHost(n)));
    const store = `unix:${hosts[0].ovs.dbSock}`;
    const demo = new Map<string, DemoHost>(
      hosts.map((h, i) => [
        h.name,
        { host: h, args: ['--db', `unix:${h.ovs.dbSock}`, '--run-dir', join(h.ovs.dir, 'loris'), '--store-file', join(h.ovs.dir, 'loris.db'), ...(i > 0 ? ['--store', store] : [])] },
      ]),
    );
    const d = (name: string): DemoHost => {
      const x = demo.get(name);
      if (!x) throw new LabStateError(`no demo host ${name}`);
      return x;
    };
    for (const h of hosts) say(`  ${h.name}: underlay ${h.underlayIp}, OVSDB unix:${h.ovs.dbSock}${h.index > 1 ? `, store on h1` : ', store embedded'}`);
    say('$ loris init --name h1              (on h1; then h2 and h3 with --store <h1>)');
    await lorisIn(lab, d('h1'), ['init', '--name', 'h1']);
    await Promise.all(hosts.slice(1).map((h) => lorisIn(lab, d(h.name), ['init', '--name', h.name])));
    say(`$ loris cluster ${hosts[1].underlayIp} ${hosts[2].underlayIp}   (on h1)`);
    for (const line of (await lorisIn(lab, d('h1'), ['cluster', hosts[1].underlayIp, hosts[2].underlayIp])).trim().split('\n')) say(`  ${line}`);
    for (const pod of [1, 2]) await lorisIn(lab, d('h1'), ['pod', String(pod), '--subnet', DEMO_SUBNET]);
    say(`$ loris pod 1 --subnet ${DEMO_SUBNET}; loris pod 2 --subnet ${DEMO_SUBNET}`);
    const containers = new Map<string, LabContainer>();
    for (const m of DEMO_MEMBERS) containers.set(m.name, await lab.addContainer(m.name, 'netns'));
    const script = join(lab.dir, 'udhcpc.sh');
    writeFileSync(script, '#!/bin/sh\n[ "$1" = bound ] && ip addr add "$ip/$subnet" dev "$interface"\nexit 0\n', { mode: 0o755 });
    const members = await Promise.all(
      hosts.map(async (h) => {
        const out = [];
        for (const m of DEMO_MEMBERS.filter((x) => x.host === h.name)) {
          const c = containers.get(m.name) as LabContainer;
          const nsArg = c.kind === 'netns' ? `netns:${c.netns}` : c.id;
          const r = JSON.parse(await lorisIn(lab, d(h.name), ['--json', 'connect', nsArg, m.address, String(m.pod)])) as { ip: string; interface: string; mac: string; assignment: string };
          say(`$ loris connect ${m.name} ${m.address} ${m.pod}   (on ${h.name}) -> ${r.interface} ${r.ip} ${r.mac}`);
          if (m.address === 'dhcp') say(`  udhcpc in ${m.name}: lease of ${await dhcpLease(lab, c, r.interface, script)}`);
          out.push({ name: m.name, host: m.host, pod: m.pod, ip: r.ip, assignment: r.assignment, c });
        }
        return out;
      }),
    );
    const all = DEMO_MEMBERS.map((m) => members.flat().find((x) => x.name === m.name) as (typeof members)[number][number]);
    say('ping matrix (ok = reply, . = none; same pod must reach, other pod must not):');
    const matrix = await pingMatrix(lab, all);
    for (const line of renderMatrix(all, matrix)) say(`  ${line}`);
    const expected = expectedMatrix(all);
    const ok = JSON.stringify(matrix) === JSON.stringify(expected);
    const flows: Record<string, string> = {};
    for (const h of hosts) {
      flows[h.name] = await lorisIn(lab, d(h.name), ['flows']);
      say(`$ loris flows   (on ${h.name}: ${flows[h.name].trim().split('\n').length} flows)`);
      for (const l of flows[h.name].trim().split('\n')) say(`  ${l}`);
    }
    say(ok ? 'matrix as expected: pods reach their members across hosts and are isolated from each other' : 'MATRIX DIFFERS FROM EXPECTED');
    say('$ loris cleanup   (on every host)');
    await Promise.all(hosts.map((h) => lorisIn(lab, d(h.name), ['cleanup'])));
    return { members: all.map(({ c: _c, ...m }) => m), matrix, expected, ok, flows, seconds: (Date.now() - t0) / 1000 };
  } finally {
    say('tearing the lab down');
    await lab.dispose();
  }
}

/** Holds a lab until SIGTERM/SIGINT (the process behind `loris lab up`). */
export async function serveLab(runDir: string, nHosts: number): Promise<void> {
  const lab = await Lab.create();
  const state: LabState = { runId: lab.runId, pid: process.pid, dir: lab.dir, hosts: [] };
  try {
    const hosts = await Promise.all(Array.from({ length: nHosts }, (_, i) => lab.addHost(`h${i + 1}`)));
    state.hosts = hosts.map((h) => ({ name: h.name, netns: h.netns, db: `unix:${h.ovs.dbSock}`, underlayIp: h.underlayIp, runDir: join(lab.dir, h.name, 'loris'), storeFile: join(h.ovs.dir, 'loris.db') }));
    mkdirSync(runDir, { recursive: true });
    writeFileSync(labStatePath(runDir), `${JSON.stringify(state, null, 2)}\n`);
    await new Promise<void>((resolve) => {
      for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => resolve());
    });
  } finally {
    rmSync(labStatePath(runDir), { force: true });
    await lab.dispose();
  }
}

function describe(state: LabState): string[] {
  return [
    `lab ${state.runId} (owner pid ${state.pid}):`,
    ...state.hosts.map((h) => `  ${h.name}: underlay ${h.underlayIp}; run loris there with:\n    ip netns exec ${h.netns} loris --db ${h.db} --run-dir ${h.runDir} --store-file ${h.storeFile} <command>`),
  ];
}

export async function runLab(ctx: CommandContext, action: string): Promise<void> {
  const { out, g } = ctx;
  switch (action) {
    case 'demo': {
      const r = await runDemo(out.json ? out.progress : (s) => out.line(s));
      out.result(r, [`demo finished in ${r.seconds.toFixed(1)} s`]);
      if (!r.ok) throw new LabStateError('the ping matrix differs from the expected one (see above)');
      return;
    }
    case 'up': {
      const existing = readLabState(g.runDir);
      if (existing && pidAlive(existing.pid)) {
        out.result(existing, ['a lab is already up, nothing changed', ...describe(existing)]);
        return;
      }
      rmSync(labStatePath(g.runDir), { force: true });
      const n = Number(ctx.opts.hosts ?? 3);
      if (!Number.isInteger(n) || n < 1 || n > 9) throw new LabStateError(`--hosts ${String(ctx.opts.hosts)} is out of range; use 1-9`);
      mkdirSync(g.runDir, { recursive: true });
      const pid = spawnSelf(['--run-dir', g.runDir, 'lab-serve', '--hosts', String(n)], join(g.runDir, 'lab.log'));
      const state = await waitUntil(
        'the lab to come up',
        () => {
          const s = readLabState(g.runDir);
          if (s?.pid === pid) return s;
          if (!pidAlive(pid)) throw new LabStateError('the lab process exited; run `loris -v lab demo` to see why');
          return undefined;
        },
        60_000,
        50,
      );
      out.result(state, describe(state));
      return;
    }
    case 'status': {
      const s = readLabState(g.runDir);
      if (!s || !pidAlive(s.pid)) {
        out.result({ up: false }, ['no lab is up (loris lab up)']);
        return;
      }
      out.result(s, describe(s));
      return;
    }
    case 'down': {
      const s = readLabState(g.runDir);
      if (!s || !pidAlive(s.pid)) {
        rmSync(labStatePath(g.runDir), { force: true });
        out.result({ changed: false }, ['no lab is up, nothing changed']);
        return;
      }
      process.kill(s.pid, 'SIGTERM');
      // The lab's own signal handler tears it down and exits; the state file may outlive it.
      await waitUntil('the lab to go down', () => !pidAlive(s.pid), 30_000, 50);
      rmSync(labStatePath(g.runDir), { force: true });
      out.result({ changed: true, runId: s.runId }, [`lab ${s.runId} is down`]);
      return;
    }
    default:
      throw new LabStateError(`unknown lab action "${action}"; use demo, up, status or down`);
  }
}
