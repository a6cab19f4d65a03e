import { existsSync } from 'node:fs';
import { LorisError } from '../errors.js';
import { OvsdbClient } from '../ovsdb/client.js';
import { type Value } from '../ovsdb/notation.js';
import { mutate, mutation, select } from '../ovsdb/operations.js';
import { OvsUnreachableError, OvsUnsupportedError } from './errors.js';

/**
 * This host's Open vSwitch as loris sees it: one row of the Open_vSwitch table. loris keeps its
 * host-local settings there, in `external_ids:loris-*` (like OVN keeps `system-id`), so every command
 * knows which store host it is without a config file, and `cleanup` removes them again.
 */

/**
 * Oldest Open vSwitch loris supports: 2.6.0, the first release with ONF extension 230 (OpenFlow 1.4
 * bundles over OpenFlow 1.3; OVS commit 06d4d4b "ofp: Add support for bundles extension in OpenFlow
 * 1.3", Feb 2016, after branch-2.5), which the controller uses for atomic flow updates. OpenFlow 1.3
 * itself is on by default since 2.3.
 */
export const MIN_OVS_VERSION = '2.6.0';

/** Host-local settings written by `loris init` into Open_vSwitch external_ids. */
export interface HostConfig {
  /** Store host name (`external_ids:loris-host`). */
  hostName: string;
  localIp: string;
  tunnel: string;
}

export interface OvsInfo {
  uuid: string;
  version: string;
  datapathTypes: string[];
  bridges: string[];
  externalIds: Map<string, string>;
  /** Set when `loris init` ran on this host. */
  config: HostConfig | undefined;
}

export const EXTERNAL_ID_KEYS = { hostName: 'loris-host', localIp: 'loris-local-ip', tunnel: 'loris-tunnel' } as const;

/** Compares dotted versions numerically (`2.17.9` < `3.1.0`); missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** Throws OvsUnsupportedError when `version` is older than MIN_OVS_VERSION or unknown. */
export function checkOvsVersion(version: string): void {
  if (!/^\d+\.\d+/.test(version)) {
    throw new OvsUnsupportedError(`Open vSwitch reports no version (ovs_version is "${version}"); is ovs-vswitchd running against this database?`);
  }
  if (compareVersions(version, MIN_OVS_VERSION) < 0) {
    throw new OvsUnsupportedError(`Open vSwitch ${version} is too old: loris needs ${MIN_OVS_VERSION} or later (OpenFlow 1.3 bundles); upgrade openvswitch-switch`);
  }
}

/**
 * Picks the datapath for loris's bridge: the kernel one (`system`) when offered and the openvswitch
 * module is loaded (`kernelModule`), else userspace (`netdev`).
 */
export function chooseDatapath(types: readonly string[], kernelModule: boolean): string {
  if (types.includes('system') && kernelModule) return 'system';
  if (types.includes('netdev')) return 'netdev';
  throw new OvsUnsupportedError(
    `Open vSwitch offers no usable datapath type (datapath_types is [${types.join(', ')}]); load the openvswitch kernel module or use a build with the userspace datapath`,
  );
}

function isConnectFailure(e: unknown): boolean {
  return e instanceof LorisError && (e.code === 'LORIS_NOT_CONNECTED' || e.code === 'LORIS_TIMEOUT');
}

/** Opens the local OVSDB; an unreachable server becomes OvsUnreachableError (exit 13). */
export async function connectOvs(remote: string, timeoutMs = 3000): Promise<OvsdbClient> {
  // A missing unix socket fails at once instead of after the client's retry deadline.
  const remotes = remote.split(',').map((r) => r.trim());
  if (remotes.every((r) => r.startsWith('unix:') && !existsSync(r.slice(5)))) {
    throw new OvsUnreachableError(remote, remotes.length > 1 ? 'none of the sockets exists' : 'no such socket');
  }
  try {
    const c = await OvsdbClient.connect(remotes, { initialConnectTimeoutMs: timeoutMs, reconnect: false, probeIntervalMs: 0 });
    // ovsdb-server drops sessions that are not db-change-aware when a database is added (the embedded store's add-db).
    await c.setDbChangeAware(true);
    return c;
  } catch (e) {
    if (isConnectFailure(e)) {
      const detail = /\((connect [^)]*)\)/.exec((e as Error).message)?.[1] ?? (e as Error).message;
      throw new OvsUnreachableError(remote, detail, { cause: e });
    }
    throw e;
  }
}

function asMap(v: Value | undefined): Map<string, string> {
  const m = new Map<string, string>();
  if (v instanceof Map) for (const [k, x] of v) m.set(String(k), String(x));
  return m;
}

function asList(v: Value | undefined): Value[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** Reads the Open_vSwitch row plus bridge names (one transaction). */
export async function readOvs(c: OvsdbClient): Promise<OvsInfo> {
  const [ovs, bridges] = await c.transact('Open_vSwitch', [
    select('Open_vSwitch', [], ['_uuid', 'ovs_version', 'datapath_types', 'external_ids']),
    select('Bridge', [], ['name']),
  ]);
  const row = ovs.rows[0];
  if (!row) throw new OvsUnsupportedError('the Open_vSwitch table is empty; initialise the database (ovs-vsctl init) and start ovs-vswitchd');
  const externalIds = asMap(row.external_ids);
  const hostName = externalIds.get(EXTERNAL_ID_KEYS.hostName);
  const localIp = externalIds.get(EXTERNAL_ID_KEYS.localIp);
  const tunnel = externalIds.get(EXTERNAL_ID_KEYS.tunnel);
  return {
    uuid: String(row._uuid),
    version: asList(row.ovs_version).map(String)[0] ?? '',
    datapathTypes: asList(row.datapath_types).map(String),
    bridges: bridges.rows.map((b) => String(b.name)),
    externalIds,
    config: hostName && localIp && tunnel ? { hostName, localIp, tunnel } : undefined,
  };
}

/** Writes (or, with `undefined`, removes) loris's host-local settings in one transaction. */
export async function writeHostConfig(c: OvsdbClient, info: OvsInfo, config: HostConfig | undefined): Promise<void> {
  const keys = Object.values(EXTERNAL_ID_KEYS);
  const ops = [mutate('Open_vSwitch', [], [mutation('external_ids', 'delete', new Map(keys.filter((k) => info.externalIds.has(k)).map((k) => [k, info.externalIds.get(k) ?? ''])))])];
  if (config) {
    ops.push(
      mutate('Open_vSwitch', [], [
        mutation(
          'external_ids',
          'insert',
          new Map([
            [EXTERNAL_ID_KEYS.hostName, config.hostName],
            [EXTERNAL_ID_KEYS.localIp, config.localIp],
            [EXTERNAL_ID_KEYS.tunnel, config.tunnel],
          ]),
        ),
      ]),
    );
  }
  await c.transact('Open_vSwitch', ops);
}
