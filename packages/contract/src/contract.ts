import {
  CTD_ALL,
  CTD_COMMON,
  CTS_DEAD,
  ContractError,
  isContractError,
  type ContractBackend,
  type ContractControlHandle,
  type ContractEventEndpoint,
  type ContractStatusHandle,
  type ContractType,
  type RawContractEvent,
} from '@sysbind/contract-interface';
import { decodeEvent } from './event.ts';
import { ContractEventSource } from './event-source.ts';
import { closedError, observerError } from './errors.ts';
import { decodeStatus, type ContractStatus } from './status.ts';
import { compileTemplate, openCompiledTemplate, type ContractTemplate } from './template.ts';
import { validateEvid, validateSignal } from './validate.ts';

/** How the caller relates to a contract. */
export type ContractRole = 'owner' | 'observer';

/**
 * The descriptors a Contract keeps open. An owner keeps none: its events come through the
 * system's shared pbundle, and its status and ctl files are opened for each operation, so holding
 * many contracts costs no descriptor each. An observer keeps its own events endpoint and the
 * status file that goes with it.
 */
export interface ContractHandles {
  /** The status file (observers). */
  readonly status: ContractStatusHandle | undefined;
  /** Own event endpoint (observers). */
  readonly events: ContractEventEndpoint | undefined;
}

/** How often, in milliseconds, observers check that their contract is still alive. */
export const OBSERVER_CHECK_INTERVAL = 500;

/**
 * @internal What a Contract needs of the system that made it (ContractSystem is one): declared
 * here so that contract.ts does not import system.ts, which imports it.
 */
export interface ContractHost {
  /** The backend the contract's files are opened through. */
  readonly backend: ContractBackend;
  /** Whether an owned contract keeps the event loop alive. */
  pinOwned(contract: Contract, pinned: boolean): void;
  /** The contract is disposed (or abandoned): stop routing its events. */
  forget(contract: Contract, abandoned: boolean): void;
}

/**
 * A process or device contract, held (`role: 'owner'`) or observed. Emits its events under their
 * contract(5) names and as `'event'`, and iterates them with `events()`. Critical events must be
 * acknowledged with `ack()` or the contract abandoned. `close()` releases the descriptors; it
 * neither abandons nor acknowledges.
 *
 * An observed contract that dies emits `'dead'` and closes (its `events()` iterators finish after
 * yielding what was read), within {@link OBSERVER_CHECK_INTERVAL} milliseconds of its death plus
 * the wait for the event loop: the kernel wakes no observer of a destroyed contract.
 */
export class Contract extends ContractEventSource {
  /** Contract id. */
  readonly id: number;
  /** Contract type. */
  readonly type: ContractType;
  /** Owner (can ack/abandon/signal) or observer (can only read). */
  readonly role: ContractRole;
  private readonly handles: ContractHandles;
  private readonly system: ContractHost;
  private abandoned = false;

  /** @internal Created by ContractSystem (latest, adopt, observe, device contracts). */
  constructor(system: ContractHost, id: number, type: ContractType, role: ContractRole, handles: ContractHandles) {
    super();
    this.system = system;
    this.id = id;
    this.type = type;
    this.role = role;
    this.handles = handles;
    handles.events?.listen({
      onEvent: (raw) => {
        this.deliver(raw);
      },
      onError: (error) => {
        // A destroyed contract's queue is gone: the observation ends.
        if ((error as { code?: unknown }).code === 'EIDRM') {
          this.emit('dead');
          this.close();
        } else {
          this.deliverError(error);
        }
      },
    });
  }

  protected describe(): string {
    return `contract ${this.id}`;
  }

  protected setPinned(pinned: boolean): void {
    if (this.handles.events !== undefined) {
      if (pinned) this.handles.events.ref();
      else this.handles.events.unref();
    } else {
      this.system.pinOwned(this, pinned);
    }
  }

  /** @internal Routes one raw event to this contract's consumers. */
  deliver(raw: RawContractEvent): void {
    this.dispatch(decodeEvent(raw));
  }

  /**
   * @internal Observers: ends the observation if the contract is dead. When the kernel destroys a
   * contract it drains its queue and wakes no listener (contract_destroy → cte_queue_drain; a
   * non-blocking read then answers EAGAIN), so an observer is never told; the system calls this
   * for every observer each {@link OBSERVER_CHECK_INTERVAL} milliseconds. Events still readable
   * are delivered first; then `'dead'` is emitted and the contract closes (iterators finish).
   */
  checkAlive(): void {
    const status = this.handles.status;
    if (this.closed || status === undefined) return;
    let dead: boolean;
    try {
      // The status file stays readable after death while it is open, as any ctfs fd keeps its
      // contract; a contract gone from the table answers ENOENT.
      dead = status.read(CTD_COMMON).state === CTS_DEAD;
    } catch (error) {
      if (!isContractError(error, 'ENOENT')) return;
      dead = true;
    }
    if (!dead) return;
    // A listener may close the contract while the last events are delivered.
    if (!this.drainOwnEndpoint()) return;
    this.emit('dead');
    this.close();
  }

