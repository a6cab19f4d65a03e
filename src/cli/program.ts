import { Argument, Command, Option } from 'commander';
import { DEFAULT_BRIDGE, DEFAULT_DB, DEFAULT_RUN_DIR } from '../api/types.js';
import { Output } from './output.js';

/**
 * The `loris` command line: commander definitions only. Each action lazily imports its handler
 * (`commands.ts`, which imports the API and through it the protocol stacks), so `loris --help` and
 * argument errors never load OpenFlow/OVSDB/netlink code.
 */

export interface GlobalOptions {
  db: string;
  store?: string;
  storeFile?: string;
  runDir: string;
  bridge: string;
  json: boolean;
  verbose: number;
}

const EXAMPLES = `
Examples (the original bash loris's command lines work unchanged):
  loris init                                  # bridge, controller, store registration on this host
  loris init --local-ip 192.168.1.20 --tunnel gre
  loris cluster 192.168.1.21 192.168.1.22     # tunnels to the other hosts
  loris connect web1 10.1.0.5/24              # eth1 in container web1, global pod
  loris connect web2 10.2.0.5 7               # mask defaults to /24; pod 7
  loris connect db1 dhcp 7                    # address from pod 7's subnet, served by loris's DHCP
  loris --json connect web1 10.1.0.5/24       # machine-readable result
  loris disconnect web2 7
  loris pod 7 --subnet 10.7.0.0/24
  loris status; loris pods; loris flows
  loris cleanup                               # undo everything loris did on this host
  sudo npm run lab                            # demo: 3 emulated hosts, 6 containers, 2 pods

Environment: LORIS_DB (--db), LORIS_STORE (--store), LORIS_STORE_FILE (--store-file), LORIS_RUN_DIR (--run-dir).
Exit statuses: \`loris exit-codes\` (0 = success, 2 = usage, 3-24 = one per kind of error).`;

function countVerbose(_v: string, prev: number): number {
  return prev + 1;
}

/** Global options as the action sees them (commander merges parent options in optsWithGlobals). */
export function globalsOf(cmd: Command): GlobalOptions {
  const o = cmd.optsWithGlobals();
  return {
    db: String(o.db),
    store: o.store === undefined ? undefined : String(o.store),
    storeFile: o.storeFile === undefined ? undefined : String(o.storeFile),
    runDir: String(o.runDir),
    bridge: String(o.bridge),
    json: o.json === true,
    verbose: typeof o.verbose === 'number' ? o.verbose : 0,
  };
}

/** What every command handler receives besides its positional arguments. */
export interface CommandContext {
  g: GlobalOptions;
  out: Output;
  /** The command's own options (e.g. `--subnet`). */
  opts: Record<string, unknown>;
}

type Handlers = typeof import('./commands.js');
type Handler = (ctx: CommandContext, ...args: unknown[]) => Promise<void>;

/** Wraps a handler so its module (and everything it imports) loads only when the command runs. */
function lazy(name: keyof Handlers, out: (g: GlobalOptions) => Output) {
  return async (...args: unknown[]): Promise<void> => {
    const cmd = args[args.length - 1] as Command;
    const g = globalsOf(cmd);
    const mod = await import('./commands.js');
    const fn = mod[name] as Handler;
    await fn({ g, out: out(g), opts: cmd.opts() }, ...args.slice(0, -2));
  };
}

/**
 * Builds the program. `makeOutput` lets tests capture output; `main()` passes one writing to the process.
 */
