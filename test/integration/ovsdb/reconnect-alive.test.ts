import test from 'ava';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Lab } from '../../../src/lab/index.js';
import { readPid, startOvsdbServer } from '../../../src/lab/ovs.js';
import { stopPid, waitUntil } from '../../../src/lab/exec.js';

/*
 * A program whose only pending work is an OvsdbClient reconnecting must not exit: the child connects, the server
 * goes away for a while (the client sits in its backoff between failed attempts), comes back, and the child must
 * still reconnect, transact and exit 0 — not exit early (status 13, unfinished top-level await).
 */

test('a process with nothing else pending stays alive through a reconnect and completes a transact', async (t) => {
  const lab = await Lab.create();
  try {
    const h = await lab.addHost('h1');
    const child = spawn(process.execPath, ['--import=tsx', fileURLToPath(new URL('./reconnect-child.ts', import.meta.url)), h.ovs.dbSock], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    let code: number | null | undefined;
    void exited.then((c) => (code = c));
    await waitUntil('the child to connect', () => out.includes('connected\n'), 30_000, 20);
    await stopPid(readPid(h.ovs.dbPid) as number);
    await waitUntil('the child to see the disconnect', () => out.includes('disconnected\n'), 10_000, 20);
    // The server stays down across several failed attempts and backoff sleeps; the child must not exit meanwhile.
    const downUntil = Date.now() + 1500;
    await waitUntil('the down window to pass', () => code !== undefined || Date.now() > downUntil, 5000, 50);
    t.is(code, undefined, `the child exited while its client was reconnecting: ${out}`);
    await startOvsdbServer(h.netns, h.ovs);
    t.is(await exited, 0, out);
    t.regex(out, /transacted 1\n/);
  } finally {
    await lab.dispose();
  }
});
