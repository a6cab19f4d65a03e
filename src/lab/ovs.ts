import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import { OvsdbClient } from '../ovsdb/client.js';
import { insert, select } from '../ovsdb/operations.js';
import { OPEN_VSWITCH_DB, Vswitch, type BridgeOptions, type OpenFlowVersion } from '../ovsdb/vswitch.js';
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
 * Opens loris's own OVSDB client on the instance's socket, wrapped in the `Vswitch` helpers (which wait
 * for ovs-vswitchd to apply each change, as ovs-vsctl does). The caller closes `vs.client`.
 */
export async function openVswitch(p: OvsPaths): Promise<Vswitch> {
  return new Vswitch(await OvsdbClient.connect(`unix:${p.dbSock}`));
}

/** Like `ovs-vsctl --no-wait init`: makes sure the database has its one Open_vSwitch row. */
export async function initOpenVswitch(vs: Vswitch): Promise<void> {
  const [cur] = await vs.client.transact(OPEN_VSWITCH_DB, [select('Open_vSwitch', [], ['_uuid'])] as const);
  if (cur.rows.length === 0) await vs.client.transact(OPEN_VSWITCH_DB, [insert('Open_vSwitch', {})] as const);
}

/** Bridge settings the lab takes, typed (datapath `netdev` unless given). */
export type LabBridgeOptions = Omit<BridgeOptions, 'wait' | 'mayExist'>;

/**
 * Reads the ovs-vsctl-style extras callers pass to `Lab.addBridge` — groups of
 * `-- set bridge BRIDGE key=value…` with `protocols`, `fail_mode`, `datapath_type`,
 * `other_config:K=V`, `external_ids:K=V` — into typed options. Anything else is refused.
 */
export function parseBridgeArgs(bridge: string, extra: readonly string[]): LabBridgeOptions {
  const o: { -readonly [K in keyof LabBridgeOptions]: LabBridgeOptions[K] } = {};
  const otherConfig: Record<string, string> = {};
  const externalIds: Record<string, string> = {};
  const groups: string[][] = [[]];
  for (const a of extra) {
    if (a === '--') groups.push([]);
    else groups[groups.length - 1].push(a);
  }
  const bad = (what: string): InvalidArgumentError =>
    new InvalidArgumentError(`Lab.addBridge: ${what} in [${extra.join(' ')}]; only "-- set bridge ${bridge} key=value…" (protocols, fail_mode, datapath_type, other_config:K=V, external_ids:K=V) is understood — pass typed options instead`);
  for (const g of groups.filter((x) => x.length > 0)) {
    if (g[0] !== 'set' || g[1] !== 'bridge' || g[2] !== bridge) throw bad(`unsupported command "${g.slice(0, 3).join(' ')}"`);
    for (const kv of g.slice(3)) {
      const eqAt = kv.indexOf('=');
      if (eqAt <= 0) throw bad(`"${kv}" is not key=value`);
      const key = kv.slice(0, eqAt);
      const value = kv.slice(eqAt + 1).replace(/^"(.*)"$/, '$1');
      const [column, mapKey] = key.split(':', 2);
      if (mapKey !== undefined && column === 'other_config') otherConfig[mapKey] = value;
      else if (mapKey !== undefined && column === 'external_ids') externalIds[mapKey] = value;
      else if (key === 'protocols') {
        const versions = value.replace(/^\[|\]$/g, '').split(',').map((v) => v.trim()).filter(Boolean);
        if (!versions.every((v) => /^OpenFlow1[0-5]$/.test(v))) throw bad(`protocols "${value}"`);
        o.protocols = versions as OpenFlowVersion[];
      }
      else if (key === 'fail_mode') {
        if (value !== 'secure' && value !== 'standalone') throw bad(`fail_mode "${value}"`);
        o.failMode = value;
      } else if (key === 'datapath_type') o.datapathType = value;
      else throw bad(`unsupported column "${key}"`);
    }
  }
  if (Object.keys(otherConfig).length) o.otherConfig = otherConfig;
  if (Object.keys(externalIds).length) o.externalIds = externalIds;
  return o;
}

/** Test observer: runs `ovs-vsctl` against the instance (the lab itself configures OVS through `openVswitch`). */
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

/** Kills the instance's ovs-vswitchd with SIGKILL (a crash) and waits until it is gone; returns its pid. */
export async function killVswitchd(p: OvsPaths): Promise<number> {
  const pid = readPid(p.vswitchdPid);
  if (!pid) throw new Error(`no ovs-vswitchd pid in ${p.vswitchdPid}`);
  process.kill(pid, 'SIGKILL');
  await waitUntil('ovs-vswitchd gone', () => !pidAlive(pid), 5000, 5);
  return pid;
}
