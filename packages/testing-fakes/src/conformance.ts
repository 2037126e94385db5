export * from './gridcentric/conformance.ts';
