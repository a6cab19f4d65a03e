// Child process for reconnect-alive.test.ts: connects, reports each step, and after the server comes back
// transacts and exits 0. Nothing of its own keeps the event loop alive: only the client's reconnect does.
import { once } from 'node:events';
import { OvsdbClient, select } from '../../../src/ovsdb/index.js';

const say = (s: string): boolean => process.stdout.write(`${s}\n`);
const c = await OvsdbClient.connect(`unix:${process.argv[2]}`, { backoffMinMs: 50, backoffMaxMs: 200 });
c.on('warning', () => undefined);
say('connected');
await once(c, 'disconnect');
say('disconnected');
await once(c, 'connect');
const [r] = await c.transact('Open_vSwitch', [select('Open_vSwitch', [], ['_uuid'])]);
say(`transacted ${r.rows.length}`);
c.close();
