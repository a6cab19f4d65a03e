import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sh, stopPid, waitUntil, pidAlive } from './exec.js';
import { inNetns } from './netns.js';

export const VSWITCH_SCHEMA = process.env.LORIS_VSWITCH_SCHEMA ?? '/usr/share/openvswitch/vswitch.ovsschema';

/** The files of one private OVS instance. */
export interface OvsPaths {
  dir: string;
  db: string;
  dbSock: string;
  dbCtl: string;
  vswitchdCtl: string;
  dbPid: string;
  vswitchdPid: string;
}

export function ovsPaths(dir: string): OvsPaths {
  return {
    dir,
    db: join(dir, 'conf.db'),
    dbSock: join(dir, 'db.sock'),
    dbCtl: join(dir, 'ovsdb-server.ctl'),
    vswitchdCtl: join(dir, 'ovs-vswitchd.ctl'),
    dbPid: join(dir, 'ovsdb-server.pid'),
    vswitchdPid: join(dir, 'ovs-vswitchd.pid'),
  };
}

export function readPid(file: string): number | undefined {
  try {
    const n = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

function ovsEnv(dir: string): NodeJS.ProcessEnv {
  return { ...process.env, OVS_RUNDIR: dir, OVS_LOGDIR: dir, OVS_DBDIR: dir, OVS_SYSCONFDIR: dir, OVS_PKGDATADIR: '/usr/share/openvswitch' };
}

function startDaemon(ns: string, dir: string, argv: string[]): number {
  const child = spawn(inNetns(ns, argv)[0], inNetns(ns, argv).slice(1), {
    env: ovsEnv(dir),
    stdio: 'ignore',
    detached: true,
  });
  child.unref();
  if (child.pid === undefined) throw new Error(`could not start ${argv[0]}`);
  return child.pid;
}

/** Creates the database from the schema and starts ovsdb-server inside netns `ns`. */
export async function startOvsdbServer(ns: string, p: OvsPaths, extraRemotes: string[] = []): Promise<number> {
  mkdirSync(p.dir, { recursive: true });
  if (!existsSync(p.db)) await sh(['ovsdb-tool', 'create', p.db, VSWITCH_SCHEMA]);
  const pid = startDaemon(ns, p.dir, [
    'ovsdb-server',
    p.db,
    `--remote=punix:${p.dbSock}`,
    '--remote=db:Open_vSwitch,Open_vSwitch,manager_options',
    ...extraRemotes.map((r) => `--remote=${r}`),
    `--pidfile=${p.dbPid}`,
    `--unixctl=${p.dbCtl}`,
    `--log-file=${join(p.dir, 'ovsdb-server.log')}`,
  ]);
  await waitUntil('ovsdb-server socket', () => existsSync(p.dbSock) || (!pidAlive(pid) && Promise.reject(new Error('ovsdb-server exited; see ' + join(p.dir, 'ovsdb-server.log')))), 10_000);
  return pid;
}

/** Starts ovs-vswitchd inside netns `ns` against the instance's database. */
export async function startVswitchd(ns: string, p: OvsPaths): Promise<number> {
  const pid = startDaemon(ns, p.dir, [
    'ovs-vswitchd',
    `unix:${p.dbSock}`,
    `--pidfile=${p.vswitchdPid}`,
    `--unixctl=${p.vswitchdCtl}`,
    `--log-file=${join(p.dir, 'ovs-vswitchd.log')}`,
  ]);
  await waitUntil('ovs-vswitchd control socket', () => existsSync(p.vswitchdCtl) || (!pidAlive(pid) && Promise.reject(new Error('ovs-vswitchd exited; see ' + join(p.dir, 'ovs-vswitchd.log')))), 15_000);
  return pid;
}

export async function stopOvs(p: OvsPaths): Promise<void> {
  const v = readPid(p.vswitchdPid);
  if (v) await stopPid(v);
  const d = readPid(p.dbPid);
  if (d) await stopPid(d);
}

/**
 * Test/lab observer and bootstrap: runs `ovs-vsctl` against the instance.
 * TODO(issue 4): the lab's own configuration moves to loris's OVSDB client; tests keep using this as an observer.
 */
export function vsctl(p: OvsPaths, args: string[], opts: { wait?: boolean } = {}): Promise<string> {
  return sh(['ovs-vsctl', `--db=unix:${p.dbSock}`, '--timeout=10', ...(opts.wait === false ? ['--no-wait'] : []), ...args]);
}

/** Test observer: `ovs-ofctl -O OpenFlow13` against the bridge's management socket. */
export function ofctl(p: OvsPaths, args: string[]): Promise<string> {
  return sh(['ovs-ofctl', '-O', 'OpenFlow13', ...args], { env: ovsEnv(p.dir) });
}

/** Test observer: `ovs-appctl` against ovs-vswitchd. */
export function appctl(p: OvsPaths, args: string[]): Promise<string> {
  return sh(['ovs-appctl', '-t', p.vswitchdCtl, ...args]);
}
