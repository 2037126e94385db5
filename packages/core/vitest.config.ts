export { default } from '@sysbind/test-support/vitest-config';
