/**
 * Base of every error loris throws. Each error carries a stable machine-readable `code`
 * (e.g. `LORIS_OVSDB_CONSTRAINT`, `LORIS_NETLINK`, `LORIS_PROTOCOL`) and a message that says
 * what was wrong and what to do about it.
 */
export class LorisError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Malformed bytes or frames on a wire protocol. `offset` is the byte offset where decoding failed. */
export class ProtocolError extends LorisError {
  readonly protocol: string;
  readonly offset: number;
  constructor(protocol: string, message: string, offset: number) {
    super('LORIS_PROTOCOL', `${protocol}: ${message} (at byte ${offset})`);
    this.protocol = protocol;
    this.offset = offset;
  }
}

/** A request did not complete in time. */
export class TimeoutError extends LorisError {
  constructor(what: string, ms: number) {
    super('LORIS_TIMEOUT', `${what} did not complete within ${ms} ms; check that the peer is running and reachable`);
  }
}

/** An operation needed a connection that is closed or was never opened. */
export class NotConnectedError extends LorisError {
  constructor(what: string) {
    super('LORIS_NOT_CONNECTED', `${what} is not connected; open the connection first or check that the peer is running`);
  }
}

/** Invalid argument supplied by a user or caller. */
export class InvalidArgumentError extends LorisError {
  constructor(message: string) {
    super('LORIS_INVALID_ARGUMENT', message);
  }
}

export function assertNever(x: never, what = 'value'): never {
  throw new LorisError('LORIS_INTERNAL', `unexpected ${what}: ${JSON.stringify(x)}`);
}
