import anyTest, { type TestFn } from 'ava';
import { Lab, type LabContainer, type LabHost } from '../../src/lab/index.js';
import { run, waitUntil } from '../../src/lab/exec.js';
import type { CleanupResult, ConnectResult, InitResult, StatusResult } from '../../src/api/types.js';
import { fileURLToPath } from 'node:url';
import { loris, lorisJson, snapshot } from './cli-helpers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/*
 * The `loris` command end to end on 2 emulated hosts, with the original tool's command lines run inside
 * each host's namespace (plus --db/--run-dir/--store-file naming that host's files). h1 keeps the store
 * embedded in its ovsdb-server; h2 shares it (--store unix:<h1's db.sock>), as a cluster would over tcp:.
 */

interface Ctx {
  lab: Lab;
  h1: LabHost;
  h2: LabHost;
  c: Record<string, LabContainer>;
  store: string;
}
const test = anyTest as TestFn<Ctx>;

test.before(async (t) => {
  const lab = await Lab.create();
  const [h1, h2] = await Promise.all([lab.addHost('h1'), lab.addHost('h2')]);
  const c: Record<string, LabContainer> = {};
  for (const n of ['c1', 'c2', 'c3', 'c4', 'c5', 'c6']) c[n] = await lab.addContainer(n, 'netns');
  t.context = { lab, h1, h2, c, store: `unix:${h1.ovs.dbSock}` };
});

test.after.always(async (t) => {
  await t.context.lab?.dispose();
});

const ns = (c: LabContainer): string => `netns:${c.kind === 'netns' ? c.netns : c.name}`;

test.serial('init: OVS checked, host registered, agent started; a second init changes nothing', async (t) => {
  const { lab, h1, h2, store } = t.context;
  const a = await lorisJson<InitResult>(lab, h1, ['init', '--local-ip', h1.underlayIp, '--name', 'h1']);
  t.is(a.status, 0, a.err);
  t.like(a.value, { changed: true, hostName: 'h1', localIp: h1.underlayIp, tunnel: 'vxlan', ovsVersion: '3.1.0', datapathType: 'netdev', agent: { running: true, started: true } });
  // h2 detects its underlay address itself (its only global IPv4 address, on br-phy).
  const b = await lorisJson<InitResult>(lab, h2, ['init', '--name', 'h2'], { store });
  t.is(b.status, 0, b.err);
  t.like(b.value, { changed: true, localIp: h2.underlayIp });
  const again = await lorisJson<InitResult>(lab, h1, ['init']);
  t.like(again.value, { changed: false, agent: { running: true, started: undefined } });
  // The agent created the integration bridge (secure, OpenFlow13) and the tunnel to h2.
  await waitUntil('tunnel h1->h2', async () => (await lab.vsctl(h1, ['--columns=options', 'find', 'Interface', 'type=vxlan'])).includes(h2.underlayIp), 15_000);
  t.is((await lab.vsctl(h1, ['get', 'Bridge', 'br-int', 'fail_mode'])).trim(), 'secure');
});

test.serial('every bad input: one line, its own exit status, and no change at all on the host', async (t) => {
  const { lab, h1, c } = t.context;
  // c1 holds 10.1.0.1 in the global pod, so the conflict cases have something to collide with.
  const ok = await lorisJson<ConnectResult>(lab, h1, ['connect', ns(c.c1), '10.1.0.1/24']);
  t.is(ok.status, 0, ok.err);
  const cases: [string[], number, RegExp][] = [
    [['connect'], 2, /missing required argument/],
    [['connect', ns(c.c2), '10.1.0.2', '1', 'extra'], 2, /too many arguments/],
    [['frobnicate'], 2, /unknown command/],
    [['connect', ns(c.c2), '10.1.0.300'], 4, /not an IPv4 address/],
    [['connect', ns(c.c2), '10.1.0.2/33'], 4, /out of range/],
    [['connect', ns(c.c2), '10.1.0.0/24'], 5, /network address/],
    [['connect', ns(c.c2), '10.1.0.255'], 5, /broadcast address/],
    [['connect', ns(c.c2), '10.1.0.2', '16777216'], 6, /out of range/],
    [['connect', ns(c.c2), '10.1.0.2', '0'], 6, /out of range/],
    [['cluster', t.context.h1.underlayIp], 7, /this host's own underlay address/],
    [['connect', 'netns:no-such-ns', '10.1.0.2'], 8, /not found/],
    [['connect', ns(c.c2), '10.1.0.1/24'], 10, /already held by/],
    [['connect', ns(c.c2), 'dhcp', '77'], 11, /no subnet/],
    [['pod', '3', '--subnet', '10.3.0.1/24'], 4, /host bits set/],
    [['init', '--local-ip', '192.0.2.99'], 3, /already initialised with local IP/],
    [['init', '--tunnel', 'geneve'], 3, /not supported/],
  ];
  const before = await snapshot(lab, h1, h1.ovs.dbSock);
  // None of them changes anything, so they may run side by side (4 at a time: each is a node process).
  for (let i = 0; i < cases.length; i += 4) {
    await Promise.all(
      cases.slice(i, i + 4).map(async ([args, status, msg]) => {
        const r = await loris(lab, h1, args);
        t.is(r.status, status, `loris ${args.join(' ')}: ${r.err}`);
        t.regex(r.err, msg, args.join(' '));
        t.is(r.err.trim().split('\n').length, 1, `one line: ${r.err}`);
        t.is(r.out, '');
      }),
    );
  }
  t.is(await snapshot(lab, h1, h1.ovs.dbSock), before, 'links, OVSDB rows, flows and store rows unchanged');
});

test.serial('connect: eth1 across hosts, idempotent, a second pod gives eth2, dhcp is served by the agent', async (t) => {
  const { lab, h1, h2, c, store } = t.context;
  const a = await lorisJson<ConnectResult>(lab, h2, ['connect', ns(c.c2), '10.1.0.2'], { store });
  t.is(a.status, 0, a.err);
  t.like(a.value, { changed: true, interface: 'eth1', ip: '10.1.0.2', prefix: 24, pod: 1, assignment: 'static', host: 'h2' });
  t.regex(a.value.mac, /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
  // It can talk as soon as connect returns (cross-host, over the VXLAN tunnel).
  await waitUntil('c1 -> c2 over the tunnel', async () => (await lab.ping(c.c1, '10.1.0.2')).ok, 10_000, 100);
  t.true((await lab.ping(c.c2, '10.1.0.1', { count: 2 })).ok);

  const before = await snapshot(lab, h2, h1.ovs.dbSock);
  const again = await loris(lab, h2, ['connect', ns(c.c2), '10.1.0.2'], { store });
  t.is(again.status, 0);
  t.regex(again.out, /already connected, nothing changed/);
  t.is(await snapshot(lab, h2, h1.ovs.dbSock), before, 'second connect changed nothing');

  // A second pod for c1 gives eth2 (another subnet, so c1's routes stay unambiguous).
  const p2 = await lorisJson<ConnectResult>(lab, h1, ['connect', ns(c.c1), '10.2.0.1/24', '2']);
  t.like(p2.value, { changed: true, interface: 'eth2', pod: 2 });
  // Pod 2 reuses pod 1's addresses: c3 (h2) reaches c5 (h1) in pod 2, and neither pod-1 container.
  t.is((await lorisJson<ConnectResult>(lab, h2, ['connect', ns(c.c3), '10.1.0.3', '2'], { store })).status, 0);
  t.is((await lorisJson<ConnectResult>(lab, h1, ['connect', ns(c.c5), '10.1.0.5', '2'])).status, 0);
  await waitUntil('c3 -> c5 in pod 2', async () => (await lab.ping(c.c3, '10.1.0.5')).ok, 10_000, 100);
  t.false((await lab.ping(c.c3, '10.1.0.2')).ok, 'pod 2 does not reach pod 1 on the same host');
  t.false((await lab.ping(c.c3, '10.1.0.1')).ok, 'pod 2 does not reach pod 1 across hosts');

  // dhcp: the address is allocated from the pod's subnet and the agent's DHCP server hands it out.
  t.is((await loris(lab, h1, ['pod', '3', '--subnet', '10.3.0.0/24'])).status, 0);
  const d = await lorisJson<ConnectResult>(lab, h1, ['connect', ns(c.c4), 'dhcp', '3']);
  t.like(d.value, { assignment: 'dhcp', ip: '10.3.0.1', prefix: 24, pod: 3, interface: 'eth1' });
  const lease = await run(lab.inContainer(c.c4, ['busybox', 'udhcpc', '-i', 'eth1', '-n', '-q', '-f', '-t', '3', '-T', '1', '-s', '/bin/true']), { timeoutMs: 20_000 });
  t.regex(lease.stdout + lease.stderr, /lease of 10\.3\.0\.1 obtained/);

  const st = await lorisJson<StatusResult>(lab, h1, ['status']);
  t.like(st.value, { initialised: true, hostName: 'h1', agent: { running: true } });
  t.deepEqual(st.value.endpoints.map((e) => `${e.interface}:${e.ip}:${e.pod}`).sort(), ['eth1:10.1.0.1:1', 'eth1:10.1.0.5:2', 'eth1:10.3.0.1:3', 'eth2:10.2.0.1:2']);
  t.deepEqual(st.value.tunnels.map((x) => x.remote), [h2.underlayIp]);
  const flows = await loris(lab, h1, ['flows']);
  t.regex(flows.out, /table=0, .*priority=100,in_port=\d+/);
});

test.serial('the installed command: bin/loris.js hands a plain connect/disconnect to the agent through the dist/cli-fast.cjs bundle, with the same output and errors as the sources', async (t) => {
  const { lab, h1, c } = t.context;
  // The bundle `npm run build` makes (the tsc part is not needed: nothing here leaves the fast path).
  const build = await run(['npm', '--prefix', ROOT, 'run', '--silent', 'build:cli-fast'], { timeoutMs: 60_000 });
  t.is(build.code, 0, build.stderr);
  const bin = (args: string[]) => loris(lab, h1, args, { command: [`${ROOT}bin/loris.js`] });
  const ok = await bin(['-v', 'connect', ns(c.c6), '10.1.0.6']);
  t.is(ok.status, 0, ok.err);
  t.regex(ok.out, /^connected: \S+ eth1 10\.1\.0\.6\/24 ([0-9a-f]{2}:){5}[0-9a-f]{2} pod 1 \(static\)$/m);
  t.regex(ok.err, /done by the loris agent/);
  await waitUntil('c6 -> c1', async () => (await lab.ping(c.c6, '10.1.0.1')).ok, 10_000, 100);
  // Errors: the same exit status and message as the CLI run from its sources (tsx), and nothing changed.
  const before = await snapshot(lab, h1, h1.ovs.dbSock);
  const failing = [['connect', ns(c.c6), '10.1.0.300'], ['connect', 'netns:lr-no-such-netns', '10.1.0.7'], ['connect', ns(c.c6), '10.1.0.1']];
  for (const args of [...failing, ['disconnect', ns(c.c6), '99']]) {
    const [viaBin, viaSources] = [await bin(args), await loris(lab, h1, args)];
    if (failing.includes(args)) {
      t.not(viaBin.status, 0, args.join(' '));
      t.regex(viaBin.err, /^loris: .+\n$/, args.join(' '));
    } else t.regex(viaBin.out, /was not connected to pod 99, nothing changed/);
    t.is(viaBin.status, viaSources.status, args.join(' '));
    t.is(viaBin.err, viaSources.err, args.join(' '));
    t.is(viaBin.out, viaSources.out, args.join(' '));
  }
  t.is(await snapshot(lab, h1, h1.ovs.dbSock), before, 'failed and no-op commands changed nothing');
  const d = await bin(['--json', 'disconnect', ns(c.c6)]);
  t.is(d.status, 0, d.err);
  t.like(JSON.parse(d.out), { changed: true, interface: 'eth1', pod: 1 });
  t.notRegex((await run(lab.inContainer(c.c6, ['ip', '-o', 'link']))).stdout, /eth1/);
});

test.serial('a real Docker container by its name: connect resolves it through the Docker Engine API (DOCKER_HOST), it pings across hosts, disconnect by name', async (t) => {
  const { lab, h2, store } = t.context;
  const d = await lab.addContainer('d1', 'docker');
  if (d.kind !== 'docker') return t.fail('not a docker container');
  const engine = await lab.docker();
  const name = (await engine.docker(['inspect', '-f', '{{.Name}}', d.id])).trim().replace(/^\//, '');
  const env = { DOCKER_HOST: engine.host };
  const r = await lorisJson<ConnectResult>(lab, h2, ['connect', name, '10.1.0.8'], { store, env });
  t.is(r.status, 0, JSON.stringify(r.value) + r.err);
  t.like(r.value, { changed: true, container: name, interface: 'eth1', ip: '10.1.0.8', prefix: 24, pod: 1, host: 'h2' });
  t.regex(await lab.execIn(d, ['ip', '-o', 'addr', 'show', 'eth1']), /inet 10\.1\.0\.8\/24/);
  await waitUntil('d1 (h2) -> c1 (h1)', async () => (await lab.ping(d, '10.1.0.1')).ok, 10_000, 100);
  // By id too: the same container, nothing changes.
  const again = await lorisJson<ConnectResult>(lab, h2, ['connect', d.id, '10.1.0.8'], { store, env });
  t.like(again.value, { changed: false, container: name });
  const gone = await loris(lab, h2, ['disconnect', name], { store, env });
  t.is(gone.status, 0, gone.err);
  t.regex(gone.out, new RegExp(`^disconnected ${name} eth1 pod 1$`, 'm'));
  t.notRegex(await lab.execIn(d, ['ip', '-o', 'link']), /eth1/);
});

test.serial('disconnect, then cleanup removes everything loris created, and can run twice', async (t) => {
  const { lab, h1, h2, c, store } = t.context;
  const d = await loris(lab, h1, ['disconnect', ns(c.c1), '2']);
  t.is(d.status, 0, d.err);
  t.false((await run(['ip', '-n', c.c1.kind === 'netns' ? c.c1.netns : '', 'link', 'show', 'eth2'])).code === 0, 'eth2 gone');
  for (const [h, o] of [[h2, { store }], [h1, {}]] as const) {
    const r = await lorisJson<CleanupResult>(lab, h, ['cleanup'], o);
    t.is(r.status, 0, r.err);
    t.true(r.value.changed);
    t.true(r.value.agentStopped);
    const twice = await lorisJson<CleanupResult>(lab, h, ['cleanup'], o);
    t.false(twice.value.changed, 'second cleanup finds nothing');
    t.false((await lab.vsctl(h, ['list-br'])).includes('br-int'));
    t.notRegex((await run(['ip', '-n', h.netns, '-o', 'link'])).stdout, /: lo[0-9a-f]{13}[@:]/);
    t.notRegex(await lab.vsctl(h, ['get', 'Open_vSwitch', '.', 'external_ids']), /loris/);
  }
  const rows = await run(['ovsdb-client', 'transact', store, JSON.stringify(['Loris', { op: 'select', table: 'Endpoint', where: [] }, { op: 'select', table: 'Host', where: [] }])]);
  t.regex(rows.stdout, /^\[\{"rows":\[\]\},\{"rows":\[\]\}\]/);
  for (const x of [c.c1, c.c2, c.c3, c.c4, c.c5, c.c6]) t.notRegex((await run(lab.inContainer(x, ['ip', '-o', 'link']))).stdout, /eth\d/);
});
