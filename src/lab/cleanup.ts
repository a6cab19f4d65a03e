import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { LAB_ROOT, isLabName, runIdOf } from './names.js';
import { NETNS_DIR, delNetnsSync } from './netns.js';

/*
 * Synchronous teardown of one lab run, usable from `dispose()`, from a process-exit handler
 * (where nothing asynchronous runs) and from the stale-run sweep at start. It only touches what the
 * run created: processes recorded in pid files under the run's directory, network namespaces named
 * with the run id, and mounts under the run's directory.
 */

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A daemon this process started and killed stays a zombie until Node reaps it, which can't happen
  // while this code waits synchronously: count a zombie as gone (else each stop waits its full grace).
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function stopSync(pid: number, graceMs: number): void {
  if (!alive(pid)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) sleepSync(10);
  if (alive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
    const d2 = Date.now() + 2000;
    while (alive(pid) && Date.now() < d2) sleepSync(10);
  }
}

function readPid(file: string): number | undefined {
  try {
    const n = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

function pidFiles(dir: string, depth = 0): string[] {
  if (depth > 2 || !existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory() && e.name !== 'data' && e.name !== 'x') out.push(...pidFiles(p, depth + 1));
    else if (e.isFile() && e.name.endsWith('.pid') && e.name !== 'owner.pid') out.push(p);
  }
  return out;
}

/** Processes whose command line mentions `needle` (e.g. containerd shims of a crashed engine). */
function pidsMentioning(needle: string): number[] {
  const out: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p) || Number(p) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(needle)) out.push(Number(p));
    } catch {
      /* gone */
    }
  }
  return out;
}

export function cleanupRunSync(runId: string): void {
  const dir = join(LAB_ROOT, runId);
  // 1. Docker containers of this run, while its engine still answers.
  const dk = join(dir, 'dk');
  const dockerPid = readPid(join(dk, 'dockerd.pid'));
  if (dockerPid && alive(dockerPid)) {
    const host = `unix://${join(dk, 'd.sock')}`;
    const ps = spawnSync('docker', ['-H', host, 'ps', '-aq'], { encoding: 'utf8', timeout: 10_000 });
    const ids = (ps.stdout ?? '').split(/\s+/).filter(Boolean);
    if (ids.length) spawnSync('docker', ['-H', host, 'rm', '-f', ...ids], { timeout: 60_000 });
  }
  // 2. Every daemon the run started (vswitchd before ovsdb-server, dockerd last).
  const files = pidFiles(dir).sort((a, b) => rank(a) - rank(b));
  for (const f of files) {
    const pid = readPid(f);
    if (pid) stopSync(pid, f.includes('dockerd') ? 10_000 : 3000);
  }
  for (const pid of pidsMentioning(dir)) stopSync(pid, 2000);
  // 3. Mounts under the run dir, deepest first.
  const mounts = readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[1])
    .filter((m): m is string => !!m && m.startsWith(dir + '/'))
    .sort()
    .reverse();
  for (const m of mounts) spawnSync('umount', ['-l', m]);
  // 4. Namespaces named after the run (their links go with them).
  if (existsSync(NETNS_DIR)) {
    for (const ns of readdirSync(NETNS_DIR)) {
      if (runIdOf(ns) === runId) delNetnsSync(ns);
    }
  }
  rmSync(dir, { recursive: true, force: true });
}

function rank(f: string): number {
  if (f.includes('vswitchd')) return 0;
  if (f.includes('ovsdb')) return 1;
  if (f.includes('containerd')) return 3;
  if (f.includes('dockerd')) return 2;
  return 1;
}

/**
 * Removes what crashed lab runs left behind: run directories whose owner process is gone, and
 * namespaces named with the lab prefix whose run has no live owner. Live runs (another test file
 * running in parallel) are left alone.
 */
export function sweepStaleRuns(): string[] {
  const swept = new Set<string>();
  const live = (runId: string): boolean => {
    const owner = readPid(join(LAB_ROOT, runId, 'owner.pid'));
    return owner !== undefined && alive(owner);
  };
  if (existsSync(LAB_ROOT)) {
    for (const d of readdirSync(LAB_ROOT)) {
      if (isLabName(d) && !live(d)) swept.add(d);
    }
  }
  if (existsSync(NETNS_DIR)) {
    for (const ns of readdirSync(NETNS_DIR)) {
      const id = runIdOf(ns);
      if (id && !live(id)) swept.add(id);
    }
  }
  for (const id of swept) cleanupRunSync(id);
  return [...swept];
}
