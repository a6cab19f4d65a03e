import { LorisError, TimeoutError, type ProtocolError } from '../errors.js';
import type { OfpError } from './error.js';
import type { FlowRemoved } from './flow-removed.js';
import type { OfMessage } from './message.js';
import type { PacketIn } from './packet-in.js';
import type { PortStatus } from './port-status.js';
import type { TlsOptions } from './transport.js';

export interface OfConnectionOptions {
  /** Send ECHO_REQUEST after this long without hearing from the peer (default 5000 ms; 0 disables keepalive). */
  echoIntervalMs?: number;
  /** Declare the peer dead when nothing arrives this long after an ECHO_REQUEST (default 10000 ms: a switch busy
   * committing a large bundle answers nothing until it is done). */
  echoTimeoutMs?: number;
  /** Default time a request may wait for its reply (default 60000 ms). */
  requestTimeoutMs?: number;
  /** Time allowed for HELLO and FEATURES at open (default 10000 ms). */
  handshakeTimeoutMs?: number;
  /** `send()` waits for 'drain' while more than this many bytes are queued in the socket (default 1 MiB). */
  highWaterMark?: number;
  /** Ask FEATURES at open and keep the answer in `features` (default true). */
  features?: boolean;
  /** TLS material for ssl:/pssl:. */
  tls?: TlsOptions;
  /** A label for messages (defaults to the remote string). */
  name?: string;
}

/** The peer does not speak OpenFlow 1.3. */
export class OfVersionError extends LorisError {
  constructor(peer: string, offered: string) {
    super('LORIS_OF_VERSION', `${peer} does not offer OpenFlow 1.3 (it offered ${offered}); set protocols=OpenFlow13 on the bridge`);
  }
}

/** The peer stopped answering echo requests. */
export class EchoTimeoutError extends TimeoutError {
  constructor(peer: string, ms: number) {
    super(`echo reply from ${peer} (the switch looks dead or stopped)`, ms);
  }
}

export interface OfConnectionEvents {
  packet_in: [PacketIn];
  port_status: [PortStatus];
  flow_removed: [FlowRemoved];
  /** Every message that is not the answer to one of our requests (including the three above). */
  message: [OfMessage];
  /** An OFPT_ERROR that matches no pending request (e.g. for a fire-and-forget `send`). */
  ofp_error: [OfpError];
  /** A frame whose body could not be decoded (the connection keeps going). */
  protocol_error: [ProtocolError];
  /** The connection closed; `err` says why when it was not `close()`. */
  close: [LorisError | undefined];
}
