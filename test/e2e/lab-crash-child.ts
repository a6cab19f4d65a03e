// Child process for lab-crash.test.ts: stands up a lab run, reports its id, then waits to be killed.
import { Lab } from '../../src/lab/index.js';

const lab = await Lab.create({ sweep: false });
await lab.addHost('h1');
await lab.addContainer('c1', 'netns');
const c2 = await lab.addContainer('c2', 'docker');
const dockerPid = c2.kind === 'docker' ? c2.pid : 0;
process.stdout.write(`${JSON.stringify({ runId: lab.runId, dir: lab.dir, dockerPid })}\n`);
setInterval(() => undefined, 1000);