  // Delivers what the endpoint still holds; false if the contract was closed meanwhile.
  private drainOwnEndpoint(): boolean {
    const events = this.handles.events;
    try {
      for (let raw = events?.read(); raw !== undefined && !this.closed; raw = events?.read()) this.deliver(raw);
    } catch {
      // A destroyed queue may answer EIDRM or EBADF here: nothing more to read.
    }
    return !this.closed;
  }

  /** @internal A failure of the endpoint this contract's events come from. */
  fail(error: Error): void {
    this.deliverError(error);
  }

  private live(): void {
    if (this.closed) throw closedError(this.describe(), this.id);
  }

  // Opens the ctl file for one operation (the open itself re-checks that we still hold it).
  private withControl<Result>(operation: string, use: (control: ContractControlHandle) => Result): Result {
    this.live();
    if (this.role !== 'owner') throw observerError(operation, this.id);
    const control = this.system.backend.openControl(this.id);
    try {
      return use(control);
    } finally {
      control.close();
    }
  }

  /** The contract's status (ct_status_read at CTD_ALL). */
  status(): ContractStatus {
    this.live();
    if (this.handles.status !== undefined) return decodeStatus(this.handles.status.read(CTD_ALL));
    const status = this.system.backend.openStatus(this.id);
    try {
      return decodeStatus(status.read(CTD_ALL));
    } finally {
      status.close();
    }
  }

  /**
   * Stops holding the contract (ct_ctl_abandon): unacked critical events are acknowledged for you.
   * No event of it reaches this process afterwards (the kernel purges them from the process
   * bundle), so the system lets go of this object: one that is never closed costs nothing once
   * the application drops it.
   */
  abandon(): void {
    if (this.type === 'device') {
      this.live();
      throw new ContractError(
        `abandoning device contract ${this.id} can block for up to 60 s (a negotiation under way): use abandonAsync()`,
        { code: 'ERR_CONTRACT_BLOCKING_CALL', ctid: this.id },
      );
    }
    this.withControl('abandon', (control) => {
      control.abandon();
    });
    this.abandoned = true;
    this.system.forget(this, true);
  }

  /**
   * abandon() off the JS thread, for either type; the only way for device contracts, whose
   * abandon waits for a negotiation under way (ct_barrier_wait_for_release), up to 60 s.
   */
  async abandonAsync(): Promise<void> {
    this.live();
    if (this.role !== 'owner') throw observerError('abandon', this.id);
    const control = this.system.backend.openControl(this.id);
    try {
      await control.abandonAsync();
    } finally {
      control.close();
    }
    this.abandoned = true;
    this.system.forget(this, true);
  }

  /** Acknowledges a critical event (and, for a negotiation event, lets the change go ahead). */
  ack(evid: bigint): void {
    const id = validateEvid(evid);
    this.withControl('ack', (control) => {
      control.ack(id);
    });
  }

  /** Acknowledges a negotiation event and votes to block the change. */
  nack(evid: bigint): void {
    const id = validateEvid(evid);
    this.withControl('nack', (control) => {
      control.nack(id);
    });
  }

  /** Asks for more time for a negotiation event. */
  qack(evid: bigint): void {
    const id = validateEvid(evid);
    this.withControl('qack', (control) => {
      control.qack(id);
    });
  }

  /** Asks for a replacement contract with `template`'s terms when the negotiation ends (ct_ctl_newct). */
  newct(evid: bigint, template: ContractTemplate): void {
    const id = validateEvid(evid);
    const compiled = compileTemplate(template);
    this.withControl('newct', (control) => {
      const handle = openCompiledTemplate(this.system.backend, compiled);
      try {
        control.newct(id, handle);
      } finally {
        handle.close();
      }
    });
  }

  /** Sends `signal` to every member (sigsend(P_CTID)). Process contracts only. */
  signal(signal: number | NodeJS.Signals): void {
    const number = validateSignal(signal);
    this.live();
    this.system.backend.sigsend(this.id, number);
  }

  /** Closes the descriptors; no event is delivered afterwards. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closeSource();
    this.system.forget(this, this.abandoned);
    this.handles.events?.close();
    this.handles.status?.close();
  }

  /** Same as close(). */
  [Symbol.dispose](): void {
    this.close();
  }

  /** Same as close(). */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }
}
