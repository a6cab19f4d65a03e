import { randomBytes } from 'node:crypto';

/** Every object a lab run creates is named with this prefix followed by the run id. */
export const LAB_PREFIX = 'lr';
/** Root of every lab run's private state: one directory per run, holding an `owner` pid file. */
export const LAB_ROOT = process.env.LORIS_LAB_ROOT ?? '/tmp/loris-lab';

/** A short unique run id such as `lr3k9x2`: short enough for netns names and unix socket paths. */
export function newRunId(): string {
  const n = randomBytes(4).readUInt32BE(0) % 36 ** 5;
  return LAB_PREFIX + n.toString(36).padStart(5, '0');
}

export function isLabName(name: string): boolean {
  return /^lr[0-9a-z]{5}(-|$)/.test(name);
}

export function runIdOf(name: string): string | undefined {
  const m = /^(lr[0-9a-z]{5})/.exec(name);
  return m?.[1];
}
