/**
 * Running Python reference implementations (os-ken's OpenFlow parser, OVS's Python IDL). These live in Debian's
 * python3 (`/usr/bin/python3`), which the `python3` first on PATH may not be.
 */
import { ResultLineError } from './result.js';
import { commandError, runTimed, type CommandOptions } from './command.js';

export const SYSTEM_PYTHON = '/usr/bin/python3';

/** Runs a Python program given as source text (on stdin is taken by the script itself, so it goes as `-c`). */
export async function runPython(source: string, args: string[] = [], opts: CommandOptions = {}): Promise<string> {
  const argv = [SYSTEM_PYTHON, '-c', source, ...args];
  const r = await runTimed(argv, opts);
  if (r.code !== 0) throw commandError([SYSTEM_PYTHON, '-c', '<script>', ...args], r, opts);
  return r.stdout;
}

/**
 * Runs a Python program that prints one JSON value on its last stdout line (e.g. `print(json.dumps({...}))`) and
 * returns that value. Time inside Python (`time.perf_counter()`) so interpreter start-up is not counted.
 */
export async function runPythonJson<T>(source: string, args: string[] = [], opts: CommandOptions = {}): Promise<T> {
  const out = (await runPython(source, args, opts)).trimEnd();
  const last = out.slice(out.lastIndexOf('\n') + 1);
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new ResultLineError(
      `the Python reference printed ${JSON.stringify(last.slice(0, 120))} as its last line, not JSON`,
    );
  }
}

/** True when `/usr/bin/python3` can import `module` (e.g. `os_ken.ofproto.ofproto_v1_3_parser`, `ovs.db.idl`). */
export async function hasPythonModule(module: string): Promise<boolean> {
  try {
    const r = await runTimed([SYSTEM_PYTHON, '-c', `import ${module}`], { timeoutMs: 30_000 });
    return r.code === 0;
  } catch {
    return false;
  }
}
