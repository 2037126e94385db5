export * from './gridcentric/index.ts';
