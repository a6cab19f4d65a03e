import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { LorisError } from '../errors.js';
import { UnixctlClient, parseClusterStatus } from '../ovsdb/unixctl.js';
import { pidAlive, sh, stopPid, waitUntil } from './exec.js';
import type { Lab } from './lab.js';
import { readPid, VSWITCH_SCHEMA } from './ovs.js';

/*
 * Lab: ovsdb-server processes on loopback (127.0.0.1, distinct TCP ports): an N-member Raft cluster built
 * with `ovsdb-tool create-cluster`/`join-cluster`, or one standalone server. Files and pidfiles live under
 * `lab.dir`, so `lab.dispose()` stops every process.
 */

export interface RaftMember {
  readonly index: number;
  readonly dir: string;
  readonly db: string;
  /** Client port (ptcp) and Raft port. */
  readonly port: number;
  readonly raftPort: number;
  readonly remote: string;
  readonly pidFile: string;
  readonly ctl: string;
}

export interface RaftCluster {
  readonly dbName: string;
  readonly members: readonly RaftMember[];
  /** Comma-separated client remotes, as `ovs-vsctl --db=` takes them. */
  readonly remotes: string;
  pid(i: number): number | undefined;
  /** Index of the member that reports `Role: leader` now, if any. */
  leaderIndex(): Promise<number | undefined>;
  /** Waits until some member is leader and every running member is in the cluster. */
  waitForLeader(timeoutMs?: number): Promise<number>;
  /** SIGKILLs a member (no clean leave). */
  kill(i: number): Promise<void>;
  /** Starts a stopped member again with its database file. */
  start(i: number): Promise<void>;
}

/** Free TCP ports on 127.0.0.1 (bound then released). */
export async function freePorts(n: number): Promise<number[]> {
  const out: number[] = [];
  const servers = [];
  for (let i = 0; i < n; i++) {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const a = s.address();
    if (a && typeof a === 'object') out.push(a.port);
    servers.push(s);
  }
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  return out;
}

function schemaName(schema: string): string {
  return String((JSON.parse(readFileSync(schema, 'utf8')) as { name?: string }).name);
}

function startServer(m: RaftMember, extra: string[] = []): number {
  const child = spawn(
    'ovsdb-server',
    [m.db, `--remote=ptcp:${m.port}:127.0.0.1`, `--pidfile=${m.pidFile}`, `--unixctl=${m.ctl}`, `--log-file=${join(m.dir, 'ovsdb-server.log')}`, ...extra],
    { stdio: 'ignore', detached: true, env: { ...process.env, OVS_RUNDIR: m.dir, OVS_LOGDIR: m.dir, OVS_DBDIR: m.dir } },
  );
  child.unref();
  if (child.pid === undefined) throw new LorisError('LORIS_LAB_RAFT', 'could not start ovsdb-server');
  return child.pid;
}

async function waitStarted(m: RaftMember, pid: number): Promise<void> {
  await waitUntil(
    `ovsdb-server ${m.index} pidfile and control socket`,
    // The pidfile is written before the unixctl socket exists: wait for both.
    () => (readPid(m.pidFile) !== undefined && existsSync(m.ctl)) || (!pidAlive(pid) && Promise.reject(new Error(`ovsdb-server exited; see ${join(m.dir, 'ovsdb-server.log')}`))),
    10_000,
  );
}

async function status(m: RaftMember, dbName: string): Promise<ReturnType<typeof parseClusterStatus> | undefined> {
  try {
    const c = await UnixctlClient.connect(m.ctl, { timeoutMs: 1000 });
    try {
      return parseClusterStatus(await c.clusterStatus(dbName));
    } finally {
      c.close();
    }
  } catch {
    return undefined;
  }
}

