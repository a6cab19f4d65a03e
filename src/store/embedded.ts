import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { OvsdbClient } from '../ovsdb/index.js';
import { unixctl as ovsdbUnixctl } from '../ovsdb/unixctl.js';
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

/**
 * One unixctl command, resolving with the reply text. Kept for src/api/switch.ts, which imported it from here
 * before src/ovsdb/unixctl.ts existed; new code should use that module.
 */
export function unixctl(socketPath: string, method: string, params: string[], timeoutMs = 10_000): Promise<string> {
  return ovsdbUnixctl(socketPath, method, params, { timeoutMs });
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
