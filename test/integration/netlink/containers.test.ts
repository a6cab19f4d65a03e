import test from 'ava';
import { existsSync } from 'node:fs';
import { Lab, type LabContainer, type LabDockerEngine } from '../../../src/lab/index.js';
import { run, waitUntil } from '../../../src/lab/exec.js';
import {
  attach, detach, dockerSocket, hostIfnameFor, openRtnl, resolveContainer, ContainerNotFoundError, ContainerNotRunningError,
  type LinkEvent, type ResolvedContainer, type Rtnl,
} from '../../../src/netlink/index.js';
import { ipLink, ipVeths } from './observe.js';

// One private Docker engine for the whole file (its start dominates the run time).
let lab: Lab;
let engine: LabDockerEngine;
let dockerHost: string;
let hostNs: LabContainer & { kind: 'netns' };
let host: Rtnl;

test.before(async () => {
  lab = await Lab.create();
  engine = await lab.docker();
  dockerHost = `unix://${engine.socket}`;
  const h = await lab.addContainer('host', 'netns');
  if (h.kind !== 'netns') throw new Error('netns expected');
  hostNs = h;
  host = openRtnl({ netns: { name: hostNs.netns } });
});

test.after.always(async () => {
  host?.close();
  await lab?.dispose();
});

async function docker(name: string): Promise<LabContainer & { kind: 'docker' }> {
  const c = await lab.addContainer(name, 'docker');
  if (c.kind !== 'docker') throw new Error('docker container expected');
  return c;
}

/** `ip -j` inside a Docker container's namespace, observed through nsenter. */
async function ipInContainer(pid: number): Promise<{ ifname: string; mtu: number; address: string; operstate: string; addr_info: { local: string; prefixlen: number; scope: string }[] }[]> {
  const r = await run(['nsenter', '-t', String(pid), '-n', 'ip', '-j', 'addr', 'show']);
  return JSON.parse(r.stdout) as never;
}

test('DOCKER_HOST: unix:// is used, the default is /var/run/docker.sock, tcp:// is not spoken', (t) => {
  t.is(dockerSocket('unix:///run/x.sock'), '/run/x.sock');
  t.is(dockerSocket(''), '/var/run/docker.sock');
  t.is(dockerSocket('tcp://1.2.3.4:2375'), undefined);
});

test.serial('resolve: a Docker container by id and by name, through the Engine API', async (t) => {
  const c = await docker('r1');
  for (const arg of [c.id, c.id.slice(0, 12), `${lab.runId}-r1`]) {
    const r = await resolveContainer(arg, { dockerHost });
    try {
      t.like(r, { id: c.id, name: `${lab.runId}-r1`, source: 'docker', pid: c.pid, nsPath: `/proc/${c.pid}/ns/net` });
      t.true(r.stillRunning());
      const links = await openRtnl({ netns: r.netns }).links();
      t.deepEqual(links.map((l) => l.name), ['lo'], 'a --network none container has only lo');
    } finally {
      r.close();
    }
  }
});

test.serial('resolve: pid:N, netns:NAME and a namespace path', async (t) => {
  const c = await docker('r2');
  const byPid = await resolveContainer(`pid:${c.pid}`);
  const byName = await resolveContainer(`netns:${hostNs.netns}`);
  const byPath = await resolveContainer(`/proc/${c.pid}/ns/net`);
  try {
    t.like(byPid, { source: 'pid', pid: c.pid });
    t.like(byName, { source: 'netns', name: hostNs.netns });
    t.like(byPath, { source: 'path' });
    t.true(byPid.netns.sameAs(byPath.netns));
    t.false(byPid.netns.sameAs(byName.netns));
  } finally {
    for (const r of [byPid, byName, byPath]) r.close();
  }
});

