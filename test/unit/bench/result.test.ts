import test from 'ava';
import {
  parseResultLine,
  isResultLine,
  collectResults,
  ratio,
  toResult,
  ResultLineError,
} from '../../../bench/lib/result.js';

const LINE =
  '{"bench":"flow-install","metric":"100k flows","loris":800,"reference":1600,"ratio":2,"unit":"ms","runs":5,"spread":0.04}';

test('parses a well-formed result line', (t) => {
  t.deepEqual(parseResultLine(LINE), {
    bench: 'flow-install',
    metric: '100k flows',
    loris: 800,
    reference: 1600,
    ratio: 2,
    unit: 'ms',
    runs: 5,
    spread: 0.04,
  });
});

test('keeps optional series, seriesX and note', (t) => {
  const r = parseResultLine(
    '{"bench":"scale","metric":"flows","loris":10,"reference":null,"ratio":null,"unit":"flows","runs":3,"spread":null,"series":[{"x":10,"y":1},{"x":100,"y":2,"reference":3}],"seriesX":"endpoints","note":"absolute"}',
  );
  t.deepEqual(r.series, [
    { x: 10, y: 1 },
    { x: 100, y: 2, reference: 3 },
  ]);
  t.is(r.seriesX, 'endpoints');
  t.is(r.note, 'absolute');
});

test('rejects missing or mistyped fields, naming the field', (t) => {
  t.throws(
    () =>
      parseResultLine(
        '{"bench":"x","metric":"m","loris":"1","reference":null,"ratio":null,"unit":"ms","runs":1,"spread":0}',
      ),
    { instanceOf: ResultLineError, message: /"loris"/ },
  );
  t.throws(
    () => parseResultLine('{"bench":"x","loris":1,"reference":null,"ratio":null,"unit":"ms","runs":1,"spread":0}'),
    { instanceOf: ResultLineError, message: /"metric"/ },
  );
  t.throws(
    () => parseResultLine('{"bench":"x","metric":"m","loris":1,"reference":null,"ratio":null,"unit":"ms","spread":0}'),
    { instanceOf: ResultLineError, message: /"runs"/ },
  );
  t.throws(() => parseResultLine('{"bench":'), { instanceOf: ResultLineError, message: /not valid JSON/ });
  t.throws(
    () =>
      parseResultLine(
        '{"bench":"x","metric":"m","loris":1,"reference":null,"ratio":null,"unit":"ms","runs":1,"spread":0,"series":[{"x":1}]}',
      ),
    { instanceOf: ResultLineError, message: /series\[0\]/ },
  );
});

test('collectResults picks result lines out of mixed output and reports bad ones', (t) => {
  const out = ['warming up…', LINE, '  {"bench": "x", "metric": 3}', '{"other":1}', ''].join('\n');
  t.true(isResultLine(LINE));
  t.false(isResultLine('{"other":1}'));
  const { results, errors } = collectResults(out);
  t.is(results.length, 1);
  t.is(errors.length, 1);
  t.regex(errors[0], /"metric"/);
});

test('ratio: > 1 means loris ahead, for times and for rates; null when a side is missing', (t) => {
  t.is(ratio(200, 100), 2);
  t.is(ratio(200, 100, 'higher'), 0.5);
  t.is(ratio(null, 100), null);
  t.is(ratio(100, 0), null);
});

test('toResult computes the ratio, rounds, and defaults runs/spread to null', (t) => {
  const r = toResult({ bench: 'b', metric: 'm', loris: 1 / 3, reference: 1, unit: 'ms' });
  t.is(r.loris, 0.3333);
  t.is(r.ratio, 3);
  t.is(r.runs, null);
  t.is(r.spread, null);
  t.deepEqual(parseResultLine(JSON.stringify(r)), r);
  t.is(toResult({ bench: 'b', metric: 'm', loris: 10, reference: 5, unit: '/s', better: 'higher' }).ratio, 2);
});

test('keeps what, the metric in words, and emit-style input carries it through', (t) => {
  const r = parseResultLine('{"bench":"restart","metric":"controller-restart-lost","loris":0,"reference":2,"ratio":null,"unit":"packets","runs":5,"spread":null,"what":"pings lost over a kill -9"}');
  t.is(r.what, 'pings lost over a kill -9');
  t.is(toResult({ bench: 'b', metric: 'm', what: 'in words', loris: 1, reference: 2, unit: 'ms' }).what, 'in words');
  t.false('what' in toResult({ bench: 'b', metric: 'm', loris: 1, reference: 2, unit: 'ms' }));
});
