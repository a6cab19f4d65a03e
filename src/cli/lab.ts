import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LabStateError } from '../api/errors.js';
import { spawnSelf } from '../api/self.js';
import { Lab, type LabContainer, type LabHost } from '../lab/index.js';
import { pidAlive, waitUntil } from '../lab/exec.js';
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
 * The demo currently runs in SMOKE mode: the controller (src/controller) is not in this build yet, so
 * pods are one OVS bridge per pod per host, joined by VXLAN tunnels keyed by the pod number (a star
 * from h1, which NORMAL forwarding needs to stay loop-free) and wired with the lab's own helpers. It
 * shows the lab, the tunnels and pod isolation; it does not exercise loris's own pipeline.
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

/** One demo container: host, pod and its static address. */
export interface DemoMember {
  name: string;
  host: string;
  pod: number;
  ip: string;
}

/** The demo's layout: 3 hosts × 2 pods, all in one IP subnet, so only isolation keeps the pods apart. */
export const DEMO_MEMBERS: readonly DemoMember[] = [
  { name: 'c1', host: 'h1', pod: 1, ip: '10.0.0.11' },
  { name: 'c2', host: 'h2', pod: 1, ip: '10.0.0.12' },
  { name: 'c3', host: 'h3', pod: 1, ip: '10.0.0.13' },
  { name: 'c4', host: 'h1', pod: 2, ip: '10.0.0.21' },
  { name: 'c5', host: 'h2', pod: 2, ip: '10.0.0.22' },
  { name: 'c6', host: 'h3', pod: 2, ip: '10.0.0.23' },
];

/** The matrix the demo must print: a container reaches exactly the other members of its pod. */
export function expectedMatrix(members: readonly DemoMember[] = DEMO_MEMBERS): boolean[][] {
  return members.map((a) => members.map((b) => a !== b && a.pod === b.pod));
}

export function renderMatrix(members: readonly DemoMember[], m: readonly (readonly boolean[])[]): string[] {
  const head = ['from\\to', ...members.map((x) => `${x.name}(p${x.pod})`)];
  const rows = members.map((a, i) => [`${a.name}(p${a.pod})`, ...members.map((_, j) => (i === j ? '-' : m[i][j] ? 'ok' : '.'))]);
  const w = Math.max(...[head, ...rows].flat().map((c) => c.length));
  return [head, ...rows].map((r) => r.map((c) => c.padEnd(w)).join(' ').trimEnd());
}

function podBridge(pod: number): string {
  return `br-p${pod}`;
}

/** SMOKE wiring with the lab's helpers (see the module comment). */
async function wireSmoke(lab: Lab, hosts: LabHost[], members: readonly DemoMember[], say: (s: string) => void): Promise<Map<string, LabContainer>> {
  const pods = [...new Set(members.map((m) => m.pod))];
  say(`smoke wiring: one bridge per pod (${pods.map(podBridge).join(', ')}) per host, VXLAN key = pod, star from ${hosts[0].name}`);
  await Promise.all(hosts.flatMap((h) => pods.map((p) => lab.addBridge(h, podBridge(p)))));
  const [hub, ...spokes] = hosts;
  await Promise.all(
    spokes.flatMap((s) =>
      pods.flatMap((p) => [
        lab.addTunnel(hub, s, { bridge: podBridge(p), type: 'vxlan', port: `vx${p}-${s.name}`, key: String(p) }),
        lab.addTunnel(s, hub, { bridge: podBridge(p), type: 'vxlan', port: `vx${p}-${hub.name}`, key: String(p) }),
      ]),
    ),
  );
  const containers = new Map<string, LabContainer>();
  await Promise.all(
    members.map(async (m) => {
      const c = await lab.addContainer(m.name, 'netns');
      containers.set(m.name, c);
      await lab.plug(c, lab.host(m.host), { ip: `${m.ip}/24`, bridge: podBridge(m.pod) });
    }),
  );
  return containers;
}

/** Pings every pair (in parallel per source) and returns the matrix. Same-pod pairs get a few tries (ARP, MAC learning). */
async function pingMatrix(lab: Lab, members: readonly DemoMember[], containers: Map<string, LabContainer>): Promise<boolean[][]> {
  return Promise.all(
    members.map(async (a) => {
      const c = containers.get(a.name);
      if (!c) throw new LabStateError(`no container ${a.name}`);
      const row: boolean[] = [];
      for (const b of members) {
        if (a === b) {
          row.push(false);
          continue;
        }
        const tries = a.pod === b.pod ? 3 : 1;
        let ok = false;
        for (let i = 0; i < tries && !ok; i++) ok = (await lab.ping(c, b.ip, { count: 1, timeoutS: 1 })).ok;
        row.push(ok);
      }
      return row;
    }),
  );
}

export interface DemoResult {
  mode: 'smoke';
  members: readonly DemoMember[];
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
    for (const h of hosts) say(`  ${h.name}: underlay ${h.underlayIp}, OVSDB unix:${h.ovs.dbSock}`);
    const containers = await wireSmoke(lab, hosts, DEMO_MEMBERS, say);
    for (const m of DEMO_MEMBERS) say(`  ${m.name} on ${m.host}: ${m.ip}/24 pod ${m.pod}`);
    say('ping matrix (ok = reply, . = none; same pod must reach, other pod must not):');
    const matrix = await pingMatrix(lab, DEMO_MEMBERS, containers);
    for (const line of renderMatrix(DEMO_MEMBERS, matrix)) say(`  ${line}`);
    const expected = expectedMatrix();
    const ok = JSON.stringify(matrix) === JSON.stringify(expected);
    const flows: Record<string, string> = {};
    for (const h of hosts) {
      const text = (await Promise.all([1, 2].map((p) => lab.ofctl(h, ['dump-flows', lab.mgmtSocket(h, podBridge(p))])))).join('');
      flows[h.name] = text;
      say(`flows on ${h.name}:`);
      for (const l of text.split('\n').filter((x) => x.trim() && !x.includes('reply'))) say(`  ${l.trim()}`);
    }
    say(ok ? 'matrix as expected: pods reach their members across hosts and are isolated from each other' : 'MATRIX DIFFERS FROM EXPECTED');
    return { mode: 'smoke', members: DEMO_MEMBERS, matrix, expected, ok, flows, seconds: (Date.now() - t0) / 1000 };
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
      out.result(r, [`demo (${r.mode}) finished in ${r.seconds.toFixed(1)} s`]);
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
