import { dirname, join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { TimeoutError } from '../errors.js';
import { OFPP_ANY } from '../ofproto/actions.js';
import { OfConnection } from '../ofproto/connection.js';
import { OFPG_ANY, OFPTT_ALL } from '../ofproto/flow-mod.js';
import type { FlowStats } from '../ofproto/multipart-flow.js';
export { formatFlow } from '../ofproto/print.js';
import type { OvsdbClient } from '../ovsdb/client.js';
import { Uuid, type Value } from '../ovsdb/notation.js';
import { del, eq, mutate, mutation, select } from '../ovsdb/operations.js';
import { Vswitch } from '../ovsdb/vswitch.js';
import { ownerCookie } from '../controller/pipeline.js';
import { unixctl } from '../ovsdb/unixctl.js';

/**
 * The switch-side steps of the API: the container ports loris adds to the integration bridge (OVSDB),
 * and reading the bridge's flows (OpenFlow over the bridge's management socket).
 */

/** external_ids loris puts on a container port: which endpoint and container it belongs to. */
export const PORT_ENDPOINT_KEY = 'loris-endpoint';
export const PORT_CONTAINER_KEY = 'loris-container';

/** OVS's run dir: next to the `unix:` database socket, else the packaged default. */
export function ovsRunDir(db: string): string {
  const first = db.split(',')[0].trim();
  return first.startsWith('unix:') ? dirname(first.slice(5)) : '/var/run/openvswitch';
}

export function mgmtSocket(db: string, bridge: string): string {
  return join(ovsRunDir(db), `${bridge}.mgmt`);
}

/** ovs-vswitchd's unixctl socket when it can be found (`ovs-vswitchd.ctl`, else `ovs-vswitchd.<pid>.ctl`). */
export function vswitchdCtl(db: string): string | undefined {
  const dir = ovsRunDir(db);
  const plain = join(dir, 'ovs-vswitchd.ctl');
  if (existsSync(plain)) return plain;
  try {
    const pid = readFileSync(join(dir, 'ovs-vswitchd.pid'), 'utf8').trim();
    const withPid = join(dir, `ovs-vswitchd.${pid}.ctl`);
    return existsSync(withPid) ? withPid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The Open vSwitch version: `Open_vSwitch.ovs_version` (set by the packaged start scripts), else asked
 * from ovs-vswitchd itself over its unixctl socket (`version`), as a hand-started daemon leaves the column empty.
 */
export async function ovsVersion(db: string, column: string): Promise<string> {
  if (column) return column;
  const ctl = vswitchdCtl(db);
  if (!ctl) return '';
  try {
    return /(\d+\.\d+\.\d+)/.exec(await unixctl(ctl, 'version', [], { timeoutMs: 3000 }))?.[1] ?? '';
  } catch {
    return '';
  }
}

const asList = (v: Value | undefined): Value[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const asMap = (v: Value | undefined): Map<string, string> => new Map(v instanceof Map ? [...v].map(([k, x]) => [String(k), String(x)]) : []);

/** Adds a container's host-side veth end to the bridge and waits for vswitchd; returns its OpenFlow port. */
export async function addContainerPort(c: OvsdbClient, bridge: string, name: string, o: { endpoint: string; containerId: string; mac: string }): Promise<number> {
  const r = await new Vswitch(c).addPort(bridge, name, {
    mayExist: true,
    externalIds: { [PORT_ENDPOINT_KEY]: o.endpoint, [PORT_CONTAINER_KEY]: o.containerId },
    ifaceExternalIds: { 'iface-id': o.endpoint, 'attached-mac': o.mac },
  });
  if (r.error) throw new TimeoutError(`ovs-vswitchd adding port ${name} (${r.error})`, 0);
  return r.ofport ?? -1;
}

/** Deletes a port by name if it exists. Returns whether it existed. */
export async function delPortIfExists(c: OvsdbClient, name: string): Promise<boolean> {
  const vs = new Vswitch(c);
  if (!(await vs.getInterface(name))) return false;
  await vs.delPort(name, { ifExists: true });
  return true;
}

/** The OpenFlow port of an interface, or undefined when it has none (yet). */
export async function ofportOf(c: OvsdbClient, name: string): Promise<number | undefined> {
  const row = await new Vswitch(c).getInterface(name);
  const p = asList(row?.ofport)[0];
  return typeof p === 'number' && p > 0 ? p : undefined;
}

/** Names of the ports loris added for containers (external_ids:loris-endpoint), with their endpoint uuid. */
export async function containerPorts(c: OvsdbClient): Promise<Map<string, string>> {
  const [ports] = await c.transact('Open_vSwitch', [select('Port', [], ['name', 'external_ids'])]);
  const out = new Map<string, string>();
  for (const p of ports.rows) {
    const ep = asMap(p.external_ids).get(PORT_ENDPOINT_KEY);
    if (ep) out.set(String(p.name), ep);
  }
  return out;
}

/** Deletes the bridge if loris created it (external_ids:loris=integration); its ports go with it. */
export async function delLorisBridge(c: OvsdbClient, bridge: string): Promise<boolean> {
  const [br, ovs] = await c.transact('Open_vSwitch', [select('Bridge', [eq('name', bridge)], ['_uuid', 'external_ids', 'ports']), select('Open_vSwitch', [], ['_uuid'])]);
  const row = br.rows[0];
  if (!row || asMap(row.external_ids).get('loris') !== 'integration') return false;
  const brUuid = row._uuid as Uuid;
  const ports = asList(row.ports).filter((p): p is Uuid => p instanceof Uuid);
  await new Vswitch(c).apply([
    mutate('Open_vSwitch', [['_uuid', '==', ovs.rows[0]._uuid as Uuid]], [mutation('bridges', 'delete', brUuid)]),
    del('Bridge', [['_uuid', '==', brUuid]]),
    ...ports.map((p) => del('Port', [['_uuid', '==', p]])),
  ]);
  return true;
}

export function openFlowConnection(db: string, bridge: string): Promise<OfConnection> {
  return OfConnection.connect(`unix:${mgmtSocket(db, bridge)}`, { name: `${bridge}.mgmt`, echoIntervalMs: 0, features: false });
}

/** All flows of the bridge (every table), via one OFPMP_FLOW request. */
export async function dumpFlows(conn: OfConnection, filter: { cookie?: bigint } = {}): Promise<FlowStats[]> {
  const replies = await conn.multipartAll({
    kind: 'flow',
    tableId: OFPTT_ALL,
    outPort: OFPP_ANY,
    outGroup: OFPG_ANY,
    cookie: filter.cookie ?? 0n,
    cookieMask: filter.cookie === undefined ? 0n : 0xffffffffffffffffn,
    match: {},
  });
  return replies.flatMap((r) => (r.kind === 'flow' ? r.flows : []));
}

/** Subscribes to "the flow table may have changed" (an in-process controller's updates); returns the unsubscribe. */
export type FlowChangeSource = (onChange: () => void) => () => void;

/** Longest pause between two looks at the switch while waiting for flows. */
const MAX_POLL_MS = 25;

/**
 * Waits until the controller has installed the flows of a local endpoint: a flow carrying the
 * endpoint's cookie that matches its OpenFlow port (the classifier entry). Looks at the switch over
 * `conn` (one connection serves every concurrent wait of a Loris object): at once, then after 1, 2, 4…
 * up to 25 ms, and at once again whenever `changes` (the agent's own controller, when the wait runs
 * inside the agent) reports an update of the table.
 */
export async function waitForEndpointFlows(conn: OfConnection, endpointUuid: string, ofport: number, o: { timeoutMs?: number; changes?: FlowChangeSource } = {}): Promise<void> {
  const timeoutMs = o.timeoutMs ?? 20_000;
  const cookie = ownerCookie({ kind: 'endpoint', id: endpointUuid }, true);
  const deadline = Date.now() + timeoutMs;
  let updates = 0;
  let wake: (() => void) | undefined;
  // Subscribed before the first look, so an update between a look and the pause is not missed.
  const off = o.changes?.(() => {
    updates++;
    wake?.();
  });
  try {
    for (let pause = 1; ; pause = Math.min(pause * 2, MAX_POLL_MS)) {
      const seen = updates;
      const flows = await dumpFlows(conn, { cookie });
      if (flows.some((f) => f.match.inPort === ofport)) return;
      if (Date.now() > deadline) throw new TimeoutError(`the loris agent installing the flows of port ${ofport} (is loris agent running? see its log)`, timeoutMs);
      if (updates !== seen) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pause);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  } finally {
    off?.();
  }
}
