import { agentSocketPath, callAgent } from '../api/agent-rpc.js';
import type { Loris } from '../api/loris.js';
import type { ConnectResult, DisconnectResult, LorisOptions } from '../api/types.js';
import { exitCodeTable } from './exit-codes.js';
import { connectText, disconnectText } from './fast.js';
import { table, type Output } from './output.js';
import type { CommandContext, GlobalOptions } from './program.js';

/**
 * Command handlers: each is a thin layer over one `Loris` method — it builds the API object from the
 * global options, calls the method, and prints the result (text, or JSON with --json).
 * Imported lazily by program.ts.
 */

function lorisOptions(g: GlobalOptions, out: Output): LorisOptions {
  return { db: g.db, store: g.store, storeFile: g.storeFile, runDir: g.runDir, bridge: g.bridge, onProgress: out.progress };
}

/** The API object; imported on demand (it loads the protocol stacks). */
async function newLoris(ctx: CommandContext): Promise<Loris> {
  const { Loris } = await import('../api/loris.js');
  return new Loris(lorisOptions(ctx.g, ctx.out));
}

async function withLoris<T>(ctx: CommandContext, fn: (l: Loris) => Promise<T>): Promise<T> {
  const l = await newLoris(ctx);
  try {
    return await fn(l);
  } finally {
    await l.close();
    ctx.out.progress('closed');
  }
}

export async function initCommand(ctx: CommandContext): Promise<void> {
  const o = ctx.opts;
  const r = await withLoris(ctx, (l) =>
    l.init({ name: o.name === undefined ? undefined : String(o.name), localIp: o.localIp === undefined ? undefined : String(o.localIp), tunnel: o.tunnel === undefined ? undefined : String(o.tunnel), agent: o.agent !== false }),
  );
  const agent = r.agent.running ? `agent pid ${r.agent.pid}${r.agent.started ? ' (started)' : ' (already running)'}` : 'agent not started';
  ctx.out.result(r, [
    `${r.changed ? 'initialised' : 'already initialised, nothing changed'}: host ${r.hostName} ${r.localIp}, ${r.tunnel} tunnels, bridge ${r.bridge} (${r.datapathType}), Open vSwitch ${r.ovsVersion}, ${agent}`,
  ]);
}

export async function clusterCommand(ctx: CommandContext, remotes: unknown): Promise<void> {
  const r = await withLoris(ctx, (l) => l.cluster((remotes as string[]).map(String)));
  const lines = [...r.added.map((h) => `added ${h}`), ...r.existing.map((h) => `${h} already in the cluster, nothing changed`)];
  ctx.out.result(r, lines);
}

export async function connectCommand(ctx: CommandContext, container: unknown, address: unknown, pod: unknown): Promise<void> {
  const args = [String(container), String(address), pod === undefined ? undefined : String(pod)] as const;
  // A running agent does it (fast path: no protocol code to load here); else this process does.
  const viaAgent = (await callAgent(agentSocketPath(ctx.g.runDir), 'connect', [...args])) as ConnectResult | undefined;
  if (viaAgent) ctx.out.progress('done by the loris agent');
  const r = viaAgent ?? (await withLoris(ctx, (l) => l.connect(...args)));
  ctx.out.result(r, connectText(r));
}

export async function disconnectCommand(ctx: CommandContext, container: unknown, pod: unknown): Promise<void> {
  const args = [String(container), pod === undefined ? undefined : String(pod)] as const;
  const viaAgent = (await callAgent(agentSocketPath(ctx.g.runDir), 'disconnect', [...args])) as DisconnectResult | undefined;
  const r = viaAgent ?? (await withLoris(ctx, (l) => l.disconnect(...args)));
  ctx.out.result(r, disconnectText(r));
}

export async function cleanupCommand(ctx: CommandContext): Promise<void> {
  const r = await withLoris(ctx, (l) => l.cleanup());
  const what = [
    r.ports.length ? `${r.ports.length} port(s)` : '',
    r.bridges.length ? `bridge(s) ${r.bridges.join(', ')}` : '',
    r.endpoints ? `${r.endpoints} endpoint(s)` : '',
    r.agentStopped ? 'the agent' : '',
  ].filter(Boolean);
  ctx.out.result(r, [r.changed ? `removed ${what.join(', ')}` : 'nothing to clean up']);
}

