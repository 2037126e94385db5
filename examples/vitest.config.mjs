import base from '@sysbind/test-support/vitest-config';

export default { ...base, test: { ...base.test, include: ['test/**/*.test.{ts,mjs}'] } };
