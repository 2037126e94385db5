/**
 * What every implementation of contract(5) in `@sysbind` shares: the backend interface the
 * `@sysbind/contract` facade consumes, libcontract as one simulated process calls it (the
 * simulator implements it; the native addon's test build forwards to it), the error class every
 * backend throws, and the C constants. No native code and no dependencies, so the simulator and
 * the facade can use it without pulling a build tool.
 *
 * @module
 */
export { ContractError, isContractError, type ContractErrorDetails } from './errors.ts';
export * from './constants.ts';
export type * from './backend.ts';
export { COMMON_TEMPLATE_TERMS, PROCESS_TEMPLATE_TERMS, DEVICE_TEMPLATE_TERMS } from './backend.ts';
export type * from './simulated-libcontract.ts';
export {
  TEMPLATE_TERM_FUNCTIONS,
  templateTermFunctions,
  type TemplateFunctionName,
  type TemplateTermFunctions,
} from './template-terms.ts';
// Everything template-rules.ts exports is public: contract(5)'s rules for backends that keep templates.
export * from './template-rules.ts';
export {
  AckLedger,
  EventQueue,
  QueueListener,
  type EventFilter,
  type QueueEvent,
  type QueueKind,
} from './event-queue-model.ts';
