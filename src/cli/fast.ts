import { agentSocketPath, callAgent, type AgentMethod } from '../api/agent-rpc.js';
import { DEFAULT_RUN_DIR, type ConnectResult, type ContainerOptions, type DisconnectResult } from '../api/types.js';
import { LorisError } from '../errors.js';
import { exitStatusFor } from './exit-codes.js';
import { Output } from './output.js';

/**
 * The fast path of `loris connect` / `loris disconnect`: when the command line is one of those in its
 * plain form and an agent answers on `<run-dir>/agent.sock`, the request goes to the agent without
 * loading commander or any protocol code. Anything else (help, another command, an option this parser
 * does not know, no agent) returns `undefined` and main() runs the full command line parser, which
 * gives the same results, messages and exit statuses.
 */

export function connectText(r: ConnectResult): string {
  const head = r.changed ? 'connected' : 'already connected, nothing changed';
  return `${head}: ${r.container} ${r.interface} ${r.ip}/${r.prefix} ${r.mac} pod ${r.pod} (${r.assignment})`;
}

export function disconnectText(r: DisconnectResult): string {
  return r.changed ? `disconnected ${r.container}${r.interface ? ` ${r.interface}` : ''} pod ${r.pod}` : `${r.container} was not connected${r.pod ? ` to pod ${r.pod}` : ''}, nothing changed`;
}

const VALUE_OPTIONS = new Set(['--db', '--store', '--store-file', '--run-dir', '--bridge']);

interface FastCommand {
  method: AgentMethod;
  /** [container, address, pod, opts] / [container, pod, opts]: opts carries this command's Docker endpoint. */
  params: (string | undefined | ContainerOptions)[];
  runDir: string;
  json: boolean;
  verbose: number;
}

/** Recognises `[global options] connect <c> <addr> [pod]` / `disconnect <c> [pod]`; undefined for anything else. */
export function parseFast(args: readonly string[], env: NodeJS.ProcessEnv = process.env): FastCommand | undefined {
  let runDir = env.LORIS_RUN_DIR ?? DEFAULT_RUN_DIR;
  let json = false;
  let verbose = 0;
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (positional.length === 0 && VALUE_OPTIONS.has(a)) {
      const v = args[++i];
      if (v === undefined || v.startsWith('-')) return undefined;
      if (a === '--run-dir') runDir = v;
    } else if (positional.length === 0 && a === '--json') json = true;
    else if (positional.length === 0 && (a === '-v' || a === '--verbose')) verbose++;
    else if (a.startsWith('-')) return undefined;
    else positional.push(a);
  }
  const [cmd, ...rest] = positional;
  // The agent resolves container names with the Docker endpoint this command would use ('' = the default socket).
  const opts: ContainerOptions = { dockerHost: env.DOCKER_HOST ?? '' };
  if (cmd === 'connect' && (rest.length === 2 || rest.length === 3)) return { method: 'connect', params: [rest[0], rest[1], rest[2], opts], runDir, json, verbose };
  if (cmd === 'disconnect' && (rest.length === 1 || rest.length === 2)) return { method: 'disconnect', params: [rest[0], rest[1], opts], runDir, json, verbose };
  return undefined;
}

/** Runs the command through the agent; undefined when the fast path does not apply. */
export async function runFast(args: readonly string[], io: { stdout?: NodeJS.WritableStream; stderr?: NodeJS.WritableStream }): Promise<number | undefined> {
  const f = parseFast(args);
  if (!f) return undefined;
  const out = new Output({ json: f.json, verbose: f.verbose, ...io });
  try {
    const r = await callAgent(agentSocketPath(f.runDir), f.method, f.params);
    if (r === undefined) return undefined;
    out.progress('done by the loris agent');
    out.result(r, f.method === 'connect' ? connectText(r as ConnectResult) : disconnectText(r as DisconnectResult));
    return 0;
  } catch (e) {
    const status = exitStatusFor(e instanceof LorisError ? e.code : undefined);
    out.error(e, status);
    return status;
  }
}