export function buildProgram(
  makeOutput: (g: GlobalOptions) => Output = (g) => new Output({ json: g.json, verbose: g.verbose }),
  configure: (program: Command) => void = () => undefined,
): Command {
  const program = new Command('loris');
  // Settings subcommands inherit (exitOverride, output) must be made before the subcommands exist.
  configure(program);
  program
    .description('Network containers across hosts over Open vSwitch (OpenFlow 1.3, OVSDB and rtnetlink spoken natively).')
    .version(LORIS_VERSION, '-V, --version')
    .addOption(new Option('--db <remote>', "OVSDB remote of this host's Open vSwitch").env('LORIS_DB').default(DEFAULT_DB))
    .addOption(new Option('--store <remotes>', 'cluster store remotes, comma-separated (default: embedded in --db)').env('LORIS_STORE'))
    .addOption(new Option('--store-file <path>', 'embedded store database file (default /etc/openvswitch/loris.db)').env('LORIS_STORE_FILE'))
    .addOption(new Option('--run-dir <dir>', 'pidfile, log and lab state directory').env('LORIS_RUN_DIR').default(DEFAULT_RUN_DIR))
    .addOption(new Option('--bridge <name>', 'integration bridge').default(DEFAULT_BRIDGE))
    .option('--json', 'print results as JSON on stdout', false)
    .option('-v, --verbose', 'show progress and timings (repeat for debug: -vv)', countVerbose, 0)
    .showSuggestionAfterError(true)
    .addHelpText('after', EXAMPLES);

  program
    .command('init')
    .description('prepare this host: check OVS, create the bridge, register in the store, start the agent')
    .option('--local-ip <ip>', 'underlay address of this host (default: detected from the default route)')
    .option('--name <host>', 'this host\'s name in the store (default: the system host name; unique in a shared store)')
    .option('--tunnel <type>', 'tunnel type between hosts: vxlan (default) or gre')
    .option('--no-agent', 'do not start the background agent (run `loris agent` under systemd instead)')
    .addHelpText('after', '\nExamples:\n  loris init\n  loris init --local-ip 192.168.1.20 --tunnel gre --no-agent')
    .action(lazy('initCommand', makeOutput));

  program
    .command('cluster')
    .description('connect this host (or, with a shared store, the cluster) to other hosts')
    .argument('<remote_host_ip...>', 'underlay addresses of the other hosts')
    .addHelpText('after', '\nExamples:\n  loris cluster 192.168.1.21\n  loris cluster 192.168.1.21 192.168.1.22')
    .action(lazy('clusterCommand', makeOutput));

  program
    .command('connect')
    .description("give a container an interface (eth1, eth2, …) on a pod's network; returns when it can talk")
    .argument('<container>', 'Docker id or name, pid:<n>, netns:<name> or a namespace path')
    .argument('<address>', 'ip[/mask] (mask defaults to /24) or dhcp')
    .argument('[pod]', 'pod number 1-16777215 (default: the global pod)')
    .addHelpText('after', '\nExamples:\n  loris connect web1 10.1.0.5/24\n  loris connect web2 10.2.0.5 7\n  loris connect db1 dhcp 7')
    .action(lazy('connectCommand', makeOutput));

  program
    .command('disconnect')
    .description("remove a container's interface on a pod (all its loris interfaces when no pod is given)")
    .argument('<container>', 'Docker id or name, pid:<n>, netns:<name> or a namespace path')
    .argument('[pod]', 'pod number')
    .addHelpText('after', '\nExamples:\n  loris disconnect web2 7\n  loris disconnect web1')
    .action(lazy('disconnectCommand', makeOutput));

  program
    .command('cleanup')
    .description('undo everything loris did on this host (safe to run twice)')
    .action(lazy('cleanupCommand', makeOutput));

  program.command('status').description('this host: OVS, agent, tunnels, connected containers').action(lazy('statusCommand', makeOutput));
  program.command('pods').description('pods with their subnet, tunnel key and endpoint count').action(lazy('podsCommand', makeOutput));

  program
    .command('pod')
    .description("set a pod's subnet (used by dhcp and to check static addresses)")
    .argument('<n>', 'pod number')
    .requiredOption('--subnet <cidr>', 'subnet such as 10.7.0.0/24')
    .addHelpText('after', '\nExample:\n  loris pod 7 --subnet 10.7.0.0/24')
    .action(lazy('podCommand', makeOutput));

  program.command('flows').description("the integration bridge's OpenFlow table, as ovs-ofctl dump-flows prints it").action(lazy('flowsCommand', makeOutput));

  program
    .command('agent')
    .description('run the controller in the foreground (for systemd; `loris init` starts one in the background)')
    .action(lazy('agentCommand', makeOutput));

  program
    .command('lab')
    .description('emulated hosts on this machine (root): demo (default), or up/down to keep one running')
    .addArgument(new Argument('[action]', 'what to do').choices(['demo', 'up', 'down', 'status']).default('demo'))
    .option('--hosts <n>', 'hosts for lab up (1-9)', '3')
    .addHelpText('after', '\nExamples:\n  npm run lab            # = loris lab demo\n  loris lab up; loris lab status; loris lab down')
    .action(lazy('labCommand', makeOutput));

  program
    .command('ofp-print')
    .description('decode OpenFlow 1.3 messages given as hex (or - for stdin), like ovs-ofctl ofp-print')
    .argument('[hex]', 'message bytes as hex', '-')
    .addHelpText('after', '\nExamples:\n  loris ofp-print 0404001000000001\n  loris --json ofp-print - < msg.hex')
    .action(lazy('ofpPrintCommand', makeOutput));

  program
    .command('ofp-encode')
    .description('encode OpenFlow 1.3 messages given as JSON (or - for stdin) to hex; the inverse of --json ofp-print')
    .argument('[json]', 'a message object or an array of them', '-')
    .action(lazy('ofpEncodeCommand', makeOutput));

  program
    .command('dump-flows')
    .description('print a bridge\'s flows like ovs-ofctl dump-flows')
    .argument('[bridge]', 'a bridge name (its mgmt socket next to --db) or an OpenFlow remote (unix:…, tcp:…)', 'br-int')
    .addHelpText('after', '\nExamples:\n  loris dump-flows br-int\n  loris dump-flows unix:/var/run/openvswitch/br-int.mgmt')
    .action(lazy('dumpFlowsCommand', makeOutput));

  program
    .command('add-flows')
    .description('install flows from a file (one JSON flow-mod per line) in one atomic bundle, like ovs-ofctl --bundle add-flows')
    .argument('<bridge>', 'a bridge name or an OpenFlow remote')
    .argument('<file>', 'flow file')
    .action(lazy('addFlowsCommand', makeOutput));

  program
    .command('lab-serve', { hidden: true })
    .description('holds a lab until SIGTERM (started by lab up)')
    .option('--hosts <n>', 'hosts', '3')
    .action(lazy('labServeCommand', makeOutput));

  program.command('exit-codes').description('print the table of exit statuses').action(lazy('exitCodesCommand', makeOutput));

  return program;
}

/** Version string; a constant so `--version` reads no file (a unit test keeps it equal to package.json). */
export const LORIS_VERSION = '0.1.0';
