import test from 'ava';
import { timeCommand, runTimed, which } from '../../../bench/lib/command.js';
import { runPython, runPythonJson, hasPythonModule } from '../../../bench/lib/python.js';
import { ResultLineError } from '../../../bench/lib/result.js';
import { LabCommandError } from '../../../src/lab/exec.js';
import { TimeoutError } from '../../../src/errors.js';

test('timeCommand times a command and says why one failed: exit code or timeout', async (t) => {
  t.true((await timeCommand(['true'])) >= 0);
  await t.throwsAsync(timeCommand(['sh', '-c', 'echo nope >&2; exit 3']), {
    instanceOf: LabCommandError,
    message: /exit 3.*nope/,
  });
  await t.throwsAsync(timeCommand(['sleep', '5'], { timeoutMs: 200 }), {
    instanceOf: TimeoutError,
    message: /sleep 5/,
  });
  const r = await runTimed(['sh', '-c', 'exit 4']);
  t.is(r.code, 4);
});

test('which finds tools on PATH or returns null', async (t) => {
  t.regex((await which('sh')) ?? '', /\/sh$/);
  t.is(await which('no-such-tool-loris'), null);
});

test('runPythonJson returns the last line as JSON; failures are typed', async (t) => {
  t.deepEqual(
    await runPythonJson<number[]>('import json, sys\nprint("progress")\nprint(json.dumps([len(sys.argv), 2]))', ['a']),
    [2, 2],
  );
  await t.throwsAsync(runPythonJson('print("not json")'), { instanceOf: ResultLineError });
  await t.throwsAsync(runPython('import sys; sys.exit(5)'), { instanceOf: LabCommandError, message: /<script>/ });
  t.true(await hasPythonModule('json'));
  t.false(await hasPythonModule('no_such_module_loris'));
});
