import { LorisError, NotConnectedError } from '../errors.js';
import { JsonRpcConnection } from './jsonrpc.js';
import { openStream } from './transport.js';

/*
 * unixctl: the JSON-RPC control channel of OVS daemons (`*.ctl` unix sockets) that ovs-appctl speaks
 * (ovs-facts §8). A request is `{"id":N,"method":CMD,"params":[args as strings]}`; the reply is
 * `{"id":N,"result":TEXT,"error":null}` or `{"id":N,"error":TEXT}`. Requests may be pipelined.
 */

/** The daemon answered a unixctl command with an error (e.g. an unknown bridge or command). */
export class UnixctlError extends LorisError {
  readonly command: string;
  readonly detail: string;
  constructor(command: string, detail: string) {
    super('LORIS_UNIXCTL', `unixctl ${command} failed: ${detail.trim()}; check the command's arguments (ovs-appctl list-commands shows what the daemon accepts)`);
    this.command = command;
    this.detail = detail;
  }
}

export class UnixctlClient {
  private constructor(
    private readonly rpc: JsonRpcConnection,
    readonly path: string,
  ) {}

  /** Connects to a daemon's control socket, e.g. `/var/run/openvswitch/ovs-vswitchd.<pid>.ctl`. */
  static async connect(path: string, o: { timeoutMs?: number } = {}): Promise<UnixctlClient> {
    const sock = await openStream({ kind: 'unix', path }, { timeoutMs: o.timeoutMs ?? 5000 });
    const rpc = new JsonRpcConnection(sock, {
      protocol: 'unixctl',
      onMessage: () => undefined,
      makeError: (method, error) => new UnixctlError(method, typeof error === 'string' ? error : JSON.stringify(error)),
      closedError: (method) => new NotConnectedError(`unixctl socket ${path} (closed during ${method})`),
      onClose: () => undefined,
    });
    return new UnixctlClient(rpc, path);
  }

  /** Runs a command; resolves with its text output. */
  async call(command: string, args: readonly string[] = [], o: { timeoutMs?: number } = {}): Promise<string> {
    const r = await this.rpc.request(command, [...args], { timeoutMs: o.timeoutMs ?? 30_000 });
    return typeof r === 'string' ? r : r === null || r === undefined ? '' : JSON.stringify(r);
  }

  close(): void {
    this.rpc.close();
  }

  // ---- commands loris uses ----

  /** `dpif/show`: datapaths, their ports and port numbers. */
  dpifShow(): Promise<string> {
    return this.call('dpif/show');
  }

  /** `ofproto/trace BRIDGE FLOW [-generate]`: how a packet would be processed. */
  ofprotoTrace(bridge: string, flow: string, o: { generate?: boolean } = {}): Promise<string> {
    return this.call('ofproto/trace', [bridge, flow, ...(o.generate ? ['-generate'] : [])]);
  }

  /** `cluster/status DB` (ovsdb-server): Raft role, term, leader, servers. */
  clusterStatus(db: string): Promise<string> {
    return this.call('cluster/status', [db]);
  }

  /** `exit`: asks the daemon to exit. The daemon may close before replying; that counts as success. */
  async exit(o: { cleanup?: boolean } = {}): Promise<void> {
    try {
      await this.call('exit', o.cleanup ? ['--cleanup'] : []);
    } catch (e) {
      if (!(e instanceof NotConnectedError)) throw e;
    } finally {
      this.close();
    }
  }
}

/** One-shot: connect, run one command, close. */
export async function unixctl(path: string, command: string, args: readonly string[] = [], o: { timeoutMs?: number } = {}): Promise<string> {
  const c = await UnixctlClient.connect(path, o);
  try {
    return await c.call(command, args, o);
  } finally {
    c.close();
  }
}

/** Parsed `cluster/status` essentials. */
export interface ClusterStatus {
  role: string | undefined;
  term: number | undefined;
  leader: string | undefined;
  status: string | undefined;
  serverId: string | undefined;
}

export function parseClusterStatus(text: string): ClusterStatus {
  const field = (name: string): string | undefined => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(text)?.[1]?.trim();
  const term = field('Term');
  return { role: field('Role'), term: term === undefined ? undefined : Number(term), leader: field('Leader'), status: field('Status'), serverId: field('Server ID') };
}
