import test from 'ava';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../../src/lab/exec.js';
import { readRunRecord } from '../../../bench/render.js';

// The harness CLI end to end, on a bench name that has no file: nothing is benchmarked, but the run record, the
// report and the exit codes are the real ones.
test('run.ts writes a run record and a report, and --strict fails on a missing named bench', async (t) => {
  const out = await mkdtemp(join(tmpdir(), 'loris-run-cli-'));
  try {
    const argv = [process.execPath, '--import', 'tsx', 'bench/run.ts', '--small', '--out', out, 'no-such-bench'];
    const lenient = await run(argv, { timeoutMs: 60_000 });
    t.is(lenient.code, 0, lenient.stderr);
    t.regex(lenient.stderr, /no-such-bench\s+not-implemented/);
    const strict = await run([...argv, '--strict'], { timeoutMs: 60_000 });
    t.is(strict.code, 1, strict.stderr);
    t.regex(strict.stderr, /--strict: 1 bench\(es\) did not run cleanly: no-such-bench/);

    const records = (await readdir(out)).filter((f) => f.endsWith('.json'));
    t.true(records.length >= 1);
    const rec = await readRunRecord(join(out, records[0]));
    t.true(rec.small);
    t.deepEqual(
      rec.benches.map((b) => [b.name, b.status]),
      [['no-such-bench', 'not-implemented']],
    );
    t.true(rec.machine.cores > 0);
    t.truthy(rec.machine.node);
    const md = await readFile(join(out, 'REPORT.md'), 'utf8');
    t.true(md.includes('**not implemented**: bench/no-such-bench.ts does not exist yet'));

    // --update reruns named benches on top of the newest record in the output directory.
    const upd = await run(
      [process.execPath, '--import', 'tsx', 'bench/run.ts', '--small', '--out', out, '--update', 'other-bench'],
      {
        timeoutMs: 60_000,
      },
    );
    t.is(upd.code, 0, upd.stderr);
    const newest = (await readdir(out)).filter((f) => f.endsWith('.json')).sort();
    const merged = await readRunRecord(join(out, newest[newest.length - 1]));
    t.deepEqual(
      merged.benches.map((b) => b.name),
      ['no-such-bench', 'other-bench'],
    );
    t.deepEqual(merged.update?.rerun, ['other-bench']);

    const bad = await run([process.execPath, '--import', 'tsx', 'bench/run.ts', '--bogus'], { timeoutMs: 60_000 });
    t.is(bad.code, 2);
    t.regex(bad.stderr, /unknown option --bogus; usage:/);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
