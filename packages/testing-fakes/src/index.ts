export * from './gridcentric/index.ts';
export * from './contract/index.ts';
