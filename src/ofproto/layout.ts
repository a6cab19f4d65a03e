import type { Reader, Writer } from './bytes.js';

/**
 * Fixed-size records described as data: a list of `[field, kind]` where kind is a width (`u8`…`u64`),
 * `pad:N` or `str:N` (NUL-padded). Stats replies are lists of such records; one table per struct.
 */
export type FieldKind = 'u8' | 'u16' | 'u32' | 'u64' | `pad:${number}` | `str:${number}`;
export type Layout = ReadonlyArray<readonly [string, FieldKind]>;

const WIDTH: Record<string, number> = { u8: 1, u16: 2, u32: 4, u64: 8 };

/** Byte size of a layout. */
export function layoutSize(l: Layout): number {
  let n = 0;
  for (const [, k] of l) n += WIDTH[k] ?? Number(k.slice(4));
  return n;
}

export function writeRecord(w: Writer, l: Layout, rec: object): void {
  const v = rec as Record<string, unknown>;
  for (const [name, k] of l) {
    switch (k) {
      case 'u8':
        w.u8(Number(v[name] ?? 0));
        break;
      case 'u16':
        w.u16(Number(v[name] ?? 0));
        break;
      case 'u32':
        w.u32(Number(v[name] ?? 0));
        break;
      case 'u64':
        w.u64(BigInt((v[name] as bigint | number | undefined) ?? 0n));
        break;
      default:
        if (k.startsWith('pad:')) w.zeros(Number(k.slice(4)));
        else w.str(String(v[name] ?? ''), Number(k.slice(4)));
    }
  }
}

export function readRecord<T>(r: Reader, l: Layout): T {
  const out: Record<string, unknown> = {};
  for (const [name, k] of l) {
    switch (k) {
      case 'u8':
        out[name] = r.u8();
        break;
      case 'u16':
        out[name] = r.u16();
        break;
      case 'u32':
        out[name] = r.u32();
        break;
      case 'u64':
        out[name] = r.u64();
        break;
      default:
        if (k.startsWith('pad:')) r.skip(Number(k.slice(4)));
        else out[name] = r.str(Number(k.slice(4)));
    }
  }
  return out as T;
}

/** Reads records of one layout until the window ends (the window must hold a whole number of them). */
export function readRecords<T>(r: Reader, l: Layout): T[] {
  const size = layoutSize(l);
  if (r.remaining % size !== 0) r.fail(`${r.remaining} bytes is not a whole number of ${size}-byte records`);
  const out: T[] = [];
  while (r.remaining > 0) out.push(readRecord<T>(r, l));
  return out;
}