function member(lab: Lab, tag: string, i: number, port: number, raftPort: number): RaftMember {
  const dir = join(lab.dir, tag, `m${i}`);
  mkdirSync(dir, { recursive: true });
  return { index: i, dir, db: join(dir, 'db'), port, raftPort, remote: `tcp:127.0.0.1:${port}`, pidFile: join(dir, 'ovsdb-server.pid'), ctl: join(dir, 'ovsdb-server.ctl') };
}

let clusterSeq = 0;

/** Creates and starts an N-member (default 3) Raft cluster of `schema` (default vswitch) on loopback. */
export async function createRaftCluster(lab: Lab, o: { size?: number; schema?: string } = {}): Promise<RaftCluster> {
  const size = o.size ?? 3;
  const schema = o.schema ?? VSWITCH_SCHEMA;
  const dbName = schemaName(schema);
  const ports = await freePorts(2 * size);
  const tag = `raft${++clusterSeq}`;
  const members = Array.from({ length: size }, (_, i) => member(lab, tag, i, ports[2 * i], ports[2 * i + 1]));
  const raftAddr = (m: RaftMember): string => `tcp:127.0.0.1:${m.raftPort}`;
  await sh(['ovsdb-tool', 'create-cluster', members[0].db, schema, raftAddr(members[0])]);
  for (const m of members.slice(1)) await sh(['ovsdb-tool', 'join-cluster', m.db, dbName, raftAddr(m), raftAddr(members[0])]);
  const pids = new Map<number, number>();
  for (const m of members) pids.set(m.index, startServer(m));
  for (const m of members) await waitStarted(m, pids.get(m.index) as number);

  const cluster: RaftCluster = {
    dbName,
    members,
    remotes: members.map((m) => m.remote).join(','),
    pid: (i) => readPid(members[i].pidFile),
    async leaderIndex() {
      for (const m of members) {
        const p = readPid(m.pidFile);
        if (!p || !pidAlive(p)) continue;
        const s = await status(m, dbName);
        if (s?.role === 'leader') return m.index;
      }
      return undefined;
    },
    async waitForLeader(timeoutMs = 20_000) {
      return waitUntil(
        'a Raft leader and all running members joined',
        async () => {
          let leader: number | undefined;
          for (const m of members) {
            const p = readPid(m.pidFile);
            if (!p || !pidAlive(p)) continue;
            const s = await status(m, dbName);
            if (!s || !/cluster member/.test(s.status ?? '')) return false;
            if (s.role === 'leader') leader = m.index;
          }
          return leader === undefined ? false : leader + 1;
        },
        timeoutMs,
        50,
      ).then((x) => x - 1);
    },
    async kill(i) {
      const p = readPid(members[i].pidFile);
      if (p && pidAlive(p)) {
        process.kill(p, 'SIGKILL');
        await waitUntil(`member ${i} to die`, () => !pidAlive(p), 5000);
      }
    },
    async start(i) {
      const p = readPid(members[i].pidFile);
      if (p && pidAlive(p)) await stopPid(p);
      const pid = startServer(members[i]);
      await waitUntil(`member ${i} to start`, () => readPid(members[i].pidFile) === pid || (!pidAlive(pid) && Promise.reject(new Error('ovsdb-server exited'))), 10_000);
    },
  };
  await cluster.waitForLeader();
  return cluster;
}

/** A standalone ovsdb-server on 127.0.0.1 (ptcp) with a fresh database of `schema`; extra `--remote`s and arguments allowed. */
export async function startLoopbackOvsdb(lab: Lab, o: { schema?: string; remotes?: string[]; args?: string[] } = {}): Promise<RaftMember & { pid: number }> {
  const [port] = await freePorts(1);
  const m = member(lab, `standalone${++clusterSeq}`, 0, port, 0);
  await sh(['ovsdb-tool', 'create', m.db, o.schema ?? VSWITCH_SCHEMA]);
  const pid = startServer(m, [...(o.remotes ?? []).map((r) => `--remote=${r}`), ...(o.args ?? [])]);
  await waitStarted(m, pid);
  return { ...m, pid };
}
