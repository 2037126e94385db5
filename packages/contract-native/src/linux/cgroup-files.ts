// Small synchronous helpers over the files of one contract cgroup, and over /proc. Each returns
// plain values; the callers decide what a failure means for contract(5).
import { closeSync, openSync, readFileSync, readdirSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { constants } from 'node:os';
import { ContractError } from '@sysbind/contract-interface';

/** Pids listed in `<folder>/cgroup.procs` (live members; zombies are not listed). */
export function readMembers(folder: string): number[] {
  let text: string;
  try {
    text = readFileSync(path.join(folder, 'cgroup.procs'), 'utf8');
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const line of text.split('\n')) if (line !== '') pids.push(Number(line));
  return pids;
}

/** The keys of `<folder>/cgroup.events` (populated, frozen); undefined if the cgroup is gone. */
export function readCgroupEvents(folder: string): { populated: boolean; frozen: boolean } | undefined {
  let text: string;
  try {
    text = readFileSync(path.join(folder, 'cgroup.events'), 'utf8');
  } catch {
    return undefined;
  }
  return { populated: /^populated 1$/m.test(text), frozen: /^frozen 1$/m.test(text) };
}

/** Writes `text` to a cgroup control file, throwing a ContractError named after `syscall`. */
export function writeControl(file: string, text: string, syscall: string, ctid: number): void {
  let fd: number;
  try {
    fd = openSync(file, 'w');
  } catch (error) {
    throw systemError(error, syscall, ctid);
  }
  try {
    writeSync(fd, text);
  } catch (error) {
    throw systemError(error, syscall, ctid);
  } finally {
    closeSync(fd);
  }
}

/** A ContractError from a Node system error (its errno kept), else EIO. */
export function systemError(error: unknown, syscall: string, ctid?: number): ContractError {
  const errno = (error as { errno?: unknown }).errno;
  const value = typeof errno === 'number' ? errno : -constants.errno.EIO;
  return ContractError.fromErrno(value, syscall, ctid === undefined ? {} : { ctid });
}

/**
 * Start time of `pid` (field 22 of /proc/<pid>/stat, in clock ticks), or undefined if it is gone
 * or a zombie (a zombie owner has exited: its contracts are orphans already).
 */
export function processStartTime(pid: number): string | undefined {
  const stat = procStat(pid);
  if (stat === undefined || stat[0] === 'Z' || stat[0] === 'X') return undefined;
  return stat[19];
}

/** Process group of `pid`, or undefined if gone. */
export function processGroup(pid: number): number | undefined {
  const stat = procStat(pid);
  return stat === undefined ? undefined : Number(stat[2]);
}

/** True while `pid` has exited but nobody has reaped it yet (state Z). */
export function isZombie(pid: number): boolean {
  return procStat(pid)?.[0] === 'Z';
}

// Fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses):
// index 0 is field 3 (state).
function procStat(pid: number): string[] | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/** Sub-folders of `folder` with their inode numbers (a contract's ctid); empty if unreadable. */
export function listContractFolders(folder: string): { path: string; ino: number }[] {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  const found: { path: string; ino: number }[] = [];
  for (const name of names) {
    if (!name.startsWith('ct.')) continue;
    const full = path.join(folder, name);
    try {
      const stat = statSync(full);
      if (stat.isDirectory()) found.push({ path: full, ino: stat.ino });
    } catch {
      // removed meanwhile
    }
  }
  return found;
}
