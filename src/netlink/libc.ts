import { getSystemErrorName } from 'node:util';
import koffi from 'koffi';

/** The few libc calls Node lacks (namespaces, mounts, socket options), bound through koffi on first use. */
export interface Libc {
  setns(fd: number, nstype: number): number;
  unshare(flags: number): number;
  mount(src: string | null, target: string, fstype: string | null, flags: number, data: null): number;
  umount2(target: string, flags: number): number;
  setsockopt(fd: number, level: number, name: number, value: Buffer, len: number): number;
  getsockname(fd: number, addr: Buffer, len: Buffer): number;
}

let bound: Libc | undefined;

export function libc(): Libc {
  if (!bound) {
    const lib = koffi.load('libc.so.6');
    const setns = lib.func('int setns(int fd, int nstype)');
    const unshare = lib.func('int unshare(int flags)');
    const mount = lib.func('int mount(const char *src, const char *target, const char *fstype, unsigned long flags, const void *data)');
    const umount2 = lib.func('int umount2(const char *target, int flags)');
    const setsockopt = lib.func('int setsockopt(int fd, int level, int name, const void *value, uint32_t len)');
    const getsockname = lib.func('int getsockname(int fd, _Out_ void *addr, _Inout_ uint32_t *len)');
    bound = {
      setns: (fd, t) => setns(fd, t) as number,
      unshare: (f) => unshare(f) as number,
      mount: (src, target, fstype, flags, data) => mount(src, target, fstype, flags, data) as number,
      umount2: (target, flags) => umount2(target, flags) as number,
      setsockopt: (fd, level, name, value, len) => setsockopt(fd, level, name, value, len) as number,
      getsockname: (fd, addr, len) => getsockname(fd, addr, len) as number,
    };
  }
  return bound;
}

/** The symbolic errno (`EPERM`) of the last failed libc call. */
export function lastErrno(): string {
  const errno = koffi.errno();
  try {
    return getSystemErrorName(-errno);
  } catch {
    return String(errno);
  }
}
