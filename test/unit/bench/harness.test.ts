import test from 'ava';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBench, lastErrorLine } from '../../../bench/lib/harness.js';
import { planBenches, BENCHES } from '../../../bench/lib/benches.js';
import { parseOptions, fileStamp } from '../../../bench/lib/cli.js';
import { InvalidArgumentError } from '../../../src/errors.js';
import { waitUntil } from '../../../src/lab/exec.js';

// Fake benches, written to a temp bench/ directory: each runs as a real child process through tsx.
const FAKES: Record<string, string> = {
  good: `
    const n: number = process.argv.includes('--small') ? 1 : 2;
    console.error('progress: warming up');
    console.log('not a result line');
    console.log(JSON.stringify({ bench: 'good', metric: 'size ' + n, loris: 1, reference: 2, ratio: 2, unit: 'ms', runs: 3, spread: 0.1 }));
    console.log(JSON.stringify({ bench: 'good', metric: 'abs', loris: 5, reference: null, ratio: null, unit: 'MiB', runs: 3, spread: null, note: 'absolute' }));
  `,
  crash: `
    console.log(JSON.stringify({ bench: 'crash', metric: 'early', loris: 1, reference: 1, ratio: 1, unit: 'ms', runs: 3, spread: 0 }));
    throw new Error('cannot open the mgmt socket');
  `,
  silent: `console.log('done, but forgot to emit');`,
  bad: `console.log('{"bench":"bad","metric":"m","loris":"fast"}');`,
};

let root = '';
let benchDir = '';
const lines: string[] = [];
const echo = (l: string): void => {
  lines.push(l);
};

test.before(async () => {
  root = await mkdtemp(join(tmpdir(), 'loris-bench-test-'));
  benchDir = join(root, 'bench');
  await mkdir(benchDir);
  for (const [name, src] of Object.entries(FAKES)) await writeFile(join(benchDir, `${name}.ts`), src);
  // Run by /bin/sh (SH_RUNNER) rather than tsx, so it starts at once even on a loaded machine.
  await writeFile(join(benchDir, 'hang.ts'), 'sleep 1000 &\necho child $!\nwait\n');
});

test.after.always(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

const SH_RUNNER = ['/bin/sh'];
const info = (name: string) => ({ name, compares: `fake ${name}`, timeoutS: 60 });

test('a bench that emits results is ok; its result lines are parsed, the rest echoed with a prefix', async (t) => {
  const o = await runBench(info('good'), { benchDir, small: true, timeoutS: 60, echo });
  t.is(o.status, 'ok', o.reason);
  t.is(o.exitCode, 0);
  t.deepEqual(
    o.results.map((r) => r.metric),
    ['size 1', 'abs'],
  );
  t.is(o.results[1].note, 'absolute');
  t.true(lines.includes('[good] progress: warming up'));
  t.true(lines.includes('[good] not a result line'));
});

test('a crashing bench is failed, says why, and keeps the results it printed', async (t) => {
  const o = await runBench(info('crash'), { benchDir, small: false, timeoutS: 60, echo });
  t.is(o.status, 'failed');
  t.not(o.exitCode, 0);
  t.regex(o.reason, /cannot open the mgmt socket/);
  t.is(o.results.length, 1);
});

test('exit 0 without result lines, or with malformed ones, is no-results with the reason', async (t) => {
  const silent = await runBench(info('silent'), { benchDir, small: false, timeoutS: 60, echo });
  t.is(silent.status, 'no-results');
  t.regex(silent.reason, /no \{"bench"/);
  const bad = await runBench(info('bad'), { benchDir, small: false, timeoutS: 60, echo });
  t.is(bad.status, 'no-results');
  t.regex(bad.reason, /"loris"/);
  t.is(bad.badLines.length, 1);
});

test('a missing bench is not implemented, without running anything', async (t) => {
  const o = await runBench(info('connect'), { benchDir, small: false, timeoutS: 60, echo });
  t.is(o.status, 'not-implemented');
  t.regex(o.reason, /bench\/connect\.ts does not exist/);
});

test('a bench past its timeout is stopped with its whole process group', async (t) => {
  const o = await runBench(info('hang'), {
    benchDir,
    small: false,
    timeoutS: 2,
    echo,
    killGraceMs: 500,
    runner: SH_RUNNER,
  });
  t.is(o.status, 'timeout');
  t.regex(o.reason, /timed out after 2 s/);
  const m = lines.map((l) => /^\[hang\] child (\d+)$/.exec(l)).find((x) => x);
  t.truthy(m, 'the fake bench printed its child pid');
  const pid = Number(m?.[1]);
  // Gone, or a zombie waiting for its new parent to reap it: either way no longer running.
  const stopped = async (): Promise<boolean> => {
    try {
      return (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.startsWith('Z') ?? true;
    } catch {
      return true;
    }
  };
  await waitUntil("the fake bench's grandchild to stop", stopped, 5000);
  t.true(await stopped());
});

test('an abort signal interrupts the running bench', async (t) => {
  const ac = new AbortController();
  const abortWhenStarted = (l: string): void => {
    if (l.startsWith('[hang] child ')) ac.abort();
  };
  const o = await runBench(info('hang'), {
    benchDir,
    small: false,
    timeoutS: 60,
    echo: abortWhenStarted,
    killGraceMs: 500,
    signal: ac.signal,
    runner: SH_RUNNER,
  });
  t.is(o.status, 'failed');
  t.regex(o.reason, /interrupted/);
});

test('planBenches: known ones in order, then extra files, harness files excluded; subsets keep unknown names', (t) => {
  const all = planBenches(['run', 'render', 'attach', 'zeta', 'alpha', 'zz-prof-tmp', '_scratch']);
  t.deepEqual(
    all.map((b) => b.name),
    [...BENCHES.map((b) => b.name), 'alpha', 'zeta'],
  );
  t.deepEqual(
    planBenches(['attach'], ['attach', 'nope']).map((b) => b.name),
    ['attach', 'nope'],
  );
});

test('parseOptions and fileStamp', (t) => {
  const o = parseOptions(['--small', 'bench/attach.ts', 'scale', '--timeout', '30', '--strict']);
  t.deepEqual(o.only, ['attach', 'scale']);
  t.true(o.small);
  t.true(o.strict);
  t.is(o.timeoutS, 30);
  t.throws(() => parseOptions(['--timeout', 'x']), { instanceOf: InvalidArgumentError });
  t.true(parseOptions(['--update', 'connect']).update);
  t.throws(() => parseOptions(['--update']), {
    instanceOf: InvalidArgumentError,
    message: /--update needs the benches/,
  });
  t.throws(() => parseOptions(['--bogus']), { instanceOf: InvalidArgumentError, message: /unknown option --bogus/ });
  t.is(fileStamp(new Date('2026-12-03T14:05:09.123Z')), '2026-12-03T14-05-09Z');
});

test('lastErrorLine prefers an error line over trailing noise', (t) => {
  t.is(lastErrorLine('a\nError: boom\n    at x (f.ts:1)\n\n'), 'Error: boom');
  t.is(lastErrorLine('just text\n'), 'just text');
  t.is(lastErrorLine(''), '');
});
