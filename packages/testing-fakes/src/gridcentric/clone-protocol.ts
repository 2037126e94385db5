import type { CloneImage, JournalOperation, JournalOutcome } from './call-journal.ts';

/** A clone image as the program that made the clone knows it: the simulator adds the clone's address and version. */
export type CloneImageRequest = Omit<CloneImage, 'ip' | 'version'>;

/**
 * The messages between a clone process and the simulator that owns its VM, over the Node IPC
 * channel `child_process.fork()` opens. The clone asks; the simulator answers as the clone's VM.
 */
export type CloneToController =
  /** Run one backend call as the clone VM. */
  | {
      readonly type: 'call';
      readonly id: number;
      readonly operation: JournalOperation;
      readonly args: readonly number[];
    }
  /** The wait `id` was aborted in the clone: withdraw it. */
  | { readonly type: 'abort'; readonly id: number }
  /** A clone call of this clone returned a vmid: the image that clone's process starts from. */
  | { readonly type: 'image'; readonly image: CloneImageRequest };

export type ControllerToClone =
  /** The call `id` ended. */
  | { readonly type: 'settled'; readonly id: number; readonly outcome: JournalOutcome }
  /** The VM's guest interface was cut off (`errno`) or restored (undefined): what `check()` reports. */
  | { readonly type: 'detached'; readonly errno: string | undefined };

/** The environment variable that tells a process it is a clone, and where its image is. */
export const CLONE_IMAGE_VARIABLE = 'SYSBIND_GRIDCENTRIC_CLONE_IMAGE';

// Every message is tagged, so a program's own IPC messages on the same channel are left alone.
interface Tagged {
  readonly sysbindGridcentric: 1;
}

function isTagged(value: unknown): value is Tagged {
  return typeof value === 'object' && value !== null && (value as Partial<Tagged>).sysbindGridcentric === 1;
}

/** A message for the controller, tagged as this protocol's. */
export function toController(message: CloneToController): CloneToController & Tagged {
  return { ...message, sysbindGridcentric: 1 };
}

/** A message for the clone, tagged as this protocol's. */
export function toClone(message: ControllerToClone): ControllerToClone & Tagged {
  return { ...message, sysbindGridcentric: 1 };
}

/** What the controller reads from a clone's channel: a message of this protocol, or undefined for the program's own. */
export function fromClone(value: unknown): CloneToController | undefined {
  return isTagged(value) ? (value as unknown as CloneToController) : undefined;
}

/** What a clone reads from its channel: a message of this protocol, or undefined for the program's own. */
export function fromController(value: unknown): ControllerToClone | undefined {
  return isTagged(value) ? (value as unknown as ControllerToClone) : undefined;
}
