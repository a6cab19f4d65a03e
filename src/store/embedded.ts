import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { LorisError } from '../errors.js';
import { JsonRpcConnection } from '../ovsdb/jsonrpc.js';
import { OvsdbDisconnectedError, type OvsdbClient } from '../ovsdb/index.js';
import { lorisSchema, standaloneDbFile, STORE_DB } from './dbfile.js';
import { StoreSetupError } from './errors.js';
import type { EmbeddedOptions } from './types.js';

/*
 * Embedded deployment: the Loris database lives in the host's own ovsdb-server, next to
 * Open_vSwitch, added at run time with `ovsdb-server/add-db FILE` over the server's unixctl socket.
 * loris writes the empty standalone database file itself (dbfile.ts) when it is missing — the product
 * never runs ovsdb-tool. add-db is not persistent across ovsdb-server restarts, so the Store calls
 * `ensureEmbeddedDb` again after every reconnect.
 */

export const DEFAULT_EMBEDDED_FILE = '/etc/openvswitch/loris.db';

/** The unixctl socket of the ovsdb-server behind a `unix:` remote: `ovsdb-server.ctl`, or `ovsdb-server.<pid>.ctl` from its pidfile. */
export function defaultControlSocket(unixRemote: string): string {
  const dir = dirname(unixRemote.replace(/^unix:/, ''));
  const plain = join(dir, 'ovsdb-server.ctl');
  if (existsSync(plain)) return plain;
  const pidFile = join(dir, 'ovsdb-server.pid');
  if (existsSync(pidFile)) return join(dir, `ovsdb-server.${readFileSync(pidFile, 'utf8').trim()}.ctl`);
  throw new StoreSetupError(`can't find ovsdb-server's control socket next to ${unixRemote} (no ovsdb-server.ctl or ovsdb-server.pid in ${dir}); pass embedded.control`);
}

/** One unixctl command (JSON-RPC over the `.ctl` socket, as ovs-appctl sends it). Resolves with the reply text. */
export async function unixctl(socketPath: string, method: string, params: string[], timeoutMs = 10_000): Promise<string> {
  const sock = connect({ path: socketPath });
  await new Promise<void>((resolve, reject) => {
    sock.once('connect', resolve);
    sock.once('error', (e) => reject(new StoreSetupError(`can't reach ovsdb-server's control socket ${socketPath}: ${e.message}; check the path and that ovsdb-server runs`)));
  });
  const rpc = new JsonRpcConnection(sock, {
    onMessage: () => undefined,
    makeError: (m, error) => new LorisError('LORIS_UNIXCTL', `${m} failed: ${String(error).trim()}`),
    closedError: (m) => new OvsdbDisconnectedError(m),
    onClose: () => undefined,
    protocol: 'unixctl',
  });
  try {
    return String(await rpc.request(method, params, { timeoutMs }));
  } finally {
    rpc.close();
  }
}

/**
 * Makes sure the server behind `client` serves the Loris database: if list_dbs lacks it, creates the
 * file (when missing) and adds it with `ovsdb-server/add-db`. Safe to call concurrently from several
 * processes: a lost race ("already open") is fine as long as the database is then served.
 */
export async function ensureEmbeddedDb(client: OvsdbClient, unixRemote: string, o: EmbeddedOptions = {}): Promise<void> {
  if ((await client.listDbs()).includes(STORE_DB)) return;
  const file = o.file ?? DEFAULT_EMBEDDED_FILE;
  const control = o.control ?? defaultControlSocket(unixRemote);
  try {
    writeFileSync(file, standaloneDbFile(lorisSchema()), { flag: 'wx', mode: 0o640 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new StoreSetupError(`can't create the store database file ${file}: ${(e as Error).message}; choose a writable embedded.file`, { cause: e });
  }
  try {
    await unixctl(control, 'ovsdb-server/add-db', [file]);
  } catch (e) {
    if (!(await client.listDbs()).includes(STORE_DB)) {
      throw new StoreSetupError(`ovsdb-server could not add the store database ${file}: ${(e as Error).message}`, { cause: e });
    }
  }
}
