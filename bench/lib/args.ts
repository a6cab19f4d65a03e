/** Command-line handling shared by the benchmarks: `npx tsx bench/<name>.ts [--small]`. */

export interface BenchArgs {
  /** `--small`: a seconds-long smoke run (CI), not a measurement to quote. */
  small: boolean;
  /** Arguments other than the flags above, in order. */
  rest: string[];
}

export function parseBenchArgs(argv: readonly string[] = process.argv.slice(2)): BenchArgs {
  const rest: string[] = [];
  let small = false;
  for (const a of argv) {
    if (a === '--small') small = true;
    else rest.push(a);
  }
  return { small, rest };
}

/** Picks the full-size or the `--small` value of a parameter: `const n = size(args, 100_000, 1_000)`. */
export function size<T>(args: BenchArgs, full: T, small: T): T {
  return args.small ? small : full;
}

/** A size as metric ids spell it: 100000 → `100k`, 10000 → `10k`, 150 → `150`. */
export function sizeId(n: number): string {
  return n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n);
}
