import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ofJsonParse } from '../../../src/ofproto/json.js';
import type { FlowMod } from '../../../src/ofproto/flow-mod.js';

/** One golden vector captured from ovs-ofctl by scripts/capture-of-vectors.ts. */
export interface Vector {
  name: string;
  command: 'add-flow' | 'mod-flows' | 'del-flows';
  strict: boolean;
  flow: string;
  ovsPrint: string;
  message: FlowMod;
  /** The whole OFPT_FLOW_MOD as ovs-ofctl sent it (header included). */
  bin: Buffer;
}

export const VECTOR_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../vectors/of13');

export function loadVectors(): Vector[] {
  return readdirSync(VECTOR_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const v = ofJsonParse<Omit<Vector, 'bin'>>(readFileSync(path.join(VECTOR_DIR, f), 'utf8'));
      return { ...v, bin: readFileSync(path.join(VECTOR_DIR, f.replace(/\.json$/, '.bin'))) };
    });
}

/** First differing offset of two buffers and a hex window around it, or undefined when equal. */
export function hexDiff(want: Buffer, got: Buffer): string | undefined {
  if (want.equals(got)) return undefined;
  let i = 0;
  while (i < want.length && i < got.length && want[i] === got[i]) i++;
  const from = Math.max(0, i - 8);
  const show = (b: Buffer): string =>
    b
      .subarray(from, i + 24)
      .toString('hex')
      .replace(/(..)/g, '$1 ')
      .trim();
  return `first difference at byte ${i} (lengths ${want.length} vs ${got.length})\n  want @${from}: ${show(want)}\n  got  @${from}: ${show(got)}`;
}
