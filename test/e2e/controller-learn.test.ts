import test from 'ava';
import { waitUntil } from '../../src/lab/exec.js';
import { ControllerLab } from './controller-lab.js';

/*
 * Hosts without a shared store (each knows its peers but only its own endpoints): the switches learn remote MACs
 * (learn mode). Isolation still holds through the per-pod tunnel key.
 */

let cl: ControllerLab;
test.before(async () => {
  cl = await ControllerLab.create({ hosts: 2, sharedStore: false, controller: { learnRemote: true } });
  for (const h of cl.hosts) for (const pod of [1, 2]) await cl.store(h.name).ensurePod(pod, { subnet: '10.1.0.0/24' });
});
test.after.always(async () => {
  await cl?.close();
});

test.serial('learn mode: same pod reaches across hosts, the other pod (same subnet) does not', async (t) => {
  const [h1, h2] = cl.hosts;
  const a = await cl.addMember('a', h1, 1, '10.1.0.1');
  const b = await cl.addMember('b', h2, 1, '10.1.0.2');
  const c = await cl.addMember('c', h2, 2, '10.1.0.3');
  const d = await cl.addMember('d', h1, 2, '10.1.0.4');
  t.is(cl.store('h1').endpoints().length, 2, 'h1’s store knows only h1’s endpoints');
  t.true(await waitUntil('a → b', () => cl.reaches(a, b), 8000, 50));
  t.true(await waitUntil('d → c', () => cl.reaches(d, c), 8000, 50));
  t.false(await cl.reaches(a, c));
  t.false(await cl.reaches(b, d));
  // The switch of h1 learned b's MAC behind its tunnel.
  const learned = await cl.lab.ofctl(h1, ['dump-flows', cl.lab.mgmtSocket(h1, 'br-int'), `table=3,dl_dst=${b.mac}`]);
  t.regex(learned, /priority=90/);
});
