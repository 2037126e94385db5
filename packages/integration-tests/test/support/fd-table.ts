// The open file descriptors of a process, from /proc (Linux), for the fd-hygiene tests.
import { readdirSync, readlinkSync } from 'node:fs';

/** fd number → what it refers to (`anon_inode:[eventfd]`, a path, `pipe:[…]`), for `pid`. */
export function openFds(pid: number | 'self' = 'self'): Map<number, string> {
  const fds = new Map<number, string>();
  for (const entry of readdirSync(`/proc/${pid}/fd`)) {
    try {
      fds.set(Number(entry), readlinkSync(`/proc/${pid}/fd/${entry}`));
    } catch {
      // The fd used to list the directory is gone by the time it is read.
    }
  }
  return fds;
}

/** How many fds this process has open. */
export function openFdCount(): number {
  return readdirSync('/proc/self/fd').length;
}
