export * from './gridcentric/conformance.ts';
export * from './contract/conformance.ts';
