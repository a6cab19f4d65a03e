import { LorisError } from '../errors.js';

/** Who holds an address or MAC: enough for a user to find and disconnect it. */
export interface EndpointHolder {
  readonly uuid: string;
  readonly containerId: string;
  readonly containerName: string;
  readonly ifname: string;
  readonly host: string;
  readonly ip: string;
  readonly mac: string;
}

function describeHolder(h: EndpointHolder): string {
  const who = h.containerName && h.containerName !== h.containerId ? `${h.containerName} (${short(h.containerId)})` : short(h.containerId);
  return `container ${who} interface ${h.ifname || '?'} on host ${h.host || '?'}`;
}

function short(id: string): string {
  return /^[0-9a-f]{64}$/.test(id) ? id.slice(0, 12) : id;
}

/** Something unique per pod (an address, a MAC) is already held by another endpoint. */
export abstract class TakenError extends LorisError {
  readonly pod: number;
  readonly holder: EndpointHolder | undefined;
  constructor(code: string, what: string, pod: number, holder: EndpointHolder | undefined, advice: string) {
    super(code, `${what} in pod ${pod} is already held by ${holder ? describeHolder(holder) : 'another endpoint'}; ${advice}`);
    this.pod = pod;
    this.holder = holder;
  }
}

/** A static address is already assigned to another endpoint of the same pod. */
export class IpTakenError extends TakenError {
  readonly ip: string;
  constructor(ip: string, pod: number, holder: EndpointHolder | undefined) {
    super('LORIS_STORE_IP_TAKEN', `address ${ip}`, pod, holder, 'choose another address, use dhcp, or disconnect the holder first');
    this.ip = ip;
  }
}

/** A MAC address is already assigned to another endpoint of the same pod. */
export class MacTakenError extends TakenError {
  readonly mac: string;
  constructor(mac: string, pod: number, holder: EndpointHolder | undefined) {
    super('LORIS_STORE_MAC_TAKEN', `MAC ${mac}`, pod, holder, 'choose another MAC or let loris assign one');
    this.mac = mac;
  }
}

/** Every host address of the pod's subnet is assigned. */
export class SubnetExhaustedError extends LorisError {
  readonly pod: number;
  readonly subnet: string;
  constructor(pod: number, subnet: string, used: number) {
    super('LORIS_STORE_SUBNET_EXHAUSTED', `pod ${pod}: no free address left in ${subnet} (${used} assigned); release endpoints (gc) or give the pod a larger subnet`);
    this.pod = pod;
    this.subnet = subnet;
  }
}

/** Pod numbers are tunnel keys: 1 … 2^24-1. */
export class PodOutOfRangeError extends LorisError {
  readonly pod: unknown;
  constructor(pod: unknown) {
    super('LORIS_STORE_POD_OUT_OF_RANGE', `pod ${String(pod)} is out of range: a pod number is an integer from 1 to 16777215 (a 24-bit tunnel key; 0 is reserved for untagged tunnel traffic)`);
    this.pod = pod;
  }
}

export class PodNotFoundError extends LorisError {
  readonly pod: number;
  constructor(pod: number) {
    super('LORIS_STORE_POD_NOT_FOUND', `pod ${pod} does not exist; create it first (ensurePod)`);
    this.pod = pod;
  }
}

/** A pod can't be removed or re-addressed while endpoints use it. */
export class PodInUseError extends LorisError {
  readonly pod: number;
  constructor(pod: number, message: string) {
    super('LORIS_STORE_POD_IN_USE', `pod ${pod}: ${message}`);
    this.pod = pod;
  }
}

/** DHCP needs a subnet to allocate from. */
export class NoSubnetError extends LorisError {
  readonly pod: number;
  constructor(pod: number) {
    super('LORIS_STORE_NO_SUBNET', `pod ${pod} has no subnet, so loris can't allocate an address by dhcp; set one (setPodSubnet / a cluster pod_subnet_pool) or give a static address`);
    this.pod = pod;
  }
}

/** An address, prefix or subnet that is malformed or doesn't fit the pod. */
export class InvalidAddressError extends LorisError {
  readonly input: string;
  constructor(input: string, reason: string) {
    super('LORIS_STORE_INVALID_ADDRESS', `invalid address ${JSON.stringify(input)}: ${reason}`);
    this.input = input;
  }
}

export class InvalidMacError extends LorisError {
  readonly input: string;
  constructor(input: string, reason: string) {
    super('LORIS_STORE_INVALID_MAC', `invalid MAC ${JSON.stringify(input)}: ${reason}`);
    this.input = input;
  }
}

/** The container interface is already connected, with different settings. */
export class EndpointConflictError extends LorisError {
  constructor(message: string) {
    super('LORIS_STORE_ENDPOINT_CONFLICT', message);
  }
}

export class HostNotFoundError extends LorisError {
  readonly host: string;
  constructor(host: string) {
    super('LORIS_STORE_HOST_NOT_FOUND', `host ${host} is not registered; register it first (registerHost / loris init)`);
    this.host = host;
  }
}

/** Host names and underlay addresses are unique. */
export class HostConflictError extends LorisError {
  constructor(message: string) {
    super('LORIS_STORE_HOST_CONFLICT', message);
  }
}

/** The database is missing, has another schema, or could not be set up. */
export class StoreSetupError extends LorisError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('LORIS_STORE_SETUP', message, options);
  }
}

/** Optimistic retries ran out (sustained contention). */
export class StoreContentionError extends LorisError {
  constructor(what: string, attempts: number) {
    super('LORIS_STORE_CONTENTION', `${what} conflicted with concurrent writers ${attempts} times in a row; retry later or reduce concurrency`);
  }
}
