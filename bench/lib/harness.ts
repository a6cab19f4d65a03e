/**
 * Runs one benchmark as a child process (`node --import tsx bench/<name>.ts [--small]`) with a timeout, echoes its
 * output with a `[name]` prefix, and collects its result lines. A failing bench becomes an outcome that says why;
 * it never throws.
 */
import { spawn } from 'node:child_process';
import { access } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { collectResults, isResultLine, type BenchResult } from './result.js';
import { nowMs } from './measure.js';
import type { BenchInfo } from './benches.js';

export type BenchStatus = 'ok' | 'failed' | 'timeout' | 'no-results' | 'not-implemented';

export interface BenchOutcome {
  name: string;
  compares: string;
  /** ISO time the bench started (absent in records from before this field). */
  startedAt?: string;
  status: BenchStatus;
  /** Why the bench is not `ok`, in one line (empty when ok). */
  reason: string;
  exitCode: number | null;
  durationS: number;
  results: BenchResult[];
  /** Result lines the harness could not parse, with what was wrong. */
  badLines: string[];
}

export interface RunBenchOptions {
  benchDir: string;
  small: boolean;
  timeoutS: number;
  /** Where to echo the child's output (default: stderr). */
  echo?: (line: string) => void;
  /** Grace after SIGTERM before SIGKILL, in ms (default 10 s). */
  killGraceMs?: number;
  /** The command that runs a .ts file (default: this node with `--import tsx`). */
  runner?: string[];
  /** Aborting stops the bench (SIGTERM to its process group, SIGKILL after the grace) and marks it interrupted. */
  signal?: AbortSignal;
}

/** The last non-empty line of stderr that looks like an error, else the last non-empty line. */
export function lastErrorLine(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  const err = [...lines]
    .reverse()
    .find((l) => /error|fail|cannot|not found|denied|refused/i.test(l) && !l.startsWith('at '));
  return (err ?? lines[lines.length - 1] ?? '').slice(0, 300);
}

/** Splits a stream into lines, calling `onLine` for each complete one; `flush()` emits the remainder. */
function lineSplitter(onLine: (line: string) => void): { push(chunk: Buffer): void; flush(): void } {
  let buf = '';
  return {
    push(chunk) {
      buf += chunk.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        onLine(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
    },
    flush() {
      if (buf.length > 0) onLine(buf);
      buf = '';
    },
  };
}

export async function runBench(info: BenchInfo, opts: RunBenchOptions): Promise<BenchOutcome> {
  const file = join(opts.benchDir, `${info.name}.ts`);
  const base = {
    name: info.name,
    compares: info.compares,
    startedAt: new Date().toISOString(),
    exitCode: null,
    durationS: 0,
    results: [],
    badLines: [],
  };
  try {
    await access(file);
  } catch {
    return { ...base, status: 'not-implemented', reason: `bench/${info.name}.ts does not exist yet` };
  }
  const echo = opts.echo ?? ((l: string) => process.stderr.write(`${l}\n`));
  // tsx resolved from here, so a bench directory outside the repo (tests) works too.
  const runner = opts.runner ?? [process.execPath, '--import', import.meta.resolve('tsx')];
  const argv = [...runner, file, ...(opts.small ? ['--small'] : [])];
  const t0 = nowMs();
  let resultLines = ''; // only the {"bench"… lines: progress output may be large
  let stderr = '';
  let timedOut = false;
  let interrupted = false;
  const code = await new Promise<number | null>((resolve) => {
    // detached: the bench gets its own process group, so a timeout can stop the daemons it started too.
    const child = spawn(argv[0], argv.slice(1), {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      cwd: dirname(opts.benchDir),
    });
    const out = lineSplitter((l) => {
      if (isResultLine(l)) resultLines += `${l}\n`;
      echo(`[${info.name}] ${l}`);
    });
    const err = lineSplitter((l) => {
      stderr += `${l}\n`;
      if (stderr.length > 64_000) stderr = stderr.slice(-32_000);
      echo(`[${info.name}] ${l}`);
    });
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const signalGroup = (sig: NodeJS.Signals): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, sig);
      } catch {
        // the group is already gone
      }
    };
    let killTimer: NodeJS.Timeout | undefined;
    const stop = (why: string): void => {
      if (killTimer) return;
      echo(`[${info.name}] ${why}; stopping it`);
      signalGroup('SIGTERM');
      killTimer = setTimeout(() => signalGroup('SIGKILL'), opts.killGraceMs ?? 10_000);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop(`timed out after ${opts.timeoutS} s`);
    }, opts.timeoutS * 1000);
    const onAbort = (): void => {
      interrupted = true;
      stop('interrupted');
    };
    if (opts.signal?.aborted) onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e) => {
      stderr += `cannot start ${argv.join(' ')}: ${e.message}\n`;
    });
    child.on('close', (c) => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      opts.signal?.removeEventListener('abort', onAbort);
      out.flush();
      err.flush();
      resolve(c);
    });
  });
  const durationS = Math.round((nowMs() - t0) / 100) / 10;
  const { results, errors } = collectResults(resultLines);
  const outcome: BenchOutcome = {
    ...base,
    status: 'ok',
    reason: '',
    exitCode: code,
    durationS,
    results,
    badLines: errors,
  };
  if (interrupted) {
    outcome.status = 'failed';
    outcome.reason = 'interrupted (SIGINT) before it finished';
  } else if (timedOut) {
    outcome.status = 'timeout';
    outcome.reason = `timed out after ${opts.timeoutS} s${results.length ? ` (${results.length} results before that kept)` : ''}`;
  } else if (code !== 0) {
    outcome.status = 'failed';
    outcome.reason = `exit ${code ?? 'by signal'}: ${lastErrorLine(stderr) || 'no error output'}`;
  } else if (results.length === 0) {
    outcome.status = 'no-results';
    outcome.reason = errors.length
      ? `malformed result lines: ${errors[0]}`
      : 'exited 0 but printed no {"bench"…} result line';
  } else if (errors.length) {
    outcome.reason = `${errors.length} malformed result line(s) ignored: ${errors[0]}`;
  }
  return outcome;
}
