import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AgentError } from './errors.js';
import { spawnSelf } from './self.js';
import type { AgentInfo } from './types.js';

/**
 * The background agent's files under the run dir: `agent.pid` (written by the agent itself once its
 * controller is up, so a pidfile means "ready") and `agent.log`.
 */
export function agentPaths(runDir: string): { pidfile: string; log: string } {
  return { pidfile: join(runDir, 'agent.pid'), log: join(runDir, 'agent.log') };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when `pid` runs a loris agent (guards against a stale pidfile whose pid was reused). */
function isAgent(pid: number): boolean {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.includes('agent');
  } catch {
    return false;
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

/** Whether an agent for this run dir is running. */
export function agentStatus(runDir: string): AgentInfo {
  const { pidfile, log } = agentPaths(runDir);
  const pid = readPid(pidfile);
  if (pid !== undefined && alive(pid) && isAgent(pid)) return { running: true, pid, pidfile, log };
  return { running: false, pidfile, log };
}

/** Called by the agent once it is serving: records its pid. */
export function writeAgentPidfile(runDir: string): void {
  mkdirSync(runDir, { recursive: true });
  writeFileSync(agentPaths(runDir).pidfile, `${process.pid}\n`);
}

/** Called by the agent on exit: removes its pidfile if it is still its own. */
export function removeAgentPidfile(runDir: string): void {
  const { pidfile } = agentPaths(runDir);
  if (readPid(pidfile) === process.pid) rmSync(pidfile, { force: true });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `loris agent` detached, with `args` (global options), and waits until it has written its
 * pidfile (ready) or exited (AgentError quoting the end of its log).
 */
export async function startAgent(runDir: string, args: readonly string[], timeoutMs = 15_000): Promise<AgentInfo> {
  const { pidfile, log } = agentPaths(runDir);
  mkdirSync(runDir, { recursive: true });
  rmSync(pidfile, { force: true });
  let exited: number | null | undefined;
  const pid = spawnSelf([...args, 'agent'], log, (code) => {
    exited = code;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (readPid(pidfile) === pid) return { running: true, started: true, pid, pidfile, log };
    if (exited !== undefined) break;
    await sleep(25);
  }
  if (exited === undefined) process.kill(pid, 'SIGTERM');
  let tail = '';
  try {
    tail = readFileSync(log, 'utf8').trim().split('\n').slice(-3).join(' | ');
  } catch {
    /* no log */
  }
  throw new AgentError(
    `loris agent ${exited === undefined ? `did not become ready within ${timeoutMs} ms` : `exited (status ${exited})`}${tail ? `: ${tail}` : ''}; see ${log}, or run \`loris agent\` in the foreground`,
  );
}

/** Stops the agent (SIGTERM, then SIGKILL after `graceMs`). Returns false when none was running. */
export async function stopAgent(runDir: string, graceMs = 5000): Promise<boolean> {
  const st = agentStatus(runDir);
  if (!st.running || st.pid === undefined) {
    if (st.pidfile) rmSync(st.pidfile, { force: true });
    return false;
  }
  process.kill(st.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive(st.pid) && Date.now() < deadline) await sleep(20);
  if (alive(st.pid)) process.kill(st.pid, 'SIGKILL');
  if (st.pidfile) rmSync(st.pidfile, { force: true });
  rmSync(join(runDir, 'agent.sock'), { force: true });
  return true;
}
