import { LorisError } from '../errors.js';

/**
 * Errors raised by the `Loris` API itself (argument validation and host state). Each has a stable
 * `code`; the CLI maps codes to distinct exit statuses (see `src/cli/exit-codes.ts`).
 */

/** The command line itself is wrong: unknown command or option, missing or extra argument. */
export class UsageError extends LorisError {
  constructor(message: string) {
    super('LORIS_USAGE', message);
  }
}

/** An IPv4 address, mask or CIDR that does not parse or is out of range. */
export class InvalidAddressError extends LorisError {
  readonly input: string;
  constructor(input: string, message: string) {
    super('LORIS_INVALID_ADDRESS', message);
    this.input = input;
  }
}

/** A well-formed address that can't be given to a container: network, broadcast, loopback, multicast… */
export class ReservedAddressError extends LorisError {
  readonly input: string;
  constructor(input: string, message: string) {
    super('LORIS_RESERVED_ADDRESS', message);
    this.input = input;
  }
}

/** A pod number that is not an integer in 0 … 2^24-1 (pods map onto 24-bit tunnel keys). */
export class PodNumberError extends LorisError {
  readonly input: string;
  constructor(input: string, message: string) {
    super('LORIS_POD_OUT_OF_RANGE', message);
    this.input = input;
  }
}

/** `loris cluster` was given this host's own underlay address. */
export class SelfPeerError extends LorisError {
  readonly address: string;
  constructor(address: string) {
    super('LORIS_SELF_PEER', `${address} is this host's own underlay address; give the addresses of the OTHER hosts to connect to`);
    this.address = address;
  }
}

/** A command needs `loris init` to have run on this host first. */
export class NotInitialisedError extends LorisError {
  constructor(what: string) {
    super('LORIS_NOT_INITIALISED', `${what}: this host is not initialised; run \`loris init\` first`);
  }
}

/** Open vSwitch is reachable but can't do what loris needs (too old, datapath type missing…). */
export class OvsUnsupportedError extends LorisError {
  constructor(message: string) {
    super('LORIS_OVS_UNSUPPORTED', message);
  }
}

/** Open vSwitch (its ovsdb-server or a bridge socket) can't be reached at all. */
export class OvsUnreachableError extends LorisError {
  readonly remote: string;
  constructor(remote: string, detail: string, options?: { cause?: unknown }) {
    super(
      'LORIS_OVS_UNREACHABLE',
      `cannot reach Open vSwitch at ${remote} (${detail}); start openvswitch-switch or pass --db <remote> (env LORIS_DB)`,
      options,
    );
    this.remote = remote;
  }
}

/** The process lacks a privilege (root / CAP_NET_ADMIN) the operation needs. */
export class PermissionError extends LorisError {
  constructor(message: string) {
    super('LORIS_PERMISSION', message);
  }
}

/** The background agent (`loris agent`) could not be started or is not answering. */
export class AgentError extends LorisError {
  constructor(message: string) {
    super('LORIS_AGENT', message);
  }
}

/** Something the running lab (`loris lab up`) needs is missing or in the wrong state. */
export class LabStateError extends LorisError {
  constructor(message: string) {
    super('LORIS_LAB_STATE', message);
  }
}
