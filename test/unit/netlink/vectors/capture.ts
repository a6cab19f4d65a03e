/**
 * Regenerates the rtnetlink golden vectors: runs each `ip` command under strace in a scratch namespace
 * and records the request it sends (type, flags, payload after nlmsghdr). Root only; not part of the tests:
 *   npx tsx test/unit/netlink/vectors/capture.ts
 * The scratch namespace holds v1 (ifindex 3, veth) and v2 (ifindex 5) with 10.0.0.5/24, both up.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sh, run } from '../../../../src/lab/exec.js';

interface Capture {
  name: string;
  command: string;
  /** The request the vector test rebuilds with loris's encoders (interpreted by vectors.test.ts). */
  spec: Record<string, unknown>;
}

const NS = `lorisvec${process.pid}`;
const CAPTURES: Capture[] = [
  { name: 'veth-create', command: 'link add v9 type veth peer name eth2', spec: { op: 'veth', name: 'v9', peer: { name: 'eth2' } } },
  { name: 'veth-create-mtu-mac', command: 'link add v8 mtu 1400 group 7 type veth peer name eth1 mtu 1400 address 02:00:00:00:00:05', spec: { op: 'veth', name: 'v8', mtu: 1400, group: 7, peer: { name: 'eth1', mtu: 1400, mac: '02:00:00:00:00:05' } } },
  { name: 'bridge-create', command: 'link add br9 type bridge', spec: { op: 'simple', name: 'br9', kind: 'bridge' } },
  { name: 'link-up', command: 'link set dev v1 up', spec: { op: 'change', index: 3, change: { up: true } } },
  { name: 'link-mtu', command: 'link set dev v1 mtu 1400', spec: { op: 'change', index: 3, change: { mtu: 1400 } } },
  { name: 'link-mac', command: 'link set dev v1 address 02:00:00:00:00:07', spec: { op: 'change', index: 3, change: { mac: '02:00:00:00:00:07' } } },
  { name: 'link-del', command: 'link del v9', spec: { op: 'delete', index: 0 } },
  { name: 'addr-add-v4', command: 'addr add 10.0.0.6/24 dev v1', spec: { op: 'address', index: 3, cidr: '10.0.0.6/24' } },
  { name: 'addr-add-v6-nodad', command: 'addr add fd00::5/64 dev v1 nodad', spec: { op: 'address', index: 3, cidr: 'fd00::5/64', nodad: true } },
  { name: 'route-via-metric', command: 'route add 10.20.0.0/16 via 10.0.0.1 metric 7', spec: { op: 'route', dst: '10.20.0.0/16', gateway: '10.0.0.1', metric: 7 } },
  { name: 'route-dev', command: 'route add 10.30.0.0/24 dev v2', spec: { op: 'route', dst: '10.30.0.0/24', oif: 5 } },
];

/** strace prints the header decoded, then the payload as "\xNN…" with -xx. */
function parseRequest(out: string): { type: number; flags: number; payload: string } {
  const re = /nlmsg_type=(\S+?)[,\s].*?nlmsg_flags=([^,]+), nlmsg_seq=\d+, nlmsg_pid=\d+\}, "((?:\\x[0-9a-f]{2})*)"/g;
  let last: { type: number; flags: number; payload: string } | undefined;
  for (const m of out.matchAll(re)) {
    const type = Number(m[1]);
    if (type === 18 || type === 3) continue; // the RTM_GETLINK ip does to resolve names
    let flags = 0;
    for (const f of m[2].split('|')) flags |= f === 'NLM_F_REQUEST' ? 1 : f === 'NLM_F_ACK' ? 4 : Number(f);
    last = { type, flags, payload: m[3].replaceAll('\\x', '') };
  }
  if (!last) throw new Error(`no request found in strace output:\n${out}`);
  return last;
}

async function main(): Promise<void> {
  await sh(['ip', 'netns', 'add', NS]);
  try {
    const ipn = (args: string): Promise<string> => sh(['ip', '-n', NS, ...args.split(' ')]);
    await ipn('link add v1 type veth peer name e1'); // v1 = 3 (lo = 1, e1 = 2)
    await ipn('link add v2 type veth peer name e2'); // v2 = 5
    await ipn('addr add 10.0.0.5/24 dev v2');
    for (const l of ['v1', 'e1', 'v2', 'e2']) await ipn(`link set ${l} up`);
    for (const c of CAPTURES) {
      if (c.name === 'link-del') {
        const idx = JSON.parse(await sh(['ip', '-n', NS, '-j', 'link', 'show', 'v9'])) as { ifindex: number }[];
        c.spec.index = idx[0].ifindex;
      }
      const r = await run(['strace', '-e', 'trace=sendmsg', '-xx', '-s', '4096', 'ip', '-n', NS, ...c.command.split(' ')]);
      if (r.code !== 0) throw new Error(`ip ${c.command} failed: ${r.stderr}`);
      const req = parseRequest(r.stderr);
      writeFileSync(join(import.meta.dirname, `${c.name}.json`), JSON.stringify({ command: `ip ${c.command}`, spec: c.spec, ...req }, null, 2) + '\n');
      process.stderr.write(`captured ${c.name}: type ${req.type} flags 0x${req.flags.toString(16)} ${req.payload.length / 2} bytes\n`);
    }
  } finally {
    await sh(['ip', 'netns', 'del', NS]);
  }
}

await main();
