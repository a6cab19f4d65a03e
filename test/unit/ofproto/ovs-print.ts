import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writer } from '../../../src/ofproto/bytes.js';
import { encodeFlowModBody, type FlowMod } from '../../../src/ofproto/flow-mod.js';

/** A whole OFPT_FLOW_MOD built by hand around loris's body: version 4, type 14, length, xid. */
export function flowModMessage(fm: FlowMod, xid: number): Buffer {
  const w = new Writer();
  w.u8(4).u8(14).u16(0).u32(xid);
  encodeFlowModBody(w, fm);
  w.patchU16(2, w.offset);
  return w.finish();
}

/**
 * OVS's own reading of loris-encoded flow-mods: one `ovs-ofctl ofp-parse FILE` run over all of them (ofp-print's batch
 * form). Returns, per flow, what OVS printed after the "OFPT_FLOW_MOD (OF1.3) (xid=..): " prefix.
 */
export async function ovsPrintFlowMods(flows: FlowMod[]): Promise<string[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'loris-ofp-'));
  const file = path.join(dir, 'msgs.bin');
  try {
    writeFileSync(file, Buffer.concat(flows.map((f, i) => flowModMessage(f, i + 1))));
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile('ovs-ofctl', ['ofp-parse', file], { maxBuffer: 64 << 20 }, (err, out, stderr) =>
        err ? reject(new Error(`ovs-ofctl ofp-parse failed: ${stderr}`)) : resolve(out),
      );
    });
    const out: string[] = new Array<string>(flows.length).fill('<not printed>');
    let last = -1;
    for (const line of stdout.split('\n')) {
      const m = /^OFPT_FLOW_MOD \(OF1\.3\) \(xid=0x([0-9a-f]+)\): (.*)$/.exec(line);
      if (m) {
        last = parseInt(m[1], 16) - 1;
        out[last] = m[2];
      } else if (line && last >= 0) out[last] += `\n${line}`;
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