export async function statusCommand(ctx: CommandContext): Promise<void> {
  const r = await withLoris(ctx, (l) => l.status());
  if (!r.initialised) {
    ctx.out.result(r, ['not initialised (run loris init)']);
    return;
  }
  const lines = [
    `host ${r.hostName} ${r.localIp}, bridge ${r.bridge}, ${r.tunnel} tunnels, Open vSwitch ${r.ovsVersion}`,
    r.agent.running ? `agent running, pid ${r.agent.pid}` : 'agent NOT running (loris init starts it; or run loris agent)',
    '',
    ...(r.tunnels.length ? table(['REMOTE', 'PORT', 'TYPE', 'OFPORT'], r.tunnels.map((t) => [t.remote, t.port, t.type, t.ofport ?? '-'])) : ['no remote hosts (loris cluster <ip>…)']),
    '',
    ...(r.endpoints.length
      ? table(['CONTAINER', 'IFACE', 'ADDRESS', 'MAC', 'POD', 'HOW'], r.endpoints.map((e) => [e.container, e.interface, `${e.ip}/${e.prefix}`, e.mac, e.pod, e.assignment]))
      : ['no containers connected on this host']),
  ];
  ctx.out.result(r, lines);
}

export async function podsCommand(ctx: CommandContext): Promise<void> {
  const r = await withLoris(ctx, (l) => l.pods());
  ctx.out.result(r, r.length ? table(['POD', 'SUBNET', 'KEY', 'MTU', 'ENDPOINTS'], r.map((p) => [p.pod, p.subnet ?? '-', p.tunnelKey, p.mtu ?? '-', p.endpoints])) : ['no pods yet']);
}

export async function podCommand(ctx: CommandContext, n: unknown): Promise<void> {
  const r = await withLoris(ctx, (l) => l.setPodSubnet(String(n), String(ctx.opts.subnet)));
  ctx.out.result(r, [`pod ${r.pod}: subnet ${r.subnet}`]);
}

export async function flowsCommand(ctx: CommandContext): Promise<void> {
  const r = await withLoris(ctx, (l) => l.flows());
  ctx.out.result(r, r);
}

export async function agentCommand(ctx: CommandContext): Promise<void> {
  const l = await newLoris(ctx);
  const agent = await l.agent();
  ctx.out.progress(`agent running (pid ${process.pid}); stop with SIGTERM`);
  await new Promise<void>((resolve) => {
    for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => resolve());
  });
  await agent.stop();
  await l.close();
}

export async function labCommand(ctx: CommandContext, action: unknown): Promise<void> {
  const lab = await import('./lab.js');
  await lab.runLab(ctx, String(action ?? 'demo'));
}

async function readArgOrStdin(arg: unknown): Promise<string> {
  if (arg !== undefined && arg !== '-') return String(arg);
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** A bridge name becomes its management socket next to the OVSDB socket; a remote (`unix:`, `tcp:`…) stays. */
async function ofRemote(g: GlobalOptions, bridge: string): Promise<string> {
  if (/^[a-z]+:/.test(bridge)) return bridge;
  const { mgmtSocket } = await import('../api/switch.js');
  return `unix:${mgmtSocket(g.db, bridge)}`;
}

export async function ofpPrintCommand(ctx: CommandContext, hex: unknown): Promise<void> {
  const { ofpPrint } = await import('./ofp.js');
  await ofpPrint(await readArgOrStdin(hex), { json: ctx.g.json });
}

export async function ofpEncodeCommand(ctx: CommandContext, json: unknown): Promise<void> {
  const { ofpEncode } = await import('./ofp.js');
  ofpEncode(await readArgOrStdin(json), { json: ctx.g.json });
}

export async function dumpFlowsCommand(ctx: CommandContext, bridge: unknown): Promise<void> {
  const { dumpFlows } = await import('./ofp.js');
  await dumpFlows(await ofRemote(ctx.g, String(bridge)), { json: ctx.g.json });
}

export async function addFlowsCommand(ctx: CommandContext, bridge: unknown, file: unknown): Promise<void> {
  const { addFlows } = await import('./ofp.js');
  await addFlows(await ofRemote(ctx.g, String(bridge)), String(file), { json: ctx.g.json });
}

export async function labServeCommand(ctx: CommandContext): Promise<void> {
  const lab = await import('./lab.js');
  await lab.serveLab(ctx.g.runDir, Number(ctx.opts.hosts ?? 3));
}

export async function exitCodesCommand(ctx: CommandContext): Promise<void> {
  const { EXIT_CODES } = await import('./exit-codes.js');
  ctx.out.result(EXIT_CODES, exitCodeTable());
}
