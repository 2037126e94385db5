// wait(2)-style status words, the form ct_pr_event_get_exitstatus reports.

const CORE_FLAG = 0x80;

/** Status of a process that called exit(code). */
export function exitedStatus(code: number): number {
  return (code & 0xff) << 8;
}

/** Status of a process killed by `signal`, with the core flag when a core file was written. */
export function signaledStatus(signal: number, coreDumped: boolean): number {
  return (signal & 0x7f) | (coreDumped ? CORE_FLAG : 0);
}
