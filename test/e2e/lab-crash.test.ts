import test from 'ava';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sweepStaleRuns } from '../../src/lab/index.js';
import { waitUntil } from '../../src/lab/exec.js';

function processesMentioning(needle: string): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(needle);
      } catch {
        return false;
      }
    })
    .map(Number);
}

function namespacesOf(runId: string): string[] {
  return existsSync('/var/run/netns') ? readdirSync('/var/run/netns').filter((n) => n.startsWith(runId)) : [];
}

test('a lab run killed with SIGKILL mid-run is swept by the next run: no namespaces, daemons, containers or dirs left', async (t) => {
  const child = spawn(process.execPath, ['--import=tsx', fileURLToPath(new URL('./lab-crash-child.ts', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  const info = await waitUntil('the child lab to come up', () => {
    const line = out.split('\n').find((l) => l.startsWith('{'));
    return line ? (JSON.parse(line) as { runId: string; dir: string; dockerPid: number }) : undefined;
  }, 120_000, 50);
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));

  // The crash left the run's objects behind: namespaces, OVS daemons, dockerd and its container.
  t.true(namespacesOf(info.runId).length >= 2, 'host and container namespaces are still there after the crash');
  t.true(processesMentioning(info.dir).length >= 3, 'ovsdb-server, ovs-vswitchd and dockerd are still running after the crash');

  t.true(existsSync(`/proc/${info.dockerPid}`), 'the Docker container is still running after the crash');
  const swept = sweepStaleRuns();
  t.true(swept.includes(info.runId), 'the sweep names the crashed run');
  t.deepEqual(namespacesOf(info.runId), []);
  t.deepEqual(processesMentioning(info.dir), []);
  t.deepEqual(processesMentioning(info.runId), [], 'no container process of the run (docker names carry the run id)');
  await waitUntil('the container process to be reaped', () => !existsSync(`/proc/${info.dockerPid}`), 10_000);
  t.false(existsSync(`/proc/${info.dockerPid}`), 'the Docker container is gone');
  t.false(existsSync(info.dir));
  t.deepEqual(readFileSync('/proc/mounts', 'utf8').split('\n').filter((l) => l.includes(info.dir)), []);
});
