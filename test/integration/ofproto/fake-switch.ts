import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OfFramer } from '../../../src/ofproto/framer.js';
import { decodeMessage, encodeMessage, type OfMessage } from '../../../src/ofproto/message.js';
import { connectSocket, listenSocket, type OfSocket, type SocketListener, type TlsOptions } from '../../../src/ofproto/transport.js';

/** What a fake switch saw: each frame as bytes and decoded (or the decode error). */
export interface Recorded {
  bytes: Buffer;
  msg: OfMessage | undefined;
  error?: string;
}

const port = {
  portNo: 1, hwAddr: '02:00:00:00:00:01', name: 'p1', config: 0, state: 4, curr: 0, advertised: 0, supported: 0, peer: 0, currSpeed: 0, maxSpeed: 0,
};

/** Table 0's `ofp_table_features` as ovs-vswitchd 3.1 reports it (ovs-ofctl asks before group and meter mods). */
const TABLE_FEATURES = readFileSync(join(import.meta.dirname, 'table-features-0.bin'));

/**
 * A minimal OpenFlow 1.3 switch for tests and vector capture: answers HELLO, FEATURES, ECHO, BARRIER,
 * GET_CONFIG, ROLE and DESC/PORT_DESC/other multipart requests (empty), bundle control, and records every frame.
 */
export class FakeSwitch {
  readonly recorded: Recorded[] = [];
  /** Test hook: handle a message yourself (return true to skip the default answer). `send` defaults to its xid. */
  override: ((m: OfMessage, send: (m: OfMessage, xid?: number) => void, socket: OfSocket) => boolean) | undefined;
  private sockets = new Set<OfSocket>();
  private config = { flags: 0, missSendLen: 0 };
  private constructor(private readonly listener: SocketListener | undefined) {}

  /** Listens on `punix:`, `ptcp:` or `pssl:` for a controller (ovs-ofctl, or loris) to connect. */
  static async listen(remote: string, tls?: TlsOptions): Promise<FakeSwitch> {
    const holder: { sw?: FakeSwitch } = {};
    const l = await listenSocket(remote, (s) => holder.sw?.serve(s), { tls });
    holder.sw = new FakeSwitch(l);
    return holder.sw;
  }

  /** Connects to a listening controller (`tcp:`, `ssl:`, `unix:`), as a bridge with set-controller would. */
  static async connect(remote: string, tls?: TlsOptions): Promise<FakeSwitch> {
    const sw = new FakeSwitch(undefined);
    sw.serve(await connectSocket(remote, { tls }));
    return sw;
  }

  get port(): number | undefined {
    return this.listener?.port;
  }

  /** Messages received, without HELLO. */
  messages(): OfMessage[] {
    return this.recorded.flatMap((r) => (r.msg && r.msg.type !== 'hello' ? [r.msg] : []));
  }

  private serve(s: OfSocket): void {
    this.sockets.add(s);
    s.on('close', () => this.sockets.delete(s));
    s.on('error', () => undefined);
    const framer = new OfFramer();
    s.write(encodeMessage({ type: 'hello', versions: [4] }, 1));
    s.on('data', (chunk: Buffer) => {
      for (const f of framer.push(chunk)) {
        let msg: OfMessage | undefined;
        try {
          msg = decodeMessage(f);
          this.recorded.push({ bytes: f, msg });
        } catch (e) {
          this.recorded.push({ bytes: f, msg: undefined, error: String(e) });
          continue;
        }
        if (this.override?.(msg, (m, xid) => s.write(encodeMessage(m, xid ?? msg.xid)), s)) continue;
        const reply = this.answer(msg);
        if (reply) s.write(encodeMessage(reply, msg.xid));
      }
    });
  }

  private answer(m: OfMessage): OfMessage | undefined {
    switch (m.type) {
      case 'features_request':
        return { type: 'features_reply', datapathId: 0x1234n, nBuffers: 0, nTables: 254, auxiliaryId: 0, capabilities: 0x4f, reserved: 0 };
      case 'echo_request':
        return { type: 'echo_reply', data: m.data };
      case 'barrier_request':
        return { type: 'barrier_reply' };
      case 'get_config_request':
        return { type: 'get_config_reply', ...this.config };
      case 'set_config':
        this.config = { flags: m.flags, missSendLen: m.missSendLen };
        return undefined;
      case 'role_request':
        return { type: 'role_reply', role: m.role === 0 ? 1 : m.role, generationId: m.generationId };
      case 'get_async_request':
        return { type: 'get_async_reply', packetInMask: [3, 0], portStatusMask: [7, 7], flowRemovedMask: [15, 0] };
      case 'bundle_control':
        return { type: 'bundle_control', bundleId: m.bundleId, ctrlType: m.ctrlType + 1, flags: 0 };
      case 'multipart_request': {
        const k = m.body.kind;
        if (k === 'desc') return { type: 'multipart_reply', flags: 0, body: { kind: 'desc', mfrDesc: 'loris', hwDesc: 'fake', swDesc: 'fake', serialNum: '', dpDesc: 'fake' } };
        if (k === 'port_desc') return { type: 'multipart_reply', flags: 0, body: { kind: 'port_desc', ports: [port] } };
        if (k === 'flow') return { type: 'multipart_reply', flags: 0, body: { kind: 'flow', flows: [] } };
        if (k === 'aggregate') return { type: 'multipart_reply', flags: 0, body: { kind: 'aggregate', packetCount: 0n, byteCount: 0n, flowCount: 0 } };
        if (k === 'table') return { type: 'multipart_reply', flags: 0, body: { kind: 'table', tables: [] } };
        if (k === 'port_stats') return { type: 'multipart_reply', flags: 0, body: { kind: 'port_stats', ports: [] } };
        if (k === 'group_desc') return { type: 'multipart_reply', flags: 0, body: { kind: 'group_desc', groups: [] } };
        if (k === 'group') return { type: 'multipart_reply', flags: 0, body: { kind: 'group', groups: [] } };
        if (k === 'meter') return { type: 'multipart_reply', flags: 0, body: { kind: 'meter', meters: [] } };
        if (k === 'meter_config') return { type: 'multipart_reply', flags: 0, body: { kind: 'meter_config', meters: [] } };
        if (k === 'table_features') return { type: 'multipart_reply', flags: 0, body: { kind: 'table_features', data: TABLE_FEATURES } };
        if (k === 'queue') return { type: 'multipart_reply', flags: 0, body: { kind: 'queue', queues: [] } };
        if (k === 'group_features') {
          return {
            type: 'multipart_reply', flags: 0,
            body: { kind: 'group_features', types: 15, capabilities: 0, maxGroupsAll: 1, maxGroupsSelect: 1, maxGroupsIndirect: 1, maxGroupsFf: 1, actionsAll: 0, actionsSelect: 0, actionsIndirect: 0, actionsFf: 0 },
          };
        }
        if (k === 'meter_features') return { type: 'multipart_reply', flags: 0, body: { kind: 'meter_features', maxMeter: 100, bandTypes: 3, capabilities: 15, maxBands: 1, maxColor: 0 } };
        return undefined;
      }
      default:
        return undefined;
    }
  }

  /** Writes raw bytes to every connected controller (e.g. a switch-initiated ECHO_REQUEST). */
  broadcast(bytes: Buffer): void {
    for (const s of this.sockets) s.write(bytes);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await this.listener?.close();
  }
}
