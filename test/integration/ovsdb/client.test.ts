import test from 'ava';
import { Lab, waitUntil, type LabHost } from '../../../src/lab/index.js';
import {
  OvsdbClient,
  OvsdbError,
  abort,
  byUuid,
  comment,
  commit,
  del,
  eq,
  insert,
  mutate,
  mutation,
  namedUuid,
  select,
  setInsert,
  update,
  wait,
  Uuid,
} from '../../../src/ovsdb/index.js';

let lab: Lab;
let h: LabHost;
let c: OvsdbClient;
const DB = 'Open_vSwitch';

test.before(async () => {
  lab = await Lab.create();
  h = await lab.addHost('h1');
  c = await OvsdbClient.connect(`unix:${h.ovs.dbSock}`, { database: DB });
});
test.after.always(async () => {
  c?.close();
  await lab?.dispose();
});

test.serial('list_dbs, get_schema, echo', async (t) => {
  t.deepEqual((await c.listDbs()).sort(), ['Open_vSwitch', '_Server']);
  const s = await c.getSchema(DB);
  t.is(s.name, DB);
  t.true(s.tables.has('Bridge'));
  t.is(s.tables.get('Bridge')?.columns.get('ports')?.kind, 'set');
  t.deepEqual(await c.echo('a', 1), ['a', 1]);
});

test.serial('insert with named-uuid, select, update, mutate, delete; ovs-vsctl observes', async (t) => {
  const [, ins] = await c.transact(DB, [
    comment('loris test'),
    insert('Bridge', { name: 'br-t1', datapath_type: 'netdev', external_ids: new Map([['owner', 'loris']]) }, 'br'),
    mutate('Open_vSwitch', [], [setInsert('bridges', namedUuid('br'))]),
  ] as const);
  t.true(ins.uuid instanceof Uuid);
  t.regex(await lab.vsctl(h, ['get', 'bridge', 'br-t1', 'external_ids:owner']), /loris/);
  const [sel] = await c.transact(DB, [select('Bridge', [eq('name', 'br-t1')], ['_uuid', 'name', 'external_ids'])] as const);
  t.is(sel.rows.length, 1);
  t.true(ins.uuid.equals(sel.rows[0]._uuid as Uuid));
  t.deepEqual(sel.rows[0].external_ids, new Map([['owner', 'loris']]));
  const [up] = await c.transact(DB, [update('Bridge', [byUuid(ins.uuid)], { fail_mode: 'secure', protocols: ['OpenFlow13', 'OpenFlow14'] })] as const);
  t.is(up.count, 1);
  t.is((await lab.vsctl(h, ['get', 'bridge', 'br-t1', 'fail_mode'])).trim(), 'secure');
  const [mu] = await c.transact(DB, [mutate('Bridge', [byUuid(ins.uuid)], [mutation('external_ids', 'insert', new Map([['k2', 'v2']]))])] as const);
  t.is(mu.count, 1);
  t.regex(await lab.vsctl(h, ['get', 'bridge', 'br-t1', 'external_ids']), /k2="?v2"?/);
  const [, dl] = await c.transact(DB, [mutate('Open_vSwitch', [], [mutation('bridges', 'delete', ins.uuid)]), del('Bridge', [byUuid(ins.uuid)])] as const);
  t.is(dl.count, 1);
  t.notRegex(await lab.vsctl(h, ['list-br']), /br-t1/);
});

test.serial('wait succeeds on the current value and times out on a stale one; commit/abort', async (t) => {
  const [sel] = await c.transact(DB, [select('Bridge', [eq('name', 'br-phy')], ['_uuid', 'datapath_type'])] as const);
  const u = sel.rows[0]._uuid as Uuid;
  await t.notThrowsAsync(c.transact(DB, [wait('Bridge', [byUuid(u)], ['datapath_type'], [{ datapath_type: 'netdev' }], { timeout: 0 }), commit(false)] as const));
  const e = await t.throwsAsync(c.transact(DB, [wait('Bridge', [byUuid(u)], ['datapath_type'], [{ datapath_type: 'system' }], { timeout: 0 })] as const), { instanceOf: OvsdbError });
  t.is(e?.error, 'timed out');
  t.is(e?.code, 'LORIS_OVSDB_TIMED_OUT');
  t.is(e?.opIndex, 0);
  const a = await t.throwsAsync(c.transact(DB, [comment('x'), abort()] as const), { instanceOf: OvsdbError });
  t.is(a?.code, 'LORIS_OVSDB_ABORTED');
  t.is(a?.opIndex, 1);
});

test.serial('unknown database is a typed error', async (t) => {
  const e = await t.throwsAsync(c.transact('nope', [comment('x')] as const), { instanceOf: OvsdbError });
  t.is(e?.code, 'LORIS_OVSDB_UNKNOWN_DATABASE');
});

test.serial('monitor_cond with a condition, monitor_cond_change, monitor_cancel; set_db_change_aware', async (t) => {
  await c.setDbChangeAware(true);
  const updates: string[] = [];
  const initial = await c.monitorCond(DB, 'mc', { Bridge: { columns: ['name'], where: [eq('name', 'nothing')] } }, (tu) => {
    for (const [uuid, u] of Object.entries(tu.Bridge ?? {})) updates.push(`${Object.keys(u as object)[0]}:${uuid.length}`);
  });
  t.deepEqual(initial, {});
  await c.monitorCondChange('mc', { Bridge: { where: [eq('name', 'br-phy')] } });
  await waitUntil('the newly matching row to arrive', () => updates.length > 0, 5000);
  t.deepEqual(updates, ['insert:36']);
  await c.monitorCancel('mc');
  await t.throwsAsync(c.monitorCancel('mc'), { code: 'LORIS_OVSDB_UNKNOWN_MONITOR' });
});
