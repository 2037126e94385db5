/**
 * What every `@sysbind` package shares, written once: the SystemError-shaped base of each
 * subsystem's error class, Node-style argument errors with one message format, `AbortError`, and
 * the lazy loader of a native addon. No dependencies.
 *
 * @module
 */
export {
  describeReceived,
  invalidArgType,
  invalidArgValue,
  outOfRange,
  type ArgumentError,
} from './argument-errors.ts';
export { AbortError, createAbortError, isAbortError } from './abort-error.ts';
export {
  SystemErrorBase,
  errnoError,
  errnoName,
  isSystemErrorNamed,
  systemErrorMessage,
  type SystemErrorDetails,
} from './system-error.ts';
export {
  createAddonLoader,
  type AddonBase,
  type AddonErrorClass,
  type AddonFlavor,
  type AddonLoader,
  type AddonLoaderOptions,
} from './addon-loader.ts';
