import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Lab } from '../../../src/lab/index.js';
import { sh, waitUntil } from '../../../src/lab/exec.js';
import { readPid } from '../../../src/lab/ovs.js';
import { lorisSchemaPath } from '../../../src/store/index.js';

/*
 * Test fixture: an N-member Raft cluster of the Loris database on 127.0.0.1, made the way docs/store.md tells
 * operators to (ovsdb-tool create-cluster / join-cluster, one ovsdb-server per member). Everything lives under
 * the lab run's directory, so lab.dispose() stops the servers (pidfiles) and removes the files.
 */

export interface RaftMember {
  readonly index: number;
  readonly remote: string;
  readonly ctl: string;
  readonly pidFile: string;
}

export interface RaftCluster {
  readonly members: readonly RaftMember[];
  readonly remotes: readonly string[];
  /** The member that says "Role: leader" in cluster/status. */
  leader(): Promise<RaftMember>;
  kill(m: RaftMember): void;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

export async function startRaftCluster(lab: Lab, n = 3): Promise<RaftCluster> {
  const dir = join(lab.dir, 'raft');
  mkdirSync(dir, { recursive: true });
  const ports: number[] = [];
  while (ports.length < 2 * n) {
    const p = await freePort();
    if (!ports.includes(p)) ports.push(p);
  }
  const raftAddr = (i: number): string => `tcp:127.0.0.1:${ports[2 * i]}`;
  const members: RaftMember[] = [];
  for (let i = 0; i < n; i++) {
    const db = join(dir, `s${i}.db`);
    if (i === 0) await sh(['ovsdb-tool', 'create-cluster', db, lorisSchemaPath(), raftAddr(0)]);
    else await sh(['ovsdb-tool', 'join-cluster', db, 'Loris', raftAddr(i), raftAddr(0)]);
    const m: RaftMember = { index: i, remote: `tcp:127.0.0.1:${ports[2 * i + 1]}`, ctl: join(dir, `s${i}.ctl`), pidFile: join(dir, `s${i}.pid`) };
    await sh(['ovsdb-server', db, `--remote=ptcp:${ports[2 * i + 1]}:127.0.0.1`, `--unixctl=${m.ctl}`, `--pidfile=${m.pidFile}`, `--log-file=${join(dir, `s${i}.log`)}`, '--detach', '--no-chdir']);
    members.push(m);
  }
  const status = async (m: RaftMember): Promise<string> => sh(['ovs-appctl', '-t', m.ctl, 'cluster/status', 'Loris']);
  const cluster: RaftCluster = {
    members,
    remotes: members.map((m) => m.remote),
    leader: () =>
      waitUntil(
        'a Raft leader',
        async () => {
          for (const m of members) if (readPid(m.pidFile) !== undefined && /Role: leader/.test(await status(m).catch(() => ''))) return m;
          return undefined;
        },
        15_000,
        50,
      ),
    kill: (m) => {
      const pid = readPid(m.pidFile);
      if (pid) process.kill(pid, 'SIGKILL');
    },
  };
  // Every member joined and a leader is elected.
  await waitUntil('all members in the cluster', async () => (await Promise.all(members.map((m) => status(m).catch(() => '')))).every((s) => /Status: cluster member/.test(s)), 20_000, 50);
  await cluster.leader();
  return cluster;
}
