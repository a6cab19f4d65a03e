import test from 'ava';
import fc from 'fast-check';
import { median, percentile, spread, summarize, round } from '../../../bench/lib/stats.js';
import { measure, perSecond } from '../../../bench/lib/measure.js';
import { parseBenchArgs, size, sizeId } from '../../../bench/lib/args.js';
import { InvalidArgumentError } from '../../../src/errors.js';

test('median of odd and even counts, order-independent', (t) => {
  t.is(median([3, 1, 2]), 2);
  t.is(median([4, 1, 3, 2]), 2.5);
  t.is(median([7]), 7);
});

test('percentile interpolates between closest ranks', (t) => {
  const s = [1, 2, 3, 4, 5];
  t.is(percentile(s, 0), 1);
  t.is(percentile(s, 50), 3);
  t.is(percentile(s, 100), 5);
  t.is(percentile([10, 20], 99), 19.9);
  t.throws(() => percentile(s, 101), { instanceOf: InvalidArgumentError });
});

test('spread is the relative range (max - min) / median', (t) => {
  t.is(spread([90, 100, 110]), 0.2);
  t.is(spread([5]), 0);
  t.is(spread([0, 0]), 0);
});

test('empty or non-finite samples are rejected with a typed error', (t) => {
  t.throws(() => median([]), { instanceOf: InvalidArgumentError, message: /at least one run/ });
  t.throws(() => summarize([1, Number.NaN]), { instanceOf: InvalidArgumentError });
});

test('summary: min <= median <= max, spread >= 0 (property)', (t) => {
  fc.assert(
    fc.property(fc.array(fc.double({ min: 0, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 50 }), (xs) => {
      const s = summarize(xs);
      return s.min <= s.median && s.median <= s.max && s.spread >= 0 && s.runs === xs.length;
    }),
  );
  t.pass();
});

test('round keeps 4 significant digits', (t) => {
  t.is(round(1234.5678), 1235);
  t.is(round(0.000123456), 0.0001235);
  t.is(round(0), 0);
});

test('measure runs warm-up + runs, times only measured runs, calls hooks', async (t) => {
  const calls: number[] = [];
  const m = await measure((i) => calls.push(i), { runs: 3, warmup: 2, before: () => undefined });
  t.deepEqual(calls, [-2, -1, 0, 1, 2]);
  t.is(m.samples.length, 3);
  t.is(m.runs, 3);
  t.true(m.median >= 0);
  await t.throwsAsync(
    measure(() => 0, { runs: 0 }),
    { instanceOf: InvalidArgumentError },
  );
});

test('perSecond and args', (t) => {
  t.is(perSecond(1000, 500), 2000);
  t.deepEqual(parseBenchArgs(['--small', 'x']), { small: true, rest: ['x'] });
  t.is(size(parseBenchArgs([]), 100, 1), 100);
  t.is(size(parseBenchArgs(['--small']), 100, 1), 1);
});

test('sizeId spells sizes the way metric ids do', (t) => {
  t.is(sizeId(100_000), '100k');
  t.is(sizeId(10_000), '10k');
  t.is(sizeId(1_000), '1k');
  t.is(sizeId(150), '150');
  t.is(sizeId(1_500), '1500');
});
