/*
 * Clustered databases: what `_Server.Database` says about a database on the server we talk to. The client
 * reads it to accept only the leader and monitors it to follow leadership changes.
 */

export const SERVER_MONITOR_ID = 'loris-server-db';
export const SERVER_DB_COLUMNS = ['name', 'model', 'connected', 'leader', 'index', 'cid', 'sid'] as const;

/** What `_Server.Database` said about `database` on the current server (clustered databases). */
export interface ServerDatabaseInfo {
  name: string;
  model: string;
  connected: boolean;
  leader: boolean;
  index: number | undefined;
  cid: string | undefined;
  sid: string | undefined;
}

export function serverInfoOf(row: Record<string, unknown>): ServerDatabaseInfo {
  const uuidOf = (v: unknown): string | undefined => (typeof v === 'string' ? v : Array.isArray(v) && v[0] === 'uuid' ? String(v[1]) : undefined);
  return {
    name: String(row.name),
    model: String(row.model),
    connected: row.connected === true,
    leader: row.leader === true,
    index: typeof row.index === 'number' ? row.index : undefined,
    cid: uuidOf(row.cid),
    sid: uuidOf(row.sid),
  };
}
