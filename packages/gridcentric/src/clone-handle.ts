import { isGridcentricError, type DomainStatus } from '@sysbind/gridcentric-interface';
import type { DomainExit } from './records.ts';

/**
 * A clone, as the parent holds it after `clone()`: its vmid, a promise of its exit, and `kill()`.
 * Leaving an `await using` scope (or `close()`) ends it as Node's `ChildProcess` disposal ends a
 * child: it is killed if still running and reaped.
 */
export interface Clone extends AsyncDisposable {
  /** This side of the fork is the parent. */
  readonly role: 'parent';
  /** The clone's vmid. */
  readonly vmid: number;
  /** The ticket it was created under. */
  readonly ticket: number;
  /**
   * Settles with the clone's exit once it terminated, reaping it (`gc_wait_domain`, started on
   * first use: a clone nobody asks about stays for `waitAny`/`exits()` to reap). Rejects if it was
   * reaped elsewhere (ECHILD) or the Gridcentric object closed.
   */
  readonly exited: Promise<DomainExit>;
  /** Its status now (`gc_get_domain_status`). */
  status(): Promise<DomainStatus>;
  /** Kills it (`gc_kill_clone_domain`); resolves to false if it had already terminated. */
  kill(): Promise<boolean>;
  /** Kills it if still running, then reaps it; never rejects for a clone already gone. Idempotent. */
  close(): Promise<void>;
}

/** What `clone()` resolves to: the parent's handle, or the clone's side of the fork. */
export type CloneOutcome = Clone | { readonly role: 'clone' };

/** The facade calls a clone handle is made of. */
export interface CloneCalls {
  waitDomain(vmid: number): Promise<DomainExit>;
  domainStatus(vmid: number): Promise<DomainStatus>;
  kill(vmid: number): Promise<void>;
}

// A class, so that only role, vmid and ticket are own properties: printing or comparing a handle
// must not touch `exited`, whose first use starts a wait that reaps the clone.
class CloneHandle implements Clone {
  readonly role = 'parent';
  readonly vmid: number;
  readonly ticket: number;
  readonly #calls: CloneCalls;
  #exited: Promise<DomainExit> | undefined;
  #closing: Promise<void> | undefined;

  constructor(calls: CloneCalls, vmid: number, ticket: number) {
    this.#calls = calls;
    this.vmid = vmid;
    this.ticket = ticket;
  }

  get exited(): Promise<DomainExit> {
    if (this.#exited === undefined) {
      this.#exited = this.#calls.waitDomain(this.vmid);
      // The handle owns this wait: a rejection nobody awaits (at close) must not end the process.
      this.#exited.catch(() => {});
    }
    return this.#exited;
  }

  status(): Promise<DomainStatus> {
    return this.#calls.domainStatus(this.vmid);
  }

  async kill(): Promise<boolean> {
    try {
      await this.#calls.kill(this.vmid);
      return true;
    } catch (error) {
      // ESRCH: it terminated by itself first; its exit is still there to reap.
      if (isGridcentricError(error, 'ESRCH')) return false;
      throw error;
    }
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      try {
        await this.kill();
        await this.exited;
      } catch (error) {
        // Reaped or gone already (ENOENT, ECHILD), or the Gridcentric object closed: nothing left to end.
        if (!isGridcentricError(error) && !(error instanceof Error && error.name === 'AbortError')) throw error;
      }
    })();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** A clone handle over `calls`. */
export function createClone(calls: CloneCalls, vmid: number, ticket: number): Clone {
  return new CloneHandle(calls, vmid, ticket);
}
