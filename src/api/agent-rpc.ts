import { chmodSync, existsSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { LorisError } from '../errors.js';

/**
 * The agent's command socket: `<run-dir>/agent.sock` (unix, mode 0600). `loris connect` and
 * `loris disconnect` hand their request to a running agent, which has the protocol stacks loaded and the
 * store replica open, so the command costs a Node start plus one round trip instead of loading
 * OpenFlow/OVSDB/netlink code and opening the store. Without an agent socket the CLI does the work
 * in-process; the result, errors and exit statuses are the same either way.
 *
 * Protocol: one JSON object per line each way: `{"id","method","params"}` → `{"id","result"}` or
 * `{"id","error":{"code","message"}}`. Only the methods in AGENT_METHODS are served. Params:
 * `connect` [container, address, pod|null, {dockerHost}], `disconnect` [container, pod|null, {dockerHost}] — the
 * caller's Docker endpoint, so the agent resolves a container name where the caller's command would.
 *
 * This module stays free of heavy imports: the CLI's fast path loads it alone.
 */

export const AGENT_METHODS = ['connect', 'disconnect'] as const;
export type AgentMethod = (typeof AGENT_METHODS)[number];

export function agentSocketPath(runDir: string): string {
  return join(runDir, 'agent.sock');
}

interface Request {
  id: number;
  method: string;
  params: unknown[];
}

type Handler = (method: AgentMethod, params: unknown[]) => Promise<unknown>;

function lines(sock: Socket, onLine: (line: string) => void): void {
  let buf = '';
  sock.setEncoding('utf8');
  sock.on('data', (chunk: string) => {
    buf += chunk;
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (line.trim()) onLine(line);
    }
  });
}

/** Serves the command socket until the returned server is closed. */
export async function serveAgentRpc(path: string, handle: Handler): Promise<Server> {
  rmSync(path, { force: true });
  const server = createServer((sock) => {
    sock.on('error', () => undefined);
    lines(sock, (line) => {
      let req: Request;
      try {
        req = JSON.parse(line) as Request;
      } catch {
        sock.write(`${JSON.stringify({ id: null, error: { code: 'LORIS_PROTOCOL', message: 'agent socket: a request line is not JSON' } })}\n`);
        return;
      }
      const reply = (body: object): void => void sock.write(`${JSON.stringify({ id: req.id, ...body })}\n`);
      if (!(AGENT_METHODS as readonly string[]).includes(req.method) || !Array.isArray(req.params)) {
        reply({ error: { code: 'LORIS_USAGE', message: `agent socket: unknown method ${String(req.method)}` } });
        return;
      }
      handle(req.method as AgentMethod, req.params).then(
        (result) => reply({ result }),
        (e: unknown) => reply({ error: { code: e instanceof LorisError ? e.code : 'LORIS_INTERNAL', message: e instanceof Error ? e.message : String(e) } }),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  chmodSync(path, 0o600);
  return server;
}

/**
 * Calls the agent. Resolves with its result, rejects with a LorisError carrying the agent's error code,
 * or resolves `undefined` when no agent answers on `path` (the caller then does the work itself).
 */
export function callAgent(path: string, method: AgentMethod, params: unknown[], timeoutMs = 60_000): Promise<unknown> {
  if (!existsSync(path)) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    let answered = false;
    const sock = connect(path);
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new LorisError('LORIS_TIMEOUT', `the loris agent did not answer ${method} within ${timeoutMs} ms; see its log, or stop it (loris cleanup) and retry`));
    }, timeoutMs);
    sock.on('error', () => {
      clearTimeout(timer);
      // No agent behind a stale socket: not an error, the caller works in-process.
      if (!answered) resolve(undefined);
    });
    sock.on('close', () => {
      clearTimeout(timer);
      if (!answered) resolve(undefined);
    });
    sock.on('connect', () => sock.write(`${JSON.stringify({ id: 1, method, params })}\n`));
    lines(sock, (line) => {
      answered = true;
      clearTimeout(timer);
      sock.end();
      const r = JSON.parse(line) as { result?: unknown; error?: { code: string; message: string } };
      if (r.error) reject(new LorisError(r.error.code, r.error.message));
      else resolve(r.result);
    });
  });
}
