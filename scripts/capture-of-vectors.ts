/**
 * Captures golden OpenFlow 1.3 flow-mod vectors from Open vSwitch itself.
 *
 * A fake switch listens on a unix socket and answers what ovs-ofctl asks before and after a flow-mod (HELLO v4,
 * ECHO, FEATURES, GET_CONFIG, BARRIER, multipart DESC/PORT_DESC). For every flow of the generated list it runs
 * `ovs-ofctl -O OpenFlow13 add-flow|mod-flows|del-flows unix:SOCK '<flow>'`, records the OFPT_FLOW_MOD it sends, and
 * (`--no-names` keeps ovs-ofctl from asking for table features to resolve table names) and
 * writes test/vectors/of13/<name>.bin (the whole message, header included) and <name>.json:
 *   { name, command, flow, ovsPrint, message }
 * `message` is loris's decoding of the body (JSON via ofJsonStringify: bigint "0x..n", bytes "bytes:..");
 * `ovsPrint` is `ovs-ofctl ofp-print` of the captured bytes without the "OFPT_FLOW_MOD (OF1.3) (xid=..): " prefix.
 *
 *   npx tsx scripts/capture-of-vectors.ts [--out DIR] [--only REGEX] [--list]
 */
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { Reader } from '../src/ofproto/bytes.js';
import { decodeFlowModBody } from '../src/ofproto/flow-mod.js';
import { ofJsonStringify } from '../src/ofproto/json.js';
import { vectorFlows } from './of-vector-flows.js';

const OFPT_HELLO = 0;
const OFPT_ECHO_REQUEST = 2;
const OFPT_FEATURES_REQUEST = 5;
const OFPT_GET_CONFIG_REQUEST = 7;
const OFPT_FLOW_MOD = 14;
const OFPT_MULTIPART_REQUEST = 18;
const OFPT_BARRIER_REQUEST = 20;
const OFPMP_DESC = 0;
const OFPMP_PORT_DESC = 13;

function msg(type: number, xid: number, body: Buffer = Buffer.alloc(0)): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt8(4, 0);
  h.writeUInt8(type, 1);
  h.writeUInt16BE(8 + body.length, 2);
  h.writeUInt32BE(xid, 4);
  return Buffer.concat([h, body]);
}

/** Reply of the fake switch to one request, or undefined when none is due. */
function reply(type: number, xid: number, body: Buffer): Buffer | undefined {
  switch (type) {
    case OFPT_HELLO:
      return undefined; // our HELLO goes out on connect
    case OFPT_ECHO_REQUEST:
      return msg(3, xid, body);
    case OFPT_FEATURES_REQUEST: {
      const b = Buffer.alloc(24);
      b.writeBigUInt64BE(0x1n, 0);
      b.writeUInt8(254, 12);
      return msg(6, xid, b);
    }
    case OFPT_GET_CONFIG_REQUEST: {
      const b = Buffer.alloc(4);
      b.writeUInt16BE(128, 2);
      return msg(8, xid, b);
    }
    case OFPT_BARRIER_REQUEST:
      return msg(21, xid);
    case OFPT_MULTIPART_REQUEST: {
      const mp = body.length >= 2 ? body.readUInt16BE(0) : -1;
      const head = Buffer.alloc(8);
      head.writeUInt16BE(mp, 0);
      if (mp === OFPMP_DESC) return msg(19, xid, Buffer.concat([head, Buffer.alloc(1056)]));
      if (mp === OFPMP_PORT_DESC) return msg(19, xid, head);
      return undefined;
    }
    default:
      return undefined;
  }
}

class FakeSwitch {
  readonly server: net.Server;
  flowMods: Buffer[] = [];
  constructor(readonly sock: string) {
    this.server = net.createServer((c) => this.serve(c));
  }
  listen(): Promise<void> {
    return new Promise((resolve) => this.server.listen(this.sock, resolve));
  }
  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
  private serve(c: net.Socket): void {
    c.write(msg(OFPT_HELLO, 1));
    let buf = Buffer.alloc(0);
    c.on('error', () => undefined);
    c.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 8) {
        const len = buf.readUInt16BE(2);
        if (len < 8) {
          c.destroy();
          return;
        }
        if (buf.length < len) break;
        const m = buf.subarray(0, len);
        buf = buf.subarray(len);
        const type = m[1];
        if (type === OFPT_FLOW_MOD) this.flowMods.push(Buffer.from(m));
        const r = reply(type, m.readUInt32BE(4), m.subarray(8));
        if (r) c.write(r);
      }
    });
  }
}

function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(argv[0], argv.slice(1), { timeout: 10_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** ovs-ofctl's own text for a flow-mod message, without the type/xid prefix. */
export async function ofpPrint(message: Buffer): Promise<string> {
  const r = await run(['ovs-ofctl', 'ofp-print', message.toString('hex')]);
  if (r.code !== 0) throw new Error(`ovs-ofctl ofp-print failed: ${r.stderr}`);
  return r.stdout.trim().replace(/^OFPT_FLOW_MOD \(OF1\.3\) \(xid=0x[0-9a-f]+\): /, '');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const outDir = args.includes('--out') ? args[args.indexOf('--out') + 1] : 'test/vectors/of13';
  const only = args.includes('--only') ? new RegExp(args[args.indexOf('--only') + 1]) : undefined;
  const flows = vectorFlows().filter((v) => !only || only.test(v.name));
  if (args.includes('--list')) {
    for (const v of flows) console.log(`${v.name}\t${v.command}\t${v.flow}`);
    return;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'loris-capture-'));
  const sw = new FakeSwitch(path.join(dir, 'sw.sock'));
  await sw.listen();
  mkdirSync(outDir, { recursive: true });
  if (!only) for (const f of readdirSync(outDir)) if (/\.(bin|json)$/.test(f)) rmSync(path.join(outDir, f));
  let ok = 0;
  const failed: string[] = [];
  try {
    for (const v of flows) {
      sw.flowMods = [];
      const argv = [
        'ovs-ofctl',
        '--no-names',
        '-O',
        'OpenFlow13',
        ...(v.strict ? ['--strict'] : []),
        v.command,
        `unix:${sw.sock}`,
        v.flow,
      ];
      const r = await run(argv);
      if (r.code !== 0 || sw.flowMods.length !== 1) {
        failed.push(`${v.name}: ${v.flow}: rc=${r.code} flow-mods=${sw.flowMods.length} ${r.stderr.trim()}`);
        continue;
      }
      const bin = sw.flowMods[0];
      let message;
      try {
        message = decodeFlowModBody(new Reader(bin, 8, bin.readUInt16BE(2)));
      } catch (e) {
        failed.push(`${v.name}: ${v.flow}: loris cannot decode ${bin.toString('hex')}: ${(e as Error).message}`);
        continue;
      }
      const ovsPrint = await ofpPrint(bin);
      writeFileSync(path.join(outDir, `${v.name}.bin`), bin);
      writeFileSync(
        path.join(outDir, `${v.name}.json`),
        ofJsonStringify(
          { name: v.name, command: v.command, strict: v.strict ?? false, flow: v.flow, ovsPrint, message },
          2,
        ) + '\n',
      );
      ok++;
      if (ok % 50 === 0) console.log(`captured ${ok}/${flows.length}`);
    }
  } finally {
    await sw.close();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`captured ${ok} vectors into ${outDir}; ${failed.length} failed`);
  for (const f of failed) console.log(`  FAILED ${f}`);
  if (failed.length) process.exitCode = 1;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('capture-of-vectors.ts')) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
