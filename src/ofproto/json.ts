/**
 * JSON for decoded OpenFlow objects. JSON has no bigint or byte type, so:
 *  - a bigint is written as a hex string with JavaScript's bigint suffix: 100n -> "0x64n";
 *  - a Buffer is written as "bytes:" + hex: Buffer.from([1, 2]) -> "bytes:0102".
 * No other string in the model has these shapes (MACs have colons, IPs have dots or colons), so the reviver is
 * unambiguous. The model carries no lengths: they are always computed when encoding.
 */

const BIGINT_RE = /^0x[0-9a-f]+n$/;
const BYTES_PREFIX = 'bytes:';

function replacer(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key];
  if (typeof raw === 'bigint') return `0x${raw.toString(16)}n`;
  if (Buffer.isBuffer(raw)) return BYTES_PREFIX + raw.toString('hex');
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (BIGINT_RE.test(value)) return BigInt(value.slice(0, -1));
  if (value.startsWith(BYTES_PREFIX)) return Buffer.from(value.slice(BYTES_PREFIX.length), 'hex');
  return value;
}

/** JSON text for an OpenFlow object (bigint and Buffer encoded as described above). */
export function ofJsonStringify(v: unknown, space?: number): string {
  return JSON.stringify(v, replacer, space);
}

/** Parses text written by ofJsonStringify back into the object (bigints and Buffers restored). */
export function ofJsonParse<T = unknown>(text: string): T {
  return JSON.parse(text, reviver) as T;
}