test.serial('resolve: unknown and stopped containers are typed errors naming the container', async (t) => {
  const nf = await t.throwsAsync(resolveContainer('loris-no-such-container', { dockerHost }), { instanceOf: ContainerNotFoundError });
  t.regex(nf!.message, /loris-no-such-container not found/);
  t.is(nf!.code, 'LORIS_CONTAINER_NOT_FOUND');
  await t.throwsAsync(resolveContainer('netns:loris-no-such-ns'), { instanceOf: ContainerNotFoundError, message: /netns:loris-no-such-ns/ });
  await t.throwsAsync(resolveContainer('pid:1073741823'), { instanceOf: ContainerNotRunningError, message: /pid:1073741823/ });
  const c = await docker('r3');
  await engine.docker(['stop', '-t', '0', c.id]);
  const nr = await t.throwsAsync(resolveContainer(`${lab.runId}-r3`, { dockerHost }), { instanceOf: ContainerNotRunningError });
  t.regex(nr!.message, new RegExp(`${lab.runId}-r3 .*is not running: state exited`));
  t.is(nr!.code, 'LORIS_CONTAINER_NOT_RUNNING');
  await t.throwsAsync(resolveContainer('x', { dockerHost: 'unix:///nonexistent/docker.sock' }), { message: /cannot reach the Docker Engine/ });
});

test.serial('attach into a real Docker container, observed with ip -j through nsenter', async (t) => {
  const c = await docker('a1');
  const r: ResolvedContainer = await resolveContainer(c.id, { dockerHost });
  const hostIfname = hostIfnameFor(c.id, 'pod-a');
  try {
    const res = await attach({ netns: r.netns, host, hostIfname, mac: '02:00:0a:05:00:01', mtu: 1400, addresses: ['10.5.0.1/24', 'fd00:5::1/64'], stillRunning: r.stillRunning, container: r.name });
    // operstate follows the carrier asynchronously (linkwatch): poll for it.
    const eth1 = await waitUntil('eth1 operstate UP', async () => (await ipInContainer(c.pid)).find((l) => l.ifname === 'eth1' && l.operstate === 'UP'), 5000);
    t.like(eth1, { mtu: 1400, address: '02:00:0a:05:00:01' });
    t.deepEqual(eth1?.addr_info.filter((a) => a.scope === 'global').map((a) => `${a.local}/${a.prefixlen}`), ['10.5.0.1/24', 'fd00:5::1/64']);
    t.like(await ipLink(hostNs.netns, hostIfname), { ifindex: res.hostIfindex });
    t.true(await detach({ host, hostIfname }));
  } finally {
    r.close();
  }
});

test.serial('a container that exits during attach: ContainerNotRunningError naming it, and nothing left', async (t) => {
  const c = await docker('x1');
  const r = await resolveContainer(c.id, { dockerHost });
  const hostIfname = hostIfnameFor(c.id, 'pod-x');
  try {
    const err = await t.throwsAsync(attach({
      netns: r.netns, host, hostIfname, addresses: ['10.6.0.1/24'], stillRunning: r.stillRunning, container: r.name,
      faults: async (step) => {
        if (step !== 'lookup') return;
        await engine.docker(['kill', c.id]);
        await waitUntil('container process gone', () => !existsSync(`/proc/${c.pid}`), 10_000);
      },
    }), { instanceOf: ContainerNotRunningError });
    t.regex(err!.message, new RegExp(`${lab.runId}-x1 is not running: it exited during attach`));
  } finally {
    r.close();
  }
  t.is(await ipLink(hostNs.netns, hostIfname), undefined, 'host end removed');
  t.deepEqual(await ipVeths(hostNs.netns), []);
});

test.serial('link events tell the host that a container died: its veth end is deleted', async (t) => {
  const c = await docker('d1');
  const r = await resolveContainer(c.id, { dockerHost });
  const hostIfname = hostIfnameFor(c.id, 'pod-d');
  const events: LinkEvent[] = [];
  const w = host.watchLinks((e) => events.push(e));
  try {
    await attach({ netns: r.netns, host, hostIfname, stillRunning: r.stillRunning });
    r.close(); // our handle would keep the namespace (and the veth) alive
    await waitUntil('new event', () => events.some((e) => e.type === 'new' && e.link.name === hostIfname), 5000);
    await engine.docker(['kill', c.id]);
    const del = await waitUntil('del event', () => events.find((e) => e.type === 'del' && e.link.name === hostIfname), 10_000);
    t.is(del.link.kind, 'veth');
    t.is(await ipLink(hostNs.netns, hostIfname), undefined);
  } finally {
    w.close();
    r.close();
  }
});
