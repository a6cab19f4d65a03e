import { LorisError } from '../errors.js';

/**
 * What the CLI writes, and where. Results go to stdout (text, or one JSON document with `--json`);
 * progress goes to stderr, only on a TTY (quiet when piped) unless `-v` asks for it; errors are one
 * line on stderr (or `{"error":{…}}` on stdout with `--json`).
 */
export interface OutputOptions {
  json: boolean;
  verbose: number;
  stdout?: NodeJS.WritableStream & { isTTY?: boolean };
  stderr?: NodeJS.WritableStream & { isTTY?: boolean };
}

export class Output {
  readonly json: boolean;
  readonly verbose: number;
  private readonly out: NodeJS.WritableStream & { isTTY?: boolean };
  private readonly err: NodeJS.WritableStream & { isTTY?: boolean };

  constructor(o: OutputOptions) {
    this.json = o.json;
    this.verbose = o.verbose;
    this.out = o.stdout ?? process.stdout;
    this.err = o.stderr ?? process.stderr;
  }

  /** Whether progress lines are shown: on a terminal, or when -v was given; never in --json mode. */
  get showsProgress(): boolean {
    return !this.json && (this.verbose > 0 || this.err.isTTY === true);
  }

  /** One progress step ("creating veth…"); with -v, prefixed by milliseconds since the process started. */
  progress = (msg: string): void => {
    if (!this.showsProgress) return;
    const t = this.verbose > 0 ? `[${String(Math.round(performance.now())).padStart(5)} ms] ` : '';
    this.err.write(`${t}${msg}\n`);
  };

  /** Debug detail, only with -vv. */
  debug(msg: string): void {
    if (this.verbose >= 2) this.err.write(`debug: ${msg}\n`);
  }

  /** The command's result: `value` as JSON with --json, otherwise the text lines. */
  result(value: unknown, text: string | readonly string[]): void {
    if (this.json) {
      this.out.write(`${JSON.stringify(value, jsonReplacer, 2)}\n`);
      return;
    }
    const lines = typeof text === 'string' ? [text] : text;
    if (lines.length) this.out.write(`${lines.join('\n')}\n`);
  }

  /** Plain text to stdout, even in --json mode (for streaming commands such as `lab demo`). */
  line(text: string): void {
    this.out.write(`${text}\n`);
  }

  /** Prints an error as one line (plus the stack with -vv). */
  error(err: unknown, status: number): void {
    const e = err instanceof Error ? err : new Error(String(err));
    const code = err instanceof LorisError ? err.code : 'LORIS_INTERNAL';
    if (this.json) {
      this.out.write(`${JSON.stringify({ error: { code, status, message: e.message } })}\n`);
    } else {
      const oneLine = e.message.replace(/\s*\n\s*/g, '; ');
      const suffix = err instanceof LorisError ? '' : ' (internal error; rerun with -vv for the stack trace and report it)';
      this.err.write(`loris: ${oneLine}${suffix}\n`);
    }
    if (this.verbose >= 2 && e.stack) this.err.write(`${e.stack}\n`);
  }
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Map) return Object.fromEntries(value);
  if (value instanceof Set) return [...value];
  return value;
}

/** Renders rows as an aligned text table. */
export function table(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string[] {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd());
}
