import test from 'ava';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { EXIT_CODES, exitStatusFor } from '../../../src/cli/exit-codes.js';
import { main } from '../../../src/cli/main.js';
import { Output, table } from '../../../src/cli/output.js';
import { LORIS_VERSION } from '../../../src/cli/program.js';

class Sink extends Writable {
  text = '';
  isTTY = false;
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

async function loris(...args: string[]): Promise<{ status: number; out: string; err: string }> {
  const stdout = new Sink();
  const stderr = new Sink();
  // A db socket that never exists, so nothing here can touch a real Open vSwitch.
  const status = await main(['node', 'loris', '--db', 'unix:/nonexistent/loris-unit.sock', '--run-dir', '/nonexistent/loris-run', ...args], { stdout, stderr });
  return { status, out: stdout.text, err: stderr.text };
}

test('exit statuses: one per meaning, exact codes beat prefixes', (t) => {
  const statuses = EXIT_CODES.map((r) => r.status);
  t.is(new Set(statuses).size, statuses.length);
  t.is(exitStatusFor('LORIS_USAGE'), 2);
  t.is(exitStatusFor('LORIS_INVALID_ADDRESS'), 4);
  t.is(exitStatusFor('LORIS_STORE_IP_TAKEN'), 10);
  t.is(exitStatusFor('LORIS_STORE_SOMETHING_NEW'), 21);
  t.is(exitStatusFor('LORIS_NETLINK_EPERM'), 16);
  t.is(exitStatusFor('LORIS_NETLINK_EEXIST'), 17);
  t.is(exitStatusFor('LORIS_OVSDB_CONSTRAINT_VIOLATION'), 18);
  t.is(exitStatusFor('LORIS_WHATEVER'), 24);
  t.is(exitStatusFor(undefined), 1);
  t.is(exitStatusFor('ENOENT'), 1);
});

test('docs/cli.md lists every exit status of the table', (t) => {
  const doc = readFileSync(new URL('../../../docs/cli.md', import.meta.url), 'utf8');
  for (const r of EXIT_CODES) t.regex(doc, new RegExp(`\\|\\s*${r.status}\\s*\\|`), `status ${r.status} missing from docs/cli.md`);
});

test('--version matches package.json; --help lists every command with examples', async (t) => {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  t.is(LORIS_VERSION, pkg.version);
  const v = await loris('--version');
  t.is(v.status, 0);
  t.is(v.out.trim(), pkg.version);
  const h = await loris('--help');
  t.is(h.status, 0);
  for (const c of ['init', 'cluster', 'connect', 'disconnect', 'cleanup', 'status', 'pods', 'pod', 'flows', 'agent', 'lab', 'exit-codes']) t.regex(h.out, new RegExp(`\\n  ${c}\\b`), c);
  t.regex(h.out, /Examples/);
  t.regex(h.out, /LORIS_DB/);
  t.notRegex(h.out, /lab-serve/);
  const hc = await loris('connect', '--help');
  t.regex(hc.out, /loris connect web2 10\.2\.0\.5 7/);
});

const usage: string[][] = [['connect'], ['connect', 'c1'], ['connect', 'a', 'b', 'c', 'd'], ['frobnicate'], ['--nope', 'status'], ['pod', '3'], ['cluster'], ['lab', 'sideways']];
for (const args of usage) {
  test(`usage error, exit 2: loris ${args.join(' ')}`, async (t) => {
    const r = await loris(...args);
    t.is(r.status, 2);
    t.is(r.out, '');
    t.regex(r.err, /^loris: .+; see loris --help\n$/);
  });
}

const invalid: [string[], number, RegExp][] = [
  [['connect', 'c1', '10.0.0.0/24'], 5, /network address/],
  [['connect', 'c1', '10.0.0.256'], 4, /not an IPv4 address/],
  [['connect', 'c1', '10.0.0.5/33'], 4, /out of range/],
  [['connect', 'c1', '10.0.0.5', '16777216'], 6, /out of range/],
  [['connect', 'c1', '10.0.0.5', 'blue'], 6, /not a number/],
  [['connect', 'a b', '10.0.0.5'], 3, /whitespace/],
  [['disconnect', 'c1', '0'], 6, /out of range/],
  [['cluster', '192.0.2.1', '192.0.2.1'], 3, /listed twice/],
  [['cluster', '192.0.2.999'], 4, /not an IPv4/],
  [['init', '--tunnel', 'geneve'], 3, /not supported/],
  [['init', '--local-ip', '10.0.0.1/24'], 4, /without a mask/],
  [['pod', '3', '--subnet', '10.3.0.1/24'], 4, /host bits/],
  [['status'], 13, /cannot reach Open vSwitch/],
  [['connect', 'c1', '10.0.0.5'], 13, /cannot reach Open vSwitch/],
];
for (const [args, status, msg] of invalid) {
  test(`exit ${status}: loris ${args.join(' ')}`, async (t) => {
    const r = await loris(...args);
    t.is(r.status, status, r.err);
    t.regex(r.err, msg);
    t.is(r.err.trim().split('\n').length, 1, 'one line');
    const j = await loris('--json', ...args);
    t.is(j.status, status);
    const parsed = JSON.parse(j.out) as { error: { code: string; status: number; message: string } };
    t.is(parsed.error.status, status);
    t.regex(parsed.error.message, msg);
  });
}

test('exit-codes prints the table; --json gives the rows', async (t) => {
  const r = await loris('exit-codes');
  t.is(r.status, 0);
  t.regex(r.out, /^\s+13\s+Open vSwitch or the store is unreachable/m);
  const j = await loris('--json', 'exit-codes');
  t.deepEqual(JSON.parse(j.out), JSON.parse(JSON.stringify(EXIT_CODES)));
});

test('output: progress only on a TTY or with -v, never with --json', (t) => {
  const err = new Sink();
  new Output({ json: false, verbose: 0, stderr: err }).progress('quiet when piped');
  t.is(err.text, '');
  err.isTTY = true;
  new Output({ json: false, verbose: 0, stderr: err }).progress('shown on a tty');
  new Output({ json: true, verbose: 1, stderr: err }).progress('never with json');
  t.is(err.text, 'shown on a tty\n');
  t.deepEqual(table(['A', 'BB'], [['xxx', 1]]), ['A    BB', 'xxx  1']);
});
