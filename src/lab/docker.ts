import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync, chmodSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { sh, run, stopPid, waitUntil, pidAlive } from './exec.js';
import { LAB_ROOT } from './names.js';
import { readPid } from './ovs.js';

/** Tag of the registry-free busybox image every lab engine imports. */
export const LAB_IMAGE = 'loris/busybox:local';
const DOCKER = existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';

/**
 * A private dockerd for one lab run: own data-root, exec-root, socket and pidfile; no iptables, no
 * bridge, no ip forwarding. Containers are created with `--network none`; loris plumbs their interfaces.
 */
export class LabDockerEngine {
  readonly dir: string;
  readonly socket: string;
  readonly pidfile: string;
  readonly runId: string;

  constructor(runDir: string, runId: string) {
    this.dir = join(runDir, 'dk');
    this.socket = join(this.dir, 'd.sock');
    this.pidfile = join(this.dir, 'dockerd.pid');
    this.runId = runId;
  }

  get host(): string {
    return `unix://${this.socket}`;
  }

  docker(args: string[], timeoutMs = 60_000): Promise<string> {
    return sh([DOCKER, '-H', this.host, ...args], { timeoutMs });
  }

  async start(): Promise<void> {
    mkdirSync(join(this.dir, 'data'), { recursive: true });
    mkdirSync(join(this.dir, 'x'), { recursive: true });
    writeFileSync(join(this.dir, 'daemon.json'), '{}');
    const storage = readFileSync('/proc/filesystems', 'utf8').includes('overlay') ? 'overlay2' : 'vfs';
    const child = spawn('/usr/sbin/dockerd', [
      '--config-file', join(this.dir, 'daemon.json'),
      '--data-root', join(this.dir, 'data'), '--exec-root', join(this.dir, 'x'),
      '--pidfile', this.pidfile, '-H', this.host, '--storage-driver', storage,
      '--iptables=false', '--ip6tables=false', '--ip-forward=false', '--ip-masq=false', '--bridge=none',
    ], { stdio: ['ignore', 'ignore', 'ignore'], detached: true });
    child.unref();
    await waitUntil('private dockerd', async () => {
      if (child.exitCode !== null) throw new Error(`dockerd exited with ${child.exitCode}`);
      const r = await run([DOCKER, '-H', this.host, 'version', '--format', '{{.Server.Version}}'], { timeoutMs: 5000 });
      return r.code === 0;
    }, 60_000, 100);
    await this.importImage();
  }

  private async importImage(): Promise<void> {
    const tar = await busyboxRootfsTar();
    await this.docker(['import', '-c', 'CMD ["/bin/sh"]', tar, LAB_IMAGE]);
  }

  /** Starts a long-running container with no network; returns its full id and pid. */
  async runContainer(name: string): Promise<{ id: string; pid: number }> {
    const id = (await this.docker(['run', '-d', '--network', 'none', '--label', `loris-lab=${this.runId}`, '--name', name, LAB_IMAGE, 'sleep', '86400'])).trim();
    const pid = Number((await this.docker(['inspect', '-f', '{{.State.Pid}}', id])).trim());
    return { id, pid };
  }

  async stop(): Promise<void> {
    const pid = readPid(this.pidfile);
    if (pid && pidAlive(pid)) {
      const ids = (await run([DOCKER, '-H', this.host, 'ps', '-aq'], { timeoutMs: 10_000 })).stdout.split(/\s+/).filter(Boolean);
      if (ids.length) await run([DOCKER, '-H', this.host, 'rm', '-f', ...ids], { timeoutMs: 30_000 });
      await stopPid(pid, 10_000);
    }
    await cleanupEngineDir(this.dir);
  }
}

/** Stops a leftover containerd and unmounts everything under an engine dir (deepest first). */
export async function cleanupEngineDir(dir: string): Promise<void> {
  const cpid = readPid(join(dir, 'x', 'containerd', 'containerd.pid'));
  if (cpid) await stopPid(cpid, 5000);
  // containerd-shim processes of a crashed engine hold the containers: find them by their -namespace/-id args under dir
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
      if (cmd.startsWith('/usr/bin/containerd-shim') && cmd.includes(dir)) await stopPid(Number(p), 2000);
    } catch {
      /* process gone */
    }
  }
  const mounts = readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[1])
    .filter((m): m is string => !!m && m.startsWith(dir))
    .sort()
    .reverse();
  for (const m of mounts) await run(['umount', '-l', m]);
}

/** Builds (once per machine, atomically) a rootfs tarball from busybox-static with every applet linked. */
export async function busyboxRootfsTar(): Promise<string> {
  const tar = join(LAB_ROOT, 'busybox-rootfs.tar');
  if (existsSync(tar)) return tar;
  const root = join(LAB_ROOT, `rootfs.${process.pid}`);
  rmSync(root, { recursive: true, force: true });
  for (const d of ['bin', 'etc', 'proc', 'sys', 'dev', 'tmp', 'root', 'usr/share/udhcpc']) mkdirSync(join(root, d), { recursive: true });
  copyFileSync('/bin/busybox', join(root, 'bin/busybox'));
  chmodSync(join(root, 'bin/busybox'), 0o755);
  const applets = (await sh(['/bin/busybox', '--list'])).split('\n').filter((a) => a && a !== 'busybox');
  for (const a of applets) symlinkSync('busybox', join(root, 'bin', a));
  symlinkSync('bin', join(root, 'sbin'));
  symlinkSync('../bin', join(root, 'usr/bin'));
  symlinkSync('../bin', join(root, 'usr/sbin'));
  writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  writeFileSync(join(root, 'etc/group'), 'root:x:0:\n');
  const script = join(root, 'usr/share/udhcpc/default.script');
  writeFileSync(script, `#!/bin/sh
case "$1" in
  deconfig) ip addr flush dev "$interface"; ip link set "$interface" up ;;
  bound|renew) ip addr flush dev "$interface"
     ip addr add "$ip/\${mask:-24}" dev "$interface"
     [ -n "$mtu" ] && ip link set "$interface" mtu "$mtu"
     echo "$ip/\${mask:-24} mtu=\${mtu:-none}" > /tmp/udhcpc.lease ;;
esac
exit 0
`);
  chmodSync(script, 0o755);
  const tmp = `${tar}.${process.pid}`;
  await sh(['tar', '-C', root, '-cf', tmp, '.']);
  renameSync(tmp, tar);
  rmSync(root, { recursive: true, force: true });
  return tar;
}
