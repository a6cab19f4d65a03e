import test from 'ava';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitForPath, watchPath } from '../../../src/controller/switch-io.js';

const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('watchPath counts a creation that happens between two waits, and a wait ends early at the next one', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'loris-watch-'));
  const path = join(dir, 'br-int.mgmt');
  const w = watchPath(path);
  try {
    t.is(w.events, 0);
    // Nobody is waiting (the controller is busy in a connect attempt): the event must still be counted.
    writeFileSync(path, '');
    await settle(50);
    t.true(w.events > 0, 'the creation was counted');
    const seen = w.events;
    // A wait ends at the next event, long before its timeout.
    const t0 = performance.now();
    setTimeout(() => unlinkSync(path), 30);
    await w.wait(5000);
    t.true(performance.now() - t0 < 2000, 'woken by the removal, not the 5 s timeout');
    t.true(w.events > seen);
    // A wait with no event ends at its timeout; wake() ends one at once.
    const t1 = performance.now();
    await w.wait(40);
    t.true(performance.now() - t1 >= 35);
    const t2 = performance.now();
    setTimeout(() => w.wake(), 20);
    await w.wait(5000);
    t.true(performance.now() - t2 < 2000);
  } finally {
    w.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('waitForPath: one wait, ended by the path appearing, by wake(), or by its timeout when the directory is missing', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'loris-watch-'));
  try {
    const a = waitForPath(join(dir, 's'), 5000);
    setTimeout(() => writeFileSync(join(dir, 's'), ''), 20);
    const t0 = performance.now();
    await a.done;
    t.true(performance.now() - t0 < 2000);
    const b = waitForPath(join(dir, 'other'), 5000);
    setTimeout(() => b.wake(), 20);
    await b.done;
    const t1 = performance.now();
    await waitForPath(join(dir, 'no-such-dir', 's'), 30).done;
    t.true(performance.now() - t1 >= 25);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
