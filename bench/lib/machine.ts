/** A description of the machine a run happened on, stored with the results and printed in the report. */
import { cpus, totalmem, release, hostname } from 'node:os';
import { readFile } from 'node:fs/promises';
import { run } from '../../src/lab/exec.js';

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  os: string;
  node: string;
  ovs: string;
  hostname: string;
  /** `git describe --always --dirty` of the tree the benches ran from, or null outside a checkout. */
  commit: string | null;
}

async function firstLine(argv: string[]): Promise<string | null> {
  try {
    const r = await run(argv, { timeoutMs: 10_000 });
    return r.code === 0 ? (r.stdout.split('\n')[0]?.trim() ?? null) : null;
  } catch {
    return null;
  }
}

async function osName(): Promise<string> {
  try {
    const text = await readFile('/etc/os-release', 'utf8');
    const m = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(text);
    return m ? m[1] : 'unknown';
  } catch {
    return 'unknown';
  }
}

export async function describeMachine(): Promise<Machine> {
  const c = cpus();
  const ovsLine = await firstLine(['ovs-vswitchd', '--version']);
  return {
    cpuModel: c[0]?.model.trim() ?? 'unknown',
    cores: c.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    os: await osName(),
    node: process.version,
    ovs: ovsLine ? (/(\d+\.\d+\.\d+\S*)/.exec(ovsLine)?.[1] ?? ovsLine) : 'not installed',
    hostname: hostname(),
    commit: await firstLine(['git', 'describe', '--always', '--dirty']),
  };
}
