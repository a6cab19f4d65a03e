import { spawn, type SpawnOptions } from 'node:child_process';
import { LorisError } from '../errors.js';

/**
 * Lab-only process runner. The lab is test and demo infrastructure: it starts the OVS daemons and
 * dockerd as processes, and uses `ip`/`ovs-vsctl` only where loris's own protocol code does not yet
 * cover a step (each such use is marked with the issue that replaces it). The product never imports this.
 */
export class LabCommandError extends LorisError {
  readonly argv: string[];
  readonly exitCode: number | null;
  readonly stderr: string;
  constructor(argv: string[], exitCode: number | null, stderr: string) {
    super('LORIS_LAB_COMMAND', `lab command failed (exit ${exitCode}): ${argv.join(' ')}: ${stderr.trim()}`);
    this.argv = argv;
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number | null;
}

export function run(argv: string[], opts: { input?: string | Buffer; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const so: SpawnOptions = { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ?? process.env };
    const child = spawn(argv[0], argv.slice(1), so);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    let timer: NodeJS.Timeout | undefined;
    if (opts.timeoutMs) timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(new LabCommandError(argv, null, String(e)));
    });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), code });
    });
    // A child that exits or closes stdin at once makes this write fail with EPIPE; that is not an error here.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(opts.input ?? '');
  });
}

/** Runs a command and throws `LabCommandError` on a non-zero exit. Returns stdout. */
export async function sh(argv: string[], opts: { input?: string | Buffer; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<string> {
  const r = await run(argv, opts);
  if (r.code !== 0) throw new LabCommandError(argv, r.code, r.stderr);
  return r.stdout;
}

/** Polls `check` until it returns a truthy value or the deadline passes. Never a bare sleep. */
export async function waitUntil<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000, intervalMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      lastErr = e;
    }
    if (Date.now() > deadline) {
      throw new LorisError('LORIS_LAB_TIMEOUT', `timed out after ${timeoutMs} ms waiting for ${what}${lastErr ? `: ${String(lastErr)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Sends SIGTERM, waits, then SIGKILL. Only for PIDs the lab started itself. */
export async function stopPid(pid: number, graceMs = 3000): Promise<void> {
  if (!pidAlive(pid)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (pidAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  if (pidAlive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    const d2 = Date.now() + 2000;
    while (pidAlive(pid) && Date.now() < d2) await new Promise((r) => setTimeout(r, 20));
  }
}
